package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.FaultyProxy;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's behaviour against a real database, written once and run per database: layout,
 * idempotence, ordering safety, fidelity, dead letters and failures.
 */
abstract class RelayContract {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private TableName table;
  private FaultyProxy proxy;
  private Relay relay;

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  @BeforeEach
  void setUp() throws Exception {
    table =
        new TableName(
            database().schema(),
            "relay_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
    proxy = new FaultyProxy(database().host(), database().port());
    relay = relayTo(table);
  }

  @AfterEach
  void tearDown() throws Exception {
    relay.close();
    proxy.close();
  }

  private Relay relayTo(TableName name) {
    TargetUrl url = database().url("127.0.0.1", proxy.port(), name);
    return new Relay(
        new JdbcTarget(url, () -> null, Clock.systemUTC(), 30),
        RelaySettings.single(name.schema(), name.table()),
        Clock.systemUTC());
  }

  private static List<SourceRecord> batch(SourceRecord... records) {
    return List.of(records);
  }

  private Map<String, JsonNode> live() throws Exception {
    return TableRows.liveItems(database(), table);
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void insertsAndModifiesLandAsRowsOfTheReferenceLayout() throws Exception {
    BatchResult result =
        relay.apply(
            batch(
                record(
                    1,
                    upsert(
                        "INSERT", "a", 100, "\"name\":{\"S\":\"Alice\"},\"age\":{\"N\":\"30\"}")),
                record(2, upsert("INSERT", "b", 101, "\"name\":{\"S\":\"Bob\"}")),
                record(
                    3,
                    upsert(
                        "MODIFY", "a", 102, "\"name\":{\"S\":\"Alice\"},\"age\":{\"N\":\"31\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.received()).isEqualTo(3);
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(result.coalesced()).isEqualTo(1);
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
    TableRows.Row a = rows.get("{\"id\":\"a\"}");
    assertThat(a.data().get("name").asText()).isEqualTo("Alice");
    assertThat(a.data().get("age").asDouble()).isEqualTo(31.0);
    assertThat(a.data().has("id")).isFalse();
    assertThat(a.deleted()).isFalse();
  }

  @Test
  void replayingTheSameBatchChangesNothing() throws Exception {
    List<SourceRecord> records =
        batch(
            record(1, upsert("INSERT", "a", 100, "\"v\":{\"N\":\"1\"}")),
            record(2, upsert("INSERT", "b", 101, "\"v\":{\"N\":\"2\"}")),
            record(3, remove("b", 102)));
    assertThat(relay.apply(records).succeeded()).isTrue();
    Map<String, TableRows.Row> before = TableRows.read(database(), table);
    assertThat(relay.apply(records).succeeded()).isTrue();
    assertThat(TableRows.read(database(), table)).isEqualTo(before);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}");
  }

  @Test
  void olderChangeArrivingAfterANewerOneChangesNothing() throws Exception {
    relay.apply(batch(record(5, upsert("MODIFY", "a", 200, "\"v\":{\"S\":\"new\"}"))));
    BatchResult late =
        relay.apply(batch(record(6, upsert("MODIFY", "a", 150, "\"v\":{\"S\":\"old\"}"))));
    assertThat(late.succeeded()).isTrue();
    assertThat(live().get("{\"id\":\"a\"}").get("v").asText()).isEqualTo("new");
  }

  @Test
  void deleteThenOlderInsertStaysDeleted() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "")), record(2, remove("a", 200))));
    relay.apply(batch(record(3, upsert("INSERT", "a", 100, "\"v\":{\"S\":\"zombie\"}"))));
    assertThat(TableRows.read(database(), table)).isEmpty();
    assertThat(TableRows.tombstones(database(), table)).containsOnlyKeys("{\"id\":\"a\"}");
  }

