package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
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
}
