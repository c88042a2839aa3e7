package io.cdcrelay.verify;

import io.cdcrelay.source.DynamoDbTableUrl;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of {@code relay verify}.
 *
 * @param source the table and how to scan it ({@code segments}, {@code batch-size}, {@code rcu},
 *     {@code consistent-read})
 * @param repair whether differences are rewritten from a consistent read
 * @param show how many keys of each kind of difference are listed
 * @param rechecks how often a difference is read again (from both sides) before it is reported,
 *     pausing 1 s, 2 s, … in between: items changing while verify runs reach the target meanwhile
 * @param clockSkew how far before its read a repaired row is dated
 * @param giveUpAfter how long failing reads and writes are retried
 * @param recheckLimit the most differences read again, listed and repaired; beyond them the scan's
 *     differences are counted by the kind it found, not read again (a table far from its target
 *     would otherwise hold every key in memory and read each again)
 */
public record VerifySettings(
    DynamoDbTableUrl source,
    boolean repair,
    int show,
    int rechecks,
    Duration clockSkew,
    Duration giveUpAfter,
    int recheckLimit) {

  public VerifySettings {
    Objects.requireNonNull(source, "source");
    if (show < 1 || show > 10_000) {
      throw new IllegalArgumentException("--show=" + show + " is out of range: 1 to 10000");
    }
    if (rechecks < 1 || rechecks > 10) {
      throw new IllegalArgumentException("--rechecks=" + rechecks + " is out of range: 1 to 10");
    }
    if (recheckLimit < 1 || recheckLimit > 10_000_000) {
      throw new IllegalArgumentException(
          "--recheck-limit=" + recheckLimit + " is out of range: 1 to 10000000");
    }
  }
}
