package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.PlannedRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Priming runs the batch path without a database, as far as planning the rows for both. */
class PrimingTest {

  @Test
  void theSampleRecordIsDecodedAndPlannedForBothDatabasesEveryRound() {
    List<PlannedRow> rows = Priming.prime();
    assertPlanned(rows);
    // Kinesis Data Streams for DynamoDB: microseconds, as the record says.
    assertThat(rows.get(0).version().createdAt())
        .isEqualTo(java.time.Instant.parse("2024-07-11T23:23:53.012995Z"));
  }

  @Test
  void theDynamoDbStreamsHandlerPrimesItsOwnPathWithTheSameItem() {
    List<PlannedRow> rows = Priming.primeDynamoDbStreams();
    assertPlanned(rows);
    // Read as a DynamoDB Streams record: seconds.
    assertThat(rows.get(0).version().createdAt())
        .isEqualTo(java.time.Instant.parse("2024-07-11T23:23:53Z"));
  }

  private static void assertPlanned(List<PlannedRow> rows) {
    assertThat(rows).hasSize(40);
    assertThat(rows)
        .allSatisfy(
            row -> {
              assertThat(row.pkJson()).isEqualTo("{\"device\":\"foo\",\"n\":7}");
              assertThat(row.dataJson())
                  .contains(
                      "\"name\":\"Küche sensor\"", "\"active\":true", "\"tags\":[\"indoor\"]");
              // A list of mixed element types goes to aux, as the reference tool does.
              assertThat(row.auxJson()).contains("readings");
            });
  }
}
