package io.cdcrelay.kinesis;

import java.util.List;
import java.util.Objects;

/**
 * A shard of a stream as ListShards describes it.
 *
 * @param shardId the shard's id
 * @param parents the shards it was split or merged from, if any (parent, then adjacent parent)
 * @param closed whether the shard is closed (resharded): it takes no more records and its reader
 *     reaches an end
 */
public record Shard(String shardId, List<String> parents, boolean closed) {

  public Shard {
    Objects.requireNonNull(shardId, "shardId");
    parents = List.copyOf(parents);
  }
}
