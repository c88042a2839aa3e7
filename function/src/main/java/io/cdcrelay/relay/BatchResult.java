package io.cdcrelay.relay;

import java.time.Duration;
import java.util.Optional;

/**
 * What applying one batch did.
 *
 * @param received records in the batch
 * @param upserted rows written for inserted or modified items
 * @param deleted rows marked deleted for removed items
 * @param coalesced changes superseded by a newer change of the same item in the batch
 * @param deadLettered records set aside in the dead-letter table
 * @param rerouted rows written only after moving attributes to {@code aux}
 * @param duration how long applying took
 * @param oldestRecordAge the time since the oldest record of the batch reached the stream
 * @param failedFrom the sequence number of the first record not applied, if the batch failed
 * @param failure why the batch failed, if it did
 */
public record BatchResult(
    int received,
    int upserted,
    int deleted,
    int coalesced,
    int deadLettered,
    int rerouted,
    Duration duration,
    Duration oldestRecordAge,
    Optional<String> failedFrom,
    Optional<String> failure) {

  /** Whether every record was applied or set aside. */
  public boolean succeeded() {
    return failedFrom.isEmpty();
  }
}
