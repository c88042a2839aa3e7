package io.cdcrelay.local;

import java.util.Optional;

/** Where each shard of a stream was last applied up to. */
public interface Checkpoints {

  /** The checkpoint of a shard that was read to its end: it has nothing left. */
  String SHARD_END = "SHARD_END";

  /** The sequence number of the last applied record of the shard, or {@link #SHARD_END}. */
  Optional<String> read(String shardId);

  /** Records that the shard is applied up to and including {@code sequenceNumber}. */
  void write(String shardId, String sequenceNumber);
}
