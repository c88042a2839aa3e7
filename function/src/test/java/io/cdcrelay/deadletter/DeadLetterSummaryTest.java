package io.cdcrelay.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.StoredDeadLetter;
import io.cdcrelay.sink.TableName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadLetterSummaryTest {

  private static final TableName ORDERS = new TableName("doc", "orders");

  private static StoredDeadLetter letter(
      Optional<TableName> target, String stage, String reason, String failedAt) {
    return new StoredDeadLetter(
        ORDERS.sibling("_dead_letters"),
        target,
        "shardId-000000000000",
        "1",
        stage,
        reason,
        Instant.parse(failedAt));
  }

  @Test
  void reasonsDifferingInTimesAndNumbersCountTogetherAndTheLastFailedGroupComesFirst() {
    List<DeadLetterSummary> groups =
        DeadLetterSummary.of(
            List.of(
                letter(
                    Optional.of(ORDERS),
                    "too-old",
                    "the change was made at 2026-11-01T10:00:00.000123Z, before the purge horizon"
                        + " 2026-11-20T00:00:00Z of doc.orders",
                    "2026-12-01T10:00:00Z"),
                letter(
                    Optional.of(ORDERS),
                    "too-old",
                    "the change was made at 2026-11-02T11:30:00Z, before the purge horizon"
                        + " 2026-11-20T00:00:00Z of doc.orders",
                    "2026-12-01T09:00:00Z"),
                letter(Optional.empty(), "decode", "not JSON", "2026-12-01T11:00:00Z"),
                letter(
                    Optional.of(ORDERS),
                    "write",
                    "value 123456 too long",
                    "2026-12-01T08:00:00Z")));
    assertThat(groups)
        .extracting(DeadLetterSummary::table, DeadLetterSummary::stage, DeadLetterSummary::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("-", "decode", 1),
            org.assertj.core.groups.Tuple.tuple("doc.orders", "too-old", 2),
            org.assertj.core.groups.Tuple.tuple("doc.orders", "write", 1));
    DeadLetterSummary tooOld = groups.get(1);
    assertThat(tooOld.reason())
        .isEqualTo("the change was made at …, before the purge horizon … of doc.orders");
    assertThat(tooOld.newest()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(tooOld.oldest()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    assertThat(groups.get(2).reason()).isEqualTo("value … too long");
  }
}
