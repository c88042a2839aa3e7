package io.cdcrelay.local;

import java.util.List;
import java.util.Optional;

/** Where each shard of a stream was last applied up to. */
public interface Checkpoints {

  /** The checkpoint of a shard that was read to its end: it has nothing left. */
  String SHARD_END = "SHARD_END";

  /** The sequence number of the last applied record of the shard, or {@link #SHARD_END}. */
  Optional<String> read(String shardId);

  /** Records that the shard is applied up to and including {@code sequenceNumber}. */
  void write(String shardId, String sequenceNumber);

  /**
   * Writes {@code value} under {@code id} only if the stored value is still {@code expected}
   * (empty: still no row), in one step no other writer can come between: of several writers that
   * read the same value and write at the same moment, one wins.
   *
   * @return whether it wrote
   */
  boolean compareAndSet(String id, Optional<String> expected, String value);

  /**
   * The other streams with checkpoints in this state schema whose ARN starts with {@code prefix}
   * (the streams this one may have replaced: {@link io.cdcrelay.kinesis.ShardReader#lineage}).
   */
  default List<String> otherStreams(String prefix) {
    return List.of();
  }

  /**
   * The id under which the relay records when the stream it read was created (epoch milliseconds),
   * among the shards' checkpoints.
   */
  String CREATED = "(created)";

  /**
   * Forgets the checkpoint of every shard of this stream (not the relay's own rows, whose ids start
   * with {@code (}): they are of a stream that was deleted since; returns how many.
   */
  default int forgetShards() {
    throw new UnsupportedOperationException("forgetting checkpoints");
  }

  /**
   * The id under which the relay records its first start on a stream, among the shards'
   * checkpoints: no shard has it (Kinesis and DynamoDB Streams name theirs {@code shardId-…}).
   */
  String STARTED = "(started)";

  /** How the relay first started on this stream ({@link #recordStart}), if it ever did. */
  default Optional<String> start() {
    return read(STARTED);
  }

  /**
   * Records how the relay starts on this stream (its {@code start} option), before it reads the
   * first shard: from then on a shard without a checkpoint is one of which nothing was applied.
   */
  default void recordStart(String how) {
    write(STARTED, how);
  }
}
