package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.FaultyProxy;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every file of {@code events/dynamodb-streams/}, deserialised by the Lambda runtime's own
 * serialisation ({@link EventLoader}), run through {@link DynamoDbStreamsRelayHandler} against a
 * real database; the rows must be the items written out below by hand (golden), not computed by the
 * code under test.
 */
abstract class DynamoDbStreamsHandlerContract {

  private static final Path EVENTS = Path.of("..", "events", "dynamodb-streams");
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final ObjectMapper JSON =
      io.cdcrelay.decode.DynamoDbJson.plainMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private static final String FOO_PK = "{\"device\":\"foo\",\"timestamp\":\"2024-07-12T01:17:42\"}";
  private static final String FOO_INSERTED =
      """
      {"device":"foo","timestamp":"2024-07-12T01:17:42","name":"Küche sensor","count":7,
       "reading":42.42,"firmware":"AQID/w==","active":true,"note":null,
       "location":{"room":"kitchen","floor":1,"coordinates":{"lat":52.52,"lon":13.405}},
       "readings":[21.5,21.7,21.6],"tags":["indoor","temperature"],"thresholds":[10,30.5],
       "checksums":["Cgs=","HB0e"]}
      """;
  private static final String FOO_MODIFIED =
      """
      {"device":"foo","timestamp":"2024-07-12T01:17:42","name":"Küche sensor","count":8,
       "reading":43.1,"firmware":"AQID/w==","active":false,"note":null,
       "location":{"room":"kitchen","floor":1,"coordinates":{"lat":52.52,"lon":13.405}},
       "readings":[21.5,21.7,21.6,22.0],"tags":["indoor","temperature","calibrated"],
       "thresholds":[10,30.5],"checksums":["Cgs=","HB0e"],"battery":87}
      """;
  private static final String PLUGH =
      """
      {"device":"plugh","timestamp":"2024-07-12T01:18:00","temperature":24.5,
       "expires_at":1720740300}
      """;

  /** File → the live items it leaves in an empty table, by pk. */
  private static final Map<String, Map<String, String>> GOLDEN =
      Map.of(
          "insert.json", Map.of(FOO_PK, FOO_INSERTED),
          "modify.json", Map.of(FOO_PK, FOO_MODIFIED),
          "remove.json", Map.of(),
          "ttl-remove.json", Map.of(),
          "batch.json",
              Map.of(
                  "{\"device\":\"bar\",\"timestamp\":\"2024-07-12T01:18:03\"}",
                  """
                  {"device":"bar","timestamp":"2024-07-12T01:18:03","temperature":21.5,
                   "meta.source":"import","mixed":[1,"a"]}
                  """,
                  "{\"device\":\"qux\",\"timestamp\":\"2024-07-12T01:18:11\"}",
                  """
                  {"device":"qux","timestamp":"2024-07-12T01:18:11","temperature":23.5,
                   "status":"offline","alert":true}
                  """,
                  "{\"device\":\"corge\",\"timestamp\":\"2024-07-12T01:18:22\"}",
                  """
                  {"device":"corge","timestamp":"2024-07-12T01:18:22","temperature":-4}
                  """),
          "poison.json",
              Map.of(
                  "{\"device\":\"garply\",\"timestamp\":\"2024-07-12T01:19:01\"}",
                  """
                  {"device":"garply","timestamp":"2024-07-12T01:19:01","temperature":22}
                  """,
                  "{\"device\":\"waldo\",\"timestamp\":\"2024-07-12T01:19:09\"}",
                  """
                  {"device":"waldo","timestamp":"2024-07-12T01:19:09","temperature":22.5}
                  """));

  abstract TargetDatabase database();

