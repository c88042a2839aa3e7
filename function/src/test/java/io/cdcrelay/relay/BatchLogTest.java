package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The EMF lines of a batch: which dimension sets carry which counts. */
class BatchLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  /** Two tables and a poison record: 8 received, 2 dead-lettered, 1 stale, 1 skipped. */
  private static final BatchResult BATCH =
      new BatchResult(
          8,
          3,
          1,
          0,
          1,
          2,
          0,
          1,
          1,
          Duration.ofMillis(40),
          Duration.ofSeconds(90),
          Optional.empty(),
          Optional.empty(),
          List.of(
              new BatchResult.TableCounts("doc.orders", 5, 2, 1, 0, 1, 0, 0, 1),
              new BatchResult.TableCounts("doc.users", 1, 1, 0, 0, 0, 0, 0, 0)),
          false);

  private static List<JsonNode> lines(String emf) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : emf.split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static String dimensions(JsonNode line) {
    return line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString();
  }

  @Test
  void outsideLambdaEachTableHasALineUnderTableOnly() throws Exception {
    List<JsonNode> lines = lines(BatchLog.emf(BATCH, NOW));
    assertThat(lines)
        .extracting(line -> line.get("Table").asText())
        .containsExactly("-", "doc.orders", "doc.users");
    for (JsonNode line : lines) {
      assertThat(dimensions(line)).isEqualTo("[[\"Table\"]]");
      assertThat(line.has("FunctionName")).isFalse();
    }
  }

  @Test
  void inLambdaTheBatchTotalsAreALineUnderTheFunctionsNameAlone() throws Exception {
    List<JsonNode> lines = lines(BatchLog.emf(BATCH, NOW, "relay-prod"));
    assertThat(lines).hasSize(4);
    for (JsonNode line : lines.subList(0, 3)) {
      assertThat(dimensions(line)).isEqualTo("[[\"Table\"],[\"FunctionName\",\"Table\"]]");
      assertThat(line.get("FunctionName").asText()).isEqualTo("relay-prod");
    }
    JsonNode total = lines.get(3);
    assertThat(dimensions(total)).isEqualTo("[[\"FunctionName\"]]");
    assertThat(total.has("Table")).isFalse();
    assertThat(total.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("CdcRelay");
    assertThat(total.get("FunctionName").asText()).isEqualTo("relay-prod");
    assertThat(total.get("Received").asInt()).isEqualTo(8);
    assertThat(total.get("Stale").asInt()).isEqualTo(1);
    assertThat(lines.get(1).get("Stale").asInt()).isEqualTo(1);
    assertThat(lines.get(2).get("Stale").asInt()).isZero();
    assertThat(total.get("Upserted").asInt()).isEqualTo(3);
    assertThat(total.get("DeadLettered").asInt()).isEqualTo(2);
    assertThat(total.get("Skipped").asInt()).isEqualTo(1);
    assertThat(total.get("Failed").asInt()).isZero();
    assertThat(total.get("OldestRecordAgeMs").asLong()).isEqualTo(90_000);
    // Every metric the template alarms on is declared in every line.
    List<String> declared = new ArrayList<>();
    total
        .at("/_aws/CloudWatchMetrics/0/Metrics")
        .forEach(m -> declared.add(m.get("Name").asText()));
    assertThat(declared).containsAll(BatchLog.COUNTS).contains("DurationMs", "OldestRecordAgeMs");
    // The table lines add up to the total for every count, so a sum under either dimension set
    // is the same (Skipped and Failed are the batch's: on the "-" line, not on each table's).
    for (String count : BatchLog.COUNTS) {
      int sum = 0;
      for (JsonNode line : lines.subList(0, 3)) {
        sum += line.get(count).asInt();
      }
      assertThat(sum).as(count).isEqualTo(total.get(count).asInt());
    }
  }

  @Test
  void aFailedBatchCountsOneFailureUnderEitherDimensionSet() throws Exception {
    BatchResult failed =
        new BatchResult(
            8,
            3,
            1,
            0,
            1,
            0,
            0,
            1,
            0,
            Duration.ofMillis(40),
            Duration.ofSeconds(90),
            Optional.of("49656709367126341276"),
            Optional.of("the database went away"),
            BATCH.tables(),
            false);
    List<JsonNode> lines = lines(BatchLog.emf(failed, NOW, "relay-prod"));
    int failures = 0;
    for (JsonNode line : lines.subList(0, lines.size() - 1)) {
      failures += line.get("Failed").asInt();
    }
    assertThat(failures).isEqualTo(1);
    assertThat(lines.get(lines.size() - 1).get("Failed").asInt()).isEqualTo(1);
  }

  @Test
  void theTextLineCountsStaleChangesInTotalAndPerTable() {
    assertThat(BatchLog.text(BATCH))
        .contains("received=8 ", " stale=1 skipped=1 ")
        .contains("[doc.orders: received=5 upserted=2 deleted=1 expired=0 dead-lettered=0 stale=1]")
        .contains("[doc.users: received=1 upserted=1 deleted=0 expired=0 dead-lettered=0 stale=0]");
  }

  /** One table, every count its own number, failed from a record. */
  private static final BatchResult FAILED_ONE_TABLE =
      new BatchResult(
          20,
          2,
          3,
          4,
          5,
          6,
          7,
          8,
          9,
          Duration.ofMillis(1234),
          Duration.ofMillis(5678),
          Optional.of("49656709367126341276"),
          Optional.of("the database went away"),
          List.of(new BatchResult.TableCounts("doc.orders", 11, 2, 3, 4, 5, 1, 7, 8)),
          true);

  @Test
  void aLineIsAnEmbeddedMetricFormatDocumentWithEveryCountAndItsUnit() throws Exception {
    List<JsonNode> lines = lines(BatchLog.emf(FAILED_ONE_TABLE, NOW));
    assertThat(lines).hasSize(2);
    StringBuilder metrics = new StringBuilder();
    for (String count : BatchLog.COUNTS) {
      metrics.append("{\"Name\":\"").append(count).append("\",\"Unit\":\"Count\"},");
    }
    metrics.append("{\"Name\":\"DurationMs\",\"Unit\":\"Milliseconds\"},");
    metrics.append("{\"Name\":\"OldestRecordAgeMs\",\"Unit\":\"Milliseconds\"}");
    String aws =
        "\"_aws\":{\"Timestamp\":"
            + NOW.toEpochMilli()
            + ",\"CloudWatchMetrics\":[{\"Namespace\":\"CdcRelay\",\"Dimensions\":[[\"Table\"]],"
            + "\"Metrics\":["
            + metrics
            + "]}]}";
    String failure =
        ",\"FailedFrom\":\"49656709367126341276\",\"Failure\":\"the database went away\"}";
    // What reached no table (9 records, 5 dead letters), the skipped ones and the failure: the
    // batch's line "-".
    assertThat(lines.get(0))
        .isEqualTo(
            JSON.readTree(
                "{"
                    + aws
                    + ",\"Table\":\"-\",\"Received\":9,\"Upserted\":0,\"Deleted\":0,"
                    + "\"Expired\":0,\"Coalesced\":0,\"DeadLettered\":5,\"Rerouted\":0,"
                    + "\"Stale\":0,\"Skipped\":9,\"Failed\":1,\"DurationMs\":1234,"
                    + "\"OldestRecordAgeMs\":5678"
                    + failure));
    assertThat(lines.get(1))
        .isEqualTo(
            JSON.readTree(
                "{"
                    + aws
                    + ",\"Table\":\"doc.orders\",\"Received\":11,\"Upserted\":2,\"Deleted\":3,"
                    + "\"Expired\":4,\"Coalesced\":5,\"DeadLettered\":1,\"Rerouted\":7,"
                    + "\"Stale\":8,\"Skipped\":0,\"Failed\":0,\"DurationMs\":1234,"
                    + "\"OldestRecordAgeMs\":5678"
                    + failure));
  }

  @Test
  void theBatchsLineIsThereOnlyWhenSomethingReachedNoTable() throws Exception {
    BatchResult.TableCounts orders =
        new BatchResult.TableCounts("doc.orders", 3, 3, 0, 0, 0, 0, 0, 0);
    BatchResult allInTables = batch(3, 0, 0, List.of(orders));
    assertThat(lines(BatchLog.emf(allInTables, NOW)))
        .extracting(line -> line.get("Table").asText())
        .containsExactly("doc.orders");
    // A record of no table, a dead letter of no table, a skipped record, no table at all: each
    // puts the line "-" first.
    for (BatchResult withRest :
        List.of(
            batch(4, 0, 0, List.of(orders)),
            batch(3, 1, 0, List.of(orders)),
            batch(3, 0, 1, List.of(orders)),
            batch(0, 0, 0, List.of()))) {
      assertThat(lines(BatchLog.emf(withRest, NOW)).get(0).get("Table").asText())
          .as("%s", withRest)
          .isEqualTo("-");
    }
  }

  private static BatchResult batch(
      int received, int deadLettered, int skipped, List<BatchResult.TableCounts> tables) {
    return new BatchResult(
        received,
        3,
        0,
        0,
        0,
        deadLettered,
        0,
        0,
        skipped,
        Duration.ZERO,
        Duration.ZERO,
        Optional.empty(),
        Optional.empty(),
        tables,
        false);
  }

  @Test
  void theTextLineNamesItsTablesAndItsFailureAndListsTablesOnlyWhenSeveral() {
    assertThat(BatchLog.text(FAILED_ONE_TABLE))
        .isEqualTo(
            "batch doc.orders: received=20 upserted=2 deleted=3 expired=4 coalesced=5"
                + " dead-lettered=6 rerouted=7 stale=8 skipped=9 duration=1234ms"
                + " oldest-record-age=5678ms FAILED from 49656709367126341276: the database went"
                + " away");
    assertThat(BatchLog.text(batch(0, 0, 0, List.of())))
        .startsWith("batch -: received=0 ")
        .doesNotContain("FAILED");
    assertThat(BatchLog.text(BATCH)).startsWith("batch doc.orders,doc.users: received=8 ");
  }
}