  @Test
  void reinsertAfterDeleteBringsTheItemBack() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "")), record(2, remove("a", 200))));
    relay.apply(batch(record(3, upsert("INSERT", "a", 300, "\"v\":{\"S\":\"back\"}"))));
    assertThat(live().get("{\"id\":\"a\"}").get("v").asText()).isEqualTo("back");
  }

  @Test
  void modifyOfMissingRowInsertsIt() throws Exception {
    relay.apply(batch(record(1, upsert("MODIFY", "ghost", 100, "\"v\":{\"N\":\"7\"}"))));
    assertThat(live()).containsOnlyKeys("{\"id\":\"ghost\"}");
  }

  @Test
  void everyItemRebuildsExactlyFromItsRow() throws Exception {
    String attributes =
        "\"s\":{\"S\":\"text ü\"},\"n\":{\"N\":\"42.5\"},\"i\":{\"N\":\"-7\"},\"b\":{\"B\":\"AAEC\"},"
            + "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},"
            + "\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"deep\":{\"M\":{\"x\":{\"N\":\"1\"}}}}},"
            + "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},\"ss\":{\"SS\":[\"p\",\"q\"]},"
            + "\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"bs\":{\"BS\":[\"AAE=\"]},"
            + "\"a.b\":{\"N\":\"1\"},\"a[0]\":{\"N\":\"2\"},"
            + "\"big\":{\"N\":\"123456789012345678901234567890\"},"
            + "\"tiny\":{\"N\":\"1E-130\"},"
            + "\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},"
            + "\"empty\":{\"L\":[]},\"e\":{\"M\":{}},"
            + "\"_x\":{\"N\":\"1\"},\"\":{\"N\":\"1\"},\"sp ace\":{\"N\":\"1\"},\"ü\":{\"N\":\"1\"}";
    SourceRecord record = record(1, upsert("INSERT", "a", 100, attributes));
    BatchResult result = relay.apply(batch(record));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Change change = ((Decoded.Ok) new DynamoDbChangeDecoder().decode(record)).change();
    assertThat(live().get("{\"id\":\"a\"}")).isEqualTo(TableRows.plain(change.newImage()));
  }

  @Test
  void textTooLongForCrateDbToIndexIsKeptWhole() throws Exception {
    String text = "ü".repeat(20_000);
    SourceRecord record =
        record(1, upsert("INSERT", "a", 100, "\"long\":{\"S\":\"" + text + "\"}"));
    BatchResult result = relay.apply(batch(record, record(2, upsert("INSERT", "b", 101, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    assertThat(live().get("{\"id\":\"a\"}").get("long").asText()).isEqualTo(text);
  }

  @Test
  void rowTheDatabaseStillRejectsIsDeadLetteredAndTheRestIsWritten() throws Exception {
    // No database indexes a 40 KB key (DynamoDB's own limit is 2 KB): rejected even with all
    // attributes in aux.
    // Random hex, so that PostgreSQL cannot compress it into its index either.
    String hugeKey = new java.math.BigInteger(160_000, new java.util.Random(7)).toString(16);
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("INSERT", "a", 100, "")),
                record(2, upsert("INSERT", hugeKey, 101, "\"v\":{\"N\":\"1\"}")),
                record(3, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    TableName deadLetters = table.sibling("_dead_letters");
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT \"stage\", \"sequence_number\" FROM " + deadLetters.quoted())) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("write");
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(2));
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void newColumnsOfOneBatchAreKnownToTheNextWithoutAFailedWrite() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"x\":{\"N\":\"42.5\"}"))));
    BatchResult result =
        relay.apply(batch(record(2, upsert("INSERT", "b", 101, "\"x\":{\"S\":\"str\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.rerouted()).isZero();
    assertThat(live().get("{\"id\":\"b\"}").get("x").asText()).isEqualTo("str");
  }

  @Test
  void attributesBeyondTheColumnLimitAreKeptInAux() throws Exception {
    StringBuilder attributes = new StringBuilder();
    for (int i = 0; i < 1100; i++) {
      attributes
          .append(i == 0 ? "" : ",")
          .append("\"a")
          .append(i)
          .append("\":{\"N\":\"")
          .append(i)
          .append("\"}");
    }
    SourceRecord wide = record(1, upsert("INSERT", "wide", 100, attributes.toString()));
    BatchResult result = relay.apply(batch(wide));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Change change = ((Decoded.Ok) new DynamoDbChangeDecoder().decode(wide)).change();
    assertThat(live().get("{\"id\":\"wide\"}")).isEqualTo(TableRows.plain(change.newImage()));
    TableRows.Row row = TableRows.read(database(), table).get("{\"id\":\"wide\"}");
    if (database().isCrateDb()) {
      assertThat(row.aux().size()).isPositive();
    } else {
      assertThat(row.data().size()).isEqualTo(1100);
    }
  }

  @Test
  void typeDriftAcrossBatchesIsReroutedToAux() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"x\":{\"N\":\"42.5\"}"))));
    BatchResult result =
        relay.apply(
            batch(
                record(2, upsert("INSERT", "b", 101, "\"x\":{\"S\":\"str\"}")),
                record(3, upsert("INSERT", "c", 102, "\"x\":{\"N\":\"1\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Map<String, JsonNode> items = live();
    assertThat(items.get("{\"id\":\"b\"}").get("x").asText()).isEqualTo("str");
    assertThat(items.get("{\"id\":\"c\"}").get("x").decimalValue()).isEqualByComparingTo("1");
  }

  @Test
  void aColumnAnotherWriterFixedAsBigintKeepsFractionsExact() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"seed\":{\"S\":\"x\"}"))));
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      // Another writer (the reference tool, a user) creates data['x'] from an integer literal.
      String object = database().isCrateDb() ? "{x = 42}" : "'{\"x\": 42}'::jsonb";
      s.execute(
          "UPDATE "
              + table.quoted()
              + " SET \"data\" = "
              + object
              + " WHERE \"cdc_deleted\" = false");
    }
    database().refresh(table);
    relay.close();
    relay = relayTo(table);
    BatchResult result =
        relay.apply(batch(record(2, upsert("INSERT", "b", 101, "\"x\":{\"N\":\"42.5\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(live().get("{\"id\":\"b\"}").get("x").decimalValue()).isEqualByComparingTo("42.5");
  }

  @Test
  void poisonRecordsAreDeadLetteredAndDoNotBlockTheBatch() throws Exception {
    BatchResult result =
        relay.apply(
            batch(
                record(5001, upsert("INSERT", "a", 100, "")),
                record(5002, "this is not json"),
                record(5003, upsert("INSERT", "b", 101, "").replace("aws:dynamodb", "aws:s3")),
                record(5004, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(2);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    // Records with no target table at all: the state schema's dead letters.
    TableName deadLetters = new TableName(table.schema(), "cdc_relay_dead_letters");
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"shard_id\", \"sequence_number\", \"stage\", \"reason\", \"payload\","
                    + " \"payload_base64\", \"failed_at\" FROM "
                    + deadLetters.quoted()
                    + " WHERE \"sequence_number\" IN ('"
                    + sequenceNumber(5002)
                    + "', '"
                    + sequenceNumber(5003)
                    + "') ORDER BY \"sequence_number\"")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(5002));
      assertThat(rs.getString(3)).isEqualTo("decode");
      assertThat(rs.getString(4)).startsWith("not JSON");
      assertThat(rs.getString(5)).isEqualTo("this is not json");
      assertThat(rs.getString(6)).isEqualTo("dGhpcyBpcyBub3QganNvbg==");
      assertThat(rs.getTimestamp(7)).isNotNull();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(2)).isEqualTo(sequenceNumber(5003));
      assertThat(rs.getString(4)).contains("aws:s3");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void recordWhoseCreationTimeOverflowsIsDeadLetteredAndTheRestIsWritten() throws Exception {
    String overflowing =
        upsert("INSERT", "b", 9_300_000_000_000_000L, "")
            .replace("\"MICROSECOND\"", "\"MILLISECOND\"");
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("INSERT", "a", 100, "")),
                record(2, overflowing),
                record(3, upsert("INSERT", "c", 102, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(live()).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
  }

  @Test
  void batchOfPoisonOnlyNeedsNoTable() throws Exception {
    BatchResult result = relay.apply(batch(record(1, "garbage")));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
  }

  @Test
  void referenceToolTableIsUpgradedInPlace() throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      if (database().isCrateDb()) {
        s.execute(
            "CREATE TABLE "
                + table.quoted()
                + " (\"pk\" OBJECT(STRICT) AS (\"id\" TEXT PRIMARY KEY),"
                + " \"data\" OBJECT(DYNAMIC), \"aux\" OBJECT(IGNORED))");
        s.execute(
            "INSERT INTO "
                + table.quoted()
                + " (\"pk\", \"data\", \"aux\") VALUES"
                + " ({id = 'old'}, {v = 1.0}, {})");
      } else {
        s.execute(
            "CREATE TABLE "
                + table.quoted()
                + " (\"pk\" JSONB PRIMARY KEY, \"data\" JSONB, \"aux\" JSONB)");
        s.execute(
            "INSERT INTO "
                + table.quoted()
                + " (\"pk\", \"data\", \"aux\") VALUES"
                + " ('{\"id\": \"old\"}', '{\"v\": 1.0}', '{}')");
      }
    }
    database().refresh(table);
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("MODIFY", "old", 100, "\"v\":{\"N\":\"2\"}")),
                record(2, upsert("INSERT", "new", 101, ""))));
    assertThat(result.succeeded()).isTrue();
    Map<String, JsonNode> items = live();
    assertThat(items).containsOnlyKeys("{\"id\":\"new\"}", "{\"id\":\"old\"}");
    assertThat(items.get("{\"id\":\"old\"}").get("v").decimalValue()).isEqualByComparingTo("2");
  }

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

  @Test
  void rowsAreAddressedByKeyWithoutRefresh() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"v\":{\"N\":\"1\"}"))));
    // No REFRESH between the two batches: the upsert must still find the row by its key.
    relay.apply(batch(record(2, upsert("MODIFY", "a", 200, "\"v\":{\"N\":\"2\"}"))));
    relay.apply(batch(record(3, upsert("MODIFY", "a", 150, "\"v\":{\"N\":\"9\"}"))));
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).hasSize(1);
    assertThat(rows.get("{\"id\":\"a\"}").data().get("v").asDouble()).isEqualTo(2.0);
  }
}
