package io.cdcrelay.sink;

import java.time.Instant;
import java.util.Optional;

/**
 * A dead letter as stored, without its payload.
 *
 * @param table the dead-letter table holding it
 * @param target the target table it was meant for; empty when it reached none
 * @param shardId the shard (or {@code file:PATH}) it was read from
 * @param sequenceNumber its sequence number (or line number) there
 * @param stage where it failed
 * @param reason why, in one sentence
 * @param failedAt when it (last) failed
 */
public record StoredDeadLetter(
    TableName table,
    Optional<TableName> target,
    String shardId,
    String sequenceNumber,
    String stage,
    String reason,
    Instant failedAt) {

  /** The target table as an operator names it: {@code schema.table}, or {@code -} for none. */
  public String targetName() {
    return target.map(TableName::toString).orElse(DeadLetterFilter.NO_TABLE);
  }
}
