package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Database outages against a real database: the batch fails from its first record not applied, and
 * the retry converges.
 */
abstract class OutageContract extends RelayFixture {

  @Test
  void unreachableDatabaseFailsTheBatchFromItsFirstRecordAndTheRetryConverges() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, ""))));
    proxy.down();
    List<SourceRecord> records =
        batch(
            record(2, upsert("MODIFY", "a", 200, "\"v\":{\"N\":\"2\"}")),
            record(3, upsert("INSERT", "b", 201, "")),
            record(4, "poison"));
    BatchResult failed = relay.apply(records);
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.failedFrom()).contains(sequenceNumber(2));
    assertThat(failed.failure()).isPresent();
    proxy.up();
    BatchResult retried = relay.apply(records);
    assertThat(retried.succeeded()).isTrue();
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
    assertThat(live().get("{\"id\":\"a\"}").get("v").decimalValue()).isEqualByComparingTo("2");
  }

  @Test
  void connectionCutInTheMiddleOfABulkWriteFailsTheBatchAndTheRetryConverges() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "seed", 100, ""))));
    List<SourceRecord> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      records.add(
          record(
              10 + i,
              upsert("INSERT", "k" + i, 1000 + i, "\"pad\":{\"S\":\"" + "x".repeat(200) + "\"}")));
    }
    proxy.cutAfter(40_000);
    BatchResult failed = relay.apply(records);
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.failedFrom()).contains(sequenceNumber(10));
    proxy.up();
    BatchResult retried = relay.apply(records);
    assertThat(retried.succeeded()).isTrue();
    assertThat(live()).hasSize(501);
  }

  /**
   * The status table after the database went away and came back: a failed attempt stores nothing,
   * its retry from the first unapplied record counts those records once; a batch delivered again in
   * full (Lambda retrying a batch it could not confirm) counts again, as applied, never as stale.
   */
  @Test
  void afterAnOutageTheStatusTableHoldsTheLastPositionAndCountsWhatCompleted() throws Exception {
    String source = "arn:aws:kinesis:eu-central-1:123456789012:stream/" + table.table();
    assertThat(relay.apply(batch(record(1, upsert("INSERT", "a", 100, ""))), source).succeeded())
        .isTrue();

    proxy.down();
    List<SourceRecord> second =
        batch(
            record(2, upsert("INSERT", "b", 200, "")),
            record(3, upsert("INSERT", "c", 201, "")),
            record(4, upsert("MODIFY", "a", 202, "")));
    BatchResult down = relay.apply(second, source);
    assertThat(down.succeeded()).isFalse();
    proxy.up();
    assertThat(status(source).lastSequenceNumber())
        .as("a failed attempt leaves the status alone")
        .isEqualTo(sequenceNumber(1));
    assertThat(relay.apply(from(second, down.failedFrom().get()), source).succeeded()).isTrue();
    assertThat(relay.apply(second, source).stale()).as("delivered again").isZero();

    List<SourceRecord> third = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      third.add(
          record(
              10 + i,
              upsert("INSERT", "k" + i, 1000 + i, "\"pad\":{\"S\":\"" + "x".repeat(200) + "\"}")));
    }
    proxy.cutAfter(30_000);
    BatchResult cut = relay.apply(third, source);
    assertThat(cut.succeeded()).isFalse();
    proxy.up();
    List<SourceRecord> rest = from(third, cut.failedFrom().get());
    assertThat(relay.apply(rest, source).succeeded()).isTrue();

    Target.Status status = status(source);
    long received = 1 + from(second, down.failedFrom().get()).size() + second.size() + rest.size();
    assertThat(status.lastSequenceNumber()).isEqualTo(sequenceNumber(309));
    assertThat(status.newestChangeAt().toEpochMilli()).isEqualTo(1);
    assertThat(status.received()).isEqualTo(received);
    assertThat(status.upserted()).isEqualTo(received);
    assertThat(status.stale()).isZero();
    assertThat(live()).hasSize(303);
  }

  private Target.Status status(String source) {
    try (JdbcTarget target =
        new JdbcTarget(
            database().url(database().host(), database().port(), table),
            () -> null,
            java.time.Clock.systemUTC(),
            30)) {
      return target.status().stream()
          .filter(row -> row.source().equals(source))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no status row of " + source));
    }
  }

  /** The records from {@code sequenceNumber} on: what Lambda and the local relay retry. */
  private static List<SourceRecord> from(List<SourceRecord> records, String sequenceNumber) {
    return records.stream()
        .filter(
            r ->
                io.cdcrelay.change.SequenceNumbers.ORDER.compare(r.sequenceNumber(), sequenceNumber)
                    >= 0)
        .toList();
  }
}
