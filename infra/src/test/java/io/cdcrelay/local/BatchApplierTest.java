package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchApplierTest {

  private static SourceRecord record(String sequenceNumber) {
    return new SourceRecord("shardId-000000000000", sequenceNumber, new byte[0], Instant.EPOCH);
  }

  @Test
  void aFailedBatchIsRetriedFromItsFirstUnappliedRecordComparedAsIntegers() {
    List<SourceRecord> batch = List.of(record("98"), record("99"), record("100"), record("101"));
    assertThat(BatchApplier.from(batch, "100"))
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("100", "101");
    assertThat(BatchApplier.from(batch, "98")).hasSize(4);
  }
}
