package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.FaultyProxy;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every file of {@code events/}, deserialised by the Lambda runtime's own serialisation ({@link
 * EventLoader}), run through the handler against a real database; the rows must be what the event's
 * changes make of an empty table.
 */
abstract class KinesisRelayHandlerContract {

  private static final Path EVENTS = Path.of("..", "events");
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper GOLDEN =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  abstract TargetDatabase database();

  private TableName newTable() {
    return new TableName(
        database().schema(),
        "handler_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
  }

  private KinesisRelayHandler handler(String host, int port, TableName table, PrintStream metrics) {
    Map<String, String> env = Map.of("CRATEDB_SQLALCHEMY_URL", urlText(host, port, table));
    return new KinesisRelayHandler(FunctionConfig.fromEnvironment(env), Clock.systemUTC(), metrics);
  }

  private String urlText(String host, int port, TableName table) {
    var url = database().url(host, port, table);
    String query = url.jdbcUrl().contains("?") ? "&" : "?";
    return url.jdbcUrl()
        + query
        + "table="
        + table.schema()
        + "."
        + table.table()
        + (url.user() == null ? "" : "&user=" + url.user())
        + (url.password() == null ? "" : "&password=" + url.password());
  }

  /** Applies the event with a new handler of the table, its metric lines into {@code metrics}. */
  private StreamsEventResponse handle(
      TableName table, KinesisEvent event, ByteArrayOutputStream metrics) {
    return handler(
            database().host(),
            database().port(),
            table,
            new PrintStream(metrics, true, StandardCharsets.UTF_8))
        .handleRequest(event, null);
  }

  private static KinesisEvent load(String file) {
    return EventLoader.loadKinesisEvent(EVENTS.resolve(file).toString());
  }

  /**
   * What the event file's changes make of an empty table, written out by hand-checked golden files
   * in {@code src/test/resources/events-expected/} (made apart from the relay's decoder): live
   * items by their pk object with sorted keys.
   */
  private static Map<String, JsonNode> expectedItems(String file) throws Exception {
    Map<String, JsonNode> items = new TreeMap<>();
    try (var in =
        KinesisRelayHandlerContract.class.getResourceAsStream("/events-expected/" + file)) {
      assertThat(in).as("golden file events-expected/%s", file).isNotNull();
      GOLDEN
          .readTree(in)
          .fields()
          .forEachRemaining(e -> items.put(e.getKey(), TableRows.normalized(e.getValue())));
    }
    return items;
  }

  /** A pk object as JSON with its keys sorted, whatever order the database keeps them in. */
  private static String canonical(String pkJson) throws Exception {
    return JSON.writeValueAsString(JSON.readValue(pkJson, TreeMap.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"insert.json", "modify.json", "remove.json", "batch.json", "poison.json"})
  void eventFileLandsAsItsItems(String file) throws Exception {
    assertThat(Files.exists(EVENTS.resolve(file))).as("events/%s", file).isTrue();
    TableName table = newTable();
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    KinesisEvent event = load(file);
    StreamsEventResponse response = handle(table, event, metrics);
    assertThat(response.getBatchItemFailures()).isEmpty();
    Map<String, JsonNode> expected = expectedItems(file);
    if (expected.isEmpty() && file.equals("remove.json")) {
      // A removal of an item the table never had leaves no row, only a tombstone apart.
      assertThat(TableRows.read(database(), table)).isEmpty();
      assertThat(TableRows.tombstones(database(), table)).hasSize(1);
    }
    Map<String, JsonNode> live = liveByCanonicalPk(table);
    assertThat(live).isEqualTo(expected);
    // One EMF line per target table, plus one (table "-") for what reached no table.
    int received = 0;
    int deadLettered = 0;
    for (String line : metrics.toString(StandardCharsets.UTF_8).trim().split("\n")) {
      JsonNode emf = JSON.readTree(line);
      received += emf.get("Received").asInt();
      deadLettered += emf.get("DeadLettered").asInt();
      assertThat(emf.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("CdcRelay");
      assertThat(emf.get("Table").asText()).isIn("-", table.toString());
    }
    assertThat(received).isEqualTo(event.getRecords().size());
    assertThat(deadLettered).isEqualTo(file.equals("poison.json") ? 2 : 0);
  }

  @Test
  void anEventWithoutRecordsIsAnsweredWithNoFailureAndWritesNothing() throws Exception {
    TableName table = newTable();
    KinesisEvent empty = new KinesisEvent();
    empty.setRecords(List.of());
    assertThat(handle(table, empty, new ByteArrayOutputStream()).getBatchItemFailures()).isEmpty();
    assertThat(
            handle(table, new KinesisEvent(), new ByteArrayOutputStream()).getBatchItemFailures())
        .isEmpty();
  }

  @Test
  void aBatchOfOnlyPoisonRecordsGzippedOrNotJsonIsDeadLetteredAndAnsweredWithNoFailure()
      throws Exception {
    TableName table = newTable();
    java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
      gzip.write(io.cdcrelay.testing.Records.record(0, "{}").data());
    }
    List<byte[]> payloads =
        List.of(
            gzipped.toByteArray(),
            "not json".getBytes(StandardCharsets.UTF_8),
            new byte[0],
            "[1,2]".getBytes(StandardCharsets.UTF_8));
    List<KinesisEvent.KinesisEventRecord> records = new java.util.ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      KinesisEvent.Record kinesis = new KinesisEvent.Record();
      kinesis.setData(java.nio.ByteBuffer.wrap(payloads.get(i)));
      String seq = "4965670936712634127648454318642304581269840632947073024" + i;
      kinesis.setSequenceNumber(seq);
      KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
      record.setKinesis(kinesis);
      record.setEventSource("aws:kinesis");
      record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/poison");
      record.setEventID("shardId-000000000000:" + seq);
      records.add(record);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    assertThat(handle(table, event, metrics).getBatchItemFailures()).isEmpty();
    int deadLettered = 0;
    for (String line : metrics.toString(StandardCharsets.UTF_8).trim().split("\n")) {
      deadLettered += JSON.readTree(line).get("DeadLettered").asInt();
    }
    assertThat(deadLettered).isEqualTo(payloads.size());
  }

  @Test
  void inLambdaTheMetricsAlsoCarryTheFunctionsNameForTheTemplatesAlarms() throws Exception {
    TableName table = newTable();
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    com.amazonaws.services.lambda.runtime.Context context =
        (com.amazonaws.services.lambda.runtime.Context)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) ->
                    method.getName().equals("getFunctionName") ? "relay-prod" : null);
    handler(
            database().host(),
            database().port(),
            table,
            new PrintStream(metrics, true, StandardCharsets.UTF_8))
        .handleRequest(load("poison.json"), context);
    String[] lines = metrics.toString(StandardCharsets.UTF_8).trim().split("\n");
    JsonNode total = JSON.readTree(lines[lines.length - 1]);
    assertThat(total.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
        .isEqualTo("[[\"FunctionName\"]]");
    assertThat(total.get("FunctionName").asText()).isEqualTo("relay-prod");
    assertThat(total.get("DeadLettered").asInt()).isEqualTo(2);
    assertThat(total.get("Received").asInt()).isEqualTo(load("poison.json").getRecords().size());
  }

  @Test
  void theHandlerRemovesDeadLettersPastTheirRetention() throws Exception {
    // A schema of its own, which is also the state schema: its dead letters are this test's.
    TableName table =
        new TableName(
            "handler_dl_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet(), "t");
    PrintStream metrics = new PrintStream(new ByteArrayOutputStream());
    KinesisEvent poison = load("poison.json");
    assertThat(
            handler(database().host(), database().port(), table, metrics)
                .handleRequest(poison, null)
                .getBatchItemFailures())
        .isEmpty();
    TableName deadLetters = new TableName(table.schema(), "cdc_relay_dead_letters");
    String aged = poison.getRecords().get(1).getKinesis().getSequenceNumber();
    database().refresh(deadLetters);
    try (java.sql.Connection c = database().connect();
        java.sql.PreparedStatement update =
            c.prepareStatement(
                "UPDATE "
                    + deadLetters.quoted()
                    + " SET \"failed_at\" = ? WHERE \"sequence_number\" = ?")) {
      update.setTimestamp(
          1, java.sql.Timestamp.from(java.time.Instant.now().minus(java.time.Duration.ofDays(15))));
      update.setString(2, aged);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    // A new container: its first applied batch applies the retention (14 days by default).
    assertThat(
            handler(database().host(), database().port(), table, metrics)
                .handleRequest(load("insert.json"), null)
                .getBatchItemFailures())
        .isEmpty();
    database().refresh(deadLetters);
    try (java.sql.Connection c = database().connect();
        java.sql.ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT \"sequence_number\" FROM " + deadLetters.quoted())) {
      java.util.List<String> left = new java.util.ArrayList<>();
      while (rs.next()) {
        left.add(rs.getString(1));
      }
      assertThat(left).hasSize(1).doesNotContain(aged);
    }
  }

  @Test
  void insertModifyRemoveInSeparateInvocationsEndDeleted() throws Exception {
    TableName table = newTable();
    KinesisRelayHandler handler =
        handler(
            database().host(),
            database().port(),
            table,
            new PrintStream(new ByteArrayOutputStream()));
    assertThat(handler.handleRequest(load("insert.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(TableRows.liveItems(database(), table)).hasSize(1);
    assertThat(handler.handleRequest(load("modify.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(TableRows.liveItems(database(), table).values())
        .containsExactlyElementsOf(expectedItems("modify.json").values());
    assertThat(handler.handleRequest(load("remove.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(TableRows.liveItems(database(), table)).isEmpty();
    // Lambda retries the insert after the removal (a duplicate): the item stays deleted.
    assertThat(handler.handleRequest(load("insert.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(TableRows.liveItems(database(), table)).isEmpty();
  }

  @Test
  void startAtASequenceNumberSkipsTheEarlierRecordsOfItsShard() throws Exception {
    TableName table = newTable();
    KinesisEvent event = load("batch.json");
    List<SourceRecord> records = KinesisEvents.toSourceRecords(event);
    SourceRecord start = records.get(4);
    Map<String, String> env =
        Map.of(
            "CRATEDB_SQLALCHEMY_URL", urlText(database().host(), database().port(), table),
            "START_SHARD_ID", start.shardId(),
            "START_SEQUENCE_NUMBER", start.sequenceNumber(),
            "START_MODE", "at");
    KinesisRelayHandler handler =
        new KinesisRelayHandler(
            FunctionConfig.fromEnvironment(env),
            Clock.systemUTC(),
            new PrintStream(new ByteArrayOutputStream()));
    assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
    Map<String, JsonNode> live = liveByCanonicalPk(table);
    // From record 4 on: qux modified, corge inserted, quux removed, grault inserted.
    Map<String, JsonNode> fromFourth = new TreeMap<>(expectedItems("batch.json"));
    fromFourth.keySet().removeIf(pk -> !pk.matches(".*\"(qux|corge|grault)\".*"));
    assertThat(fromFourth).hasSize(3);
    assertThat(live).isEqualTo(fromFourth);
  }

  @Test
  void unreachableDatabaseAnswersWithTheFirstRecordToRetryFrom() throws Exception {
    TableName table = newTable();
    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port())) {
      proxy.down();
      KinesisEvent event = load("batch.json");
      StreamsEventResponse response =
          handler("127.0.0.1", proxy.port(), table, new PrintStream(new ByteArrayOutputStream()))
              .handleRequest(event, null);
      List<StreamsEventResponse.BatchItemFailure> failures = response.getBatchItemFailures();
      assertThat(failures).hasSize(1);
      assertThat(failures.get(0).getItemIdentifier())
          .isEqualTo(event.getRecords().get(0).getKinesis().getSequenceNumber());
    }
  }

  /**
   * A batch of {@code count} changes of 300 items in stream order, with creation times shuffled (as
   * Kinesis may deliver them) and about one in seven a removal; {@code expected} gets what the
   * newest change of each item leaves, by pk JSON.
   */
  private static KinesisEvent largeBatch(int count, Map<String, JsonNode> expected)
      throws Exception {
    java.util.Random random = new java.util.Random(count);
    List<Long> micros = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      micros.add(1_720_746_000_000_000L + i * 1_000L);
    }
    java.util.Collections.shuffle(micros, random);
    Map<String, Long> newest = new java.util.HashMap<>();
    List<KinesisEvent.KinesisEventRecord> records = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "item-" + random.nextInt(300);
      long at = micros.get(i);
      String json;
      JsonNode item = null;
      if (random.nextInt(7) == 0) {
        json = io.cdcrelay.testing.Records.remove(id, at);
      } else {
        json =
            io.cdcrelay.testing.Records.upsert(
                "MODIFY", id, at, "\"v\":{\"N\":\"" + i + "\"},\"s\":{\"S\":\"change " + i + "\"}");
        item = JSON.readTree("{\"id\":\"" + id + "\",\"v\":" + i + ",\"s\":\"change " + i + "\"}");
      }
      String pk = "{\"id\":\"" + id + "\"}";
      if (newest.getOrDefault(pk, Long.MIN_VALUE) < at) {
        newest.put(pk, at);
        if (item == null) {
          expected.remove(pk);
        } else {
          expected.put(pk, TableRows.normalized(item));
        }
      }
      SourceRecord source = io.cdcrelay.testing.Records.record(i, json);
      KinesisEvent.Record kinesis = new KinesisEvent.Record();
      kinesis.setData(java.nio.ByteBuffer.wrap(source.data()));
      kinesis.setSequenceNumber(source.sequenceNumber());
      kinesis.setPartitionKey(id);
      kinesis.setApproximateArrivalTimestamp(java.util.Date.from(source.arrivedAt()));
      KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
      record.setKinesis(kinesis);
      record.setEventSource("aws:kinesis");
      record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/parts");
      record.setEventID(source.shardId() + ":" + source.sequenceNumber());
      records.add(record);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }

  /** The table's live items by their pk JSON with sorted keys. */
  private Map<String, JsonNode> liveByCanonicalPk(TableName table) throws Exception {
    Map<String, JsonNode> live = new TreeMap<>();
    for (Map.Entry<String, JsonNode> row : TableRows.liveItems(database(), table).entrySet()) {
      live.put(canonical(row.getKey()), row.getValue());
    }
    return live;
  }

  @Test
  void aBatchAppliedInPartsAtOnceEndsAsTheNewestChangeOfEachItem() throws Exception {
    TableName table = newTable();
    Map<String, JsonNode> expected = new TreeMap<>();
    // Three parts on two connections; an item's changes fall in several parts.
    KinesisEvent event = largeBatch(2 * FunctionConfig.PART + 500, expected);
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    StreamsEventResponse response = handle(table, event, metrics);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(liveByCanonicalPk(table)).isEqualTo(expected);
    JsonNode emf = JSON.readTree(metrics.toString(StandardCharsets.UTF_8).trim());
    assertThat(emf.get("Received").asInt()).isEqualTo(event.getRecords().size());
    // The parts' status rows, stored together: the shard's last record, all records counted.
    String last =
        event.getRecords().stream()
            .map(r -> r.getKinesis().getSequenceNumber())
            .max(io.cdcrelay.change.SequenceNumbers.ORDER)
            .orElseThrow();
    assertThat(TableRows.status(database(), table))
        .containsExactly(last + " received " + event.getRecords().size());
  }

  @Test
  void aBatchCutOffMidWayConvergesWhenLambdaRetriesFromTheRecordItNames() throws Exception {
    TableName table = newTable();
    Map<String, JsonNode> expected = new TreeMap<>();
    KinesisEvent event = largeBatch(4 * FunctionConfig.PART, expected);
    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port())) {
      KinesisRelayHandler handler =
          handler("127.0.0.1", proxy.port(), table, new PrintStream(new ByteArrayOutputStream()));
      // Its first records create the table, so that the cut falls in the batch's writes.
      KinesisEvent first = new KinesisEvent();
      first.setRecords(event.getRecords().subList(0, 10));
      assertThat(handler.handleRequest(first, null).getBatchItemFailures()).isEmpty();
      // Each part writes about 300 rows of some 150 bytes: the cut falls in the second or third.
      proxy.cutAfter(60_000);
      List<KinesisEvent.KinesisEventRecord> left = event.getRecords();
      int attempts = 0;
      while (true) {
        KinesisEvent retry = new KinesisEvent();
        retry.setRecords(left);
        List<StreamsEventResponse.BatchItemFailure> failures =
            handler.handleRequest(retry, null).getBatchItemFailures();
        if (failures.isEmpty()) {
          break;
        }
        assertThat(++attempts).as("attempts").isLessThan(5);
        proxy.up();
        // Lambda's retry: the batch from the record the response names.
        String from = failures.get(0).getItemIdentifier();
        int at = 0;
        while (!left.get(at).getKinesis().getSequenceNumber().equals(from)) {
          at++;
        }
        left = left.subList(at, left.size());
      }
      assertThat(attempts).as("the cut failed the batch once").isEqualTo(1);
    }
    assertThat(liveByCanonicalPk(table)).isEqualTo(expected);
  }
}