  private TableName newTable() {
    return new TableName(
        database().schema(),
        "ddbs_handler_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
  }

  private DynamoDbStreamsRelayHandler handler(
      String host, int port, TableName table, Map<String, String> more, PrintStream metrics) {
    Map<String, String> env = new HashMap<>(more);
    env.put("CRATEDB_SQLALCHEMY_URL", urlText(host, port, table));
    return new DynamoDbStreamsRelayHandler(
        FunctionConfig.fromEnvironment(env), Clock.systemUTC(), metrics);
  }

  private DynamoDbStreamsRelayHandler handler(TableName table, Map<String, String> more) {
    return handler(
        database().host(),
        database().port(),
        table,
        more,
        new PrintStream(new ByteArrayOutputStream()));
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

  private static DynamodbEvent load(String file) {
    return EventLoader.loadDynamoDbEvent(EVENTS.resolve(file).toString());
  }

  private Map<String, JsonNode> live(TableName table) throws Exception {
    Map<String, JsonNode> live = new TreeMap<>();
    for (Map.Entry<String, JsonNode> row : TableRows.liveItems(database(), table).entrySet()) {
      live.put(canonical(JSON.readTree(row.getKey())), normal(row.getValue()));
    }
    return live;
  }

  private static Map<String, JsonNode> golden(Map<String, String> items) throws Exception {
    Map<String, JsonNode> expected = new TreeMap<>();
    for (Map.Entry<String, String> item : items.entrySet()) {
      expected.put(canonical(JSON.readTree(item.getKey())), normal(JSON.readTree(item.getValue())));
    }
    return expected;
  }

  /** A pk object as JSON with its keys sorted, whatever order the database keeps them in. */
  private static String canonical(JsonNode pk) throws Exception {
    return JSON.writeValueAsString(JSON.treeToValue(pk, TreeMap.class));
  }

  /** Numbers compared by value (42.0 = 42), objects by their fields. */
  private static JsonNode normal(JsonNode node) {
    if (node.isNumber()) {
      BigDecimal value = node.decimalValue();
      return NODES.numberNode(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
    }
    if (node.isObject()) {
      ObjectNode object = NODES.objectNode();
      new TreeMap<>(JSON.convertValue(node, Map.class))
          .keySet()
          .forEach(name -> object.set((String) name, normal(node.get((String) name))));
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = NODES.arrayNode();
      node.forEach(element -> array.add(normal(element)));
      return array;
    }
    return node;
  }

  @ParameterizedTest
  @CsvSource({
    "insert.json, 0",
    "modify.json, 0",
    "remove.json, 0",
    "ttl-remove.json, 0",
    "batch.json, 0",
    "poison.json, 3"
  })
  void eventFileLandsAsItsGoldenItems(String file, int deadLetters) throws Exception {
    TableName table = newTable();
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    DynamodbEvent event = load(file);
    // As Lambda invokes it: the event's JSON in, the response's JSON out.
    JsonNode response =
        invoke(
            handler(
                database().host(),
                database().port(),
                table,
                Map.of(),
                new PrintStream(metrics, true, StandardCharsets.UTF_8)),
            Files.readAllBytes(EVENTS.resolve(file)));
    assertThat(response).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));
    assertThat(live(table)).isEqualTo(golden(GOLDEN.get(file)));
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
    assertThat(deadLettered).isEqualTo(deadLetters);
  }

  /** The handler's Lambda entry point: the event's JSON in, the response's JSON out. */
  private static JsonNode invoke(DynamoDbStreamsRelayHandler handler, byte[] event)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), out, null);
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void anItemWithAnAttributeNameOfSixtyThousandCharactersDoesNotFailItsBatch() throws Exception {
    // DynamoDB takes names of up to 65,535 bytes; Lambda's own deserialiser stops at 50,000.
    String name = "n".repeat(60_000);
    ObjectNode event =
        (ObjectNode) JSON.readTree(Files.readAllBytes(EVENTS.resolve("insert.json")));
    ((ObjectNode) event.at("/Records/0/dynamodb/NewImage")).putObject(name).put("S", "long");
    TableName table = newTable();

    JsonNode response = invoke(handler(table, Map.of()), JSON.writeValueAsBytes(event));

    assertThat(response.get("batchItemFailures")).isEmpty();
    longAttributeNameApplied(
        live(table),
        deadLetters(new TableName(table.schema(), table.table() + "_dead_letters")),
        name,
        event.at("/Records/0/dynamodb/SequenceNumber").asText());
  }

  /**
   * How the database takes the item of {@link
   * #anItemWithAnAttributeNameOfSixtyThousandCharactersDoesNotFailItsBatch}: PostgreSQL keeps it
   * whole.
   */
  void longAttributeNameApplied(
      Map<String, JsonNode> live, Map<String, String> deadLetters, String name, String sequence) {
    assertThat(deadLetters).isEmpty();
    assertThat(live).hasSize(1);
    JsonNode item = live.values().iterator().next();
    assertThat(item.has(name)).as("the item has its long attribute").isTrue();
    assertThat(item.get(name)).isEqualTo(NODES.textNode("long"));
    assertThat(item.get("name")).isEqualTo(NODES.textNode("Küche sensor"));
  }

  /** The dead letters in the table, if there is one: reason by sequence number. */
  Map<String, String> deadLetters(TableName deadLetters) throws Exception {
    Map<String, String> reasons = new TreeMap<>();
    if (!TableRows.exists(database(), deadLetters)) {
      return reasons;
    }
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sequence_number, reason, shard_id FROM " + deadLetters.quoted())) {
      while (rs.next()) {
        reasons.put(rs.getString(1), rs.getString(2));
        assertThat(rs.getString(3)).startsWith("arn:aws:dynamodb:us-east-1:");
      }
    }
    return reasons;
  }

  @Test
  void poisonRecordsAreDeadLetteredWithTheirSequenceNumberAndReason() throws Exception {
    TableName table = newTable();
    String stateSchema = "ddbs_state_" + ProcessHandle.current().pid() + "_" + TABLES.get();
    handler(table, Map.of("CRATEDB_STATE_SCHEMA", stateSchema))
        .handleRequest(load("poison.json"), null);
    Map<String, String> reasons = deadLetters(new TableName(stateSchema, "cdc_relay_dead_letters"));
    List<DynamodbEvent.DynamodbStreamRecord> records = load("poison.json").getRecords();
    assertThat(reasons.keySet())
        .containsExactlyInAnyOrder(
            records.get(1).getDynamodb().getSequenceNumber(),
            records.get(2).getDynamodb().getSequenceNumber(),
            records.get(3).getDynamodb().getSequenceNumber());
    assertThat(reasons.get(records.get(1).getDynamodb().getSequenceNumber())).contains("ARCHIVE");
    assertThat(reasons.get(records.get(2).getDynamodb().getSequenceNumber())).contains("Keys");
    assertThat(reasons.get(records.get(3).getDynamodb().getSequenceNumber())).contains("twenty");
  }

  @Test
  void insertModifyRemoveInSeparateInvocationsEndDeletedAndAReplayStaysDeleted() throws Exception {
    TableName table = newTable();
    DynamoDbStreamsRelayHandler handler = handler(table, Map.of());
    assertThat(handler.handleRequest(load("insert.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(live(table)).isEqualTo(golden(Map.of(FOO_PK, FOO_INSERTED)));
    assertThat(handler.handleRequest(load("modify.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(live(table)).isEqualTo(golden(Map.of(FOO_PK, FOO_MODIFIED)));
    // The modify delivered again, late: the newer state stays.
    assertThat(handler.handleRequest(load("insert.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(live(table)).isEqualTo(golden(Map.of(FOO_PK, FOO_MODIFIED)));
    assertThat(handler.handleRequest(load("remove.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(live(table)).isEmpty();
    assertThat(handler.handleRequest(load("modify.json"), null).getBatchItemFailures()).isEmpty();
    assertThat(live(table)).isEmpty();
  }

  @Test
  void timeToLiveExpiryFollowsTheTtlPolicy() throws Exception {
    TableName same = newTable();
    handler(same, Map.of()).handleRequest(load("ttl-remove.json"), null);
    assertThat(live(same)).isEmpty();

    TableName keep = newTable();
    handler(keep, Map.of("CRATEDB_TTL_DELETES", "keep"))
        .handleRequest(load("ttl-remove.json"), null);
    assertThat(live(keep))
        .isEqualTo(
            golden(Map.of("{\"device\":\"plugh\",\"timestamp\":\"2024-07-12T01:18:00\"}", PLUGH)));
  }

  @Test
  void startAtASequenceNumberSkipsTheEarlierRecords() throws Exception {
    TableName table = newTable();
    DynamodbEvent event = load("batch.json");
    // From the second change of qux on: bar and qux's insert are skipped.
    String start = event.getRecords().get(4).getDynamodb().getSequenceNumber();
    handler(
            table,
            Map.of(
                "START_SHARD_ID", "shardId-00000001720740233000-0a1b2c3d",
                "START_SEQUENCE_NUMBER", start,
                "START_MODE", "at"))
        .handleRequest(event, null);
    assertThat(live(table))
        .isEqualTo(
            golden(
                Map.of(
                    "{\"device\":\"qux\",\"timestamp\":\"2024-07-12T01:18:11\"}",
                    """
                    {"device":"qux","timestamp":"2024-07-12T01:18:11","temperature":23.5,
                     "status":"offline","alert":true}
                    """,
                    "{\"device\":\"corge\",\"timestamp\":\"2024-07-12T01:18:22\"}",
                    """
                    {"device":"corge","timestamp":"2024-07-12T01:18:22","temperature":-4}
                    """)));
  }

  @Test
  void unreachableDatabaseAnswersWithTheFirstRecordToRetryFrom() throws Exception {
    TableName table = newTable();
    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port())) {
      proxy.down();
      DynamodbEvent event = load("batch.json");
      // As Lambda reads the answer: the response's JSON, in the shape its documentation gives.
      JsonNode response =
          invoke(
              handler(
                  "127.0.0.1", proxy.port(), table, Map.of(), new PrintStream(OutputStreams.NULL)),
              Files.readAllBytes(EVENTS.resolve("batch.json")));
      ObjectNode expected = NODES.objectNode();
      expected
          .putArray("batchItemFailures")
          .addObject()
          .put("itemIdentifier", event.getRecords().get(0).getDynamodb().getSequenceNumber());
      assertThat(response).isEqualTo(expected);
    }
  }

  /** Output nobody reads. */
  private static final class OutputStreams {
    static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
  }
}
