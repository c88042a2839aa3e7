package io.cdcrelay.change;

import java.util.Objects;

/**
 * A record the relay could not apply and set aside, with the reason, so that it never blocks its
 * shard and a user can find it.
 *
 * @param source the record as it was read
 * @param stage where it failed: {@code decode}, {@code plan} or {@code write}
 * @param reason what was wrong, in one sentence
 */
public record DeadLetter(SourceRecord source, String stage, String reason) {
  public DeadLetter {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
  }
}
