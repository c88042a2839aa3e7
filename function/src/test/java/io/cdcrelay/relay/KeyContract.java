package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Primary keys against a real database, written once and run per database: composite keys, number
 * keys of any size and scale held exactly (one row per DynamoDB number), and key attribute names
 * holding any character.
 */
abstract class KeyContract {

  private static final AtomicInteger TABLES = new AtomicInteger();
  static final ObjectMapper JSON = new ObjectMapper();

  TableName table;

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  /**
   * The canonical decimal text of a number key as the database's {@code pk} object holds it,
   * failing unless it holds it in the database's documented form.
   */
  abstract String numberKeyText(JsonNode stored);

  @BeforeEach
  void setUp() {
    table =
        new TableName(
            database().schema(),
            "keys_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
  }

  /** A relay of a fresh process: it knows nothing of the table but what the database says. */
  Relay relay() {
    TargetUrl url = database().url(database().host(), database().port(), table);
    return new Relay(
        new JdbcTarget(url, () -> null, Clock.systemUTC(), 30),
        RelaySettings.single(table.schema(), table.table()),
        Clock.systemUTC());
  }

  /** An INSERT or MODIFY of the item with these keys (DynamoDB JSON members) and attributes. */
  static String keyed(String event, String keys, long micros, String attributes) {
    return upsert(event, "x", micros, attributes)
        .replace("\"Keys\":{\"id\":{\"S\":\"x\"}}", "\"Keys\":{" + keys + "}")
        .replace("\"NewImage\":{\"id\":{\"S\":\"x\"}", "\"NewImage\":{" + keys);
  }

  /** A REMOVE of the item with these keys. */
  static String keyedRemove(String keys, long micros) {
    return io.cdcrelay.testing.Records.remove("x", micros)
        .replace("\"Keys\":{\"id\":{\"S\":\"x\"}}", "\"Keys\":{" + keys + "}")
        .replace("\"OldImage\":{\"id\":{\"S\":\"x\"}}", "\"OldImage\":{" + keys + "}");
  }

  BatchResult apply(String... records) {
    List<io.cdcrelay.change.SourceRecord> batch = new ArrayList<>();
    for (int i = 0; i < records.length; i++) {
      batch.add(record(i + 1, records[i]));
    }
    try (Relay relay = relay()) {
      return relay.apply(batch);
    }
  }

  @Test
  void aKeyTakesTheTypeItsTableWasFirstWrittenWithWhateverChangeAProcessSeesFirst()
      throws Exception {
    // S "5" and N 5 are both the text 5 in a text key column: the table must go on taking the
    // type it was created for, not that of the first change a process happens to see.
    BatchResult first =
        apply(
            keyed("INSERT", "\"id\":{\"S\":\"a\"}", 100, ""),
            keyed("INSERT", "\"id\":{\"N\":\"5\"}", 110, ""));
    assertThat(first.deadLettered()).isEqualTo(1);
    // A fresh process whose first change is the stray one.
    BatchResult second =
        apply(
            keyed("INSERT", "\"id\":{\"N\":\"7\"}", 120, ""),
            keyed("INSERT", "\"id\":{\"S\":\"b\"}", 130, ""),
            keyed("INSERT", "\"id\":{\"S\":\"c\"}", 140, ""));
    assertThat(second.deadLettered()).as("the stray N key only").isEqualTo(1);
    assertThat(second.upserted()).isEqualTo(2);
    assertThat(TableRows.read(database(), table).keySet())
        .containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}");
  }

  @Test
  void aTableOfAnEarlierReleaseIsNotGivenTheTypesOfWhateverChangeComesFirst() throws Exception {
    apply(keyed("INSERT", "\"id\":{\"S\":\"a\"}", 100, ""));
    TableName entries = new TableName(table.schema(), "cdc_relay_tables");
    String types = "SELECT \"key_types\" FROM " + entries.quoted() + " WHERE \"target_table\" = ?";
    assertThat(firstString(types, table.toString())).isEqualTo("{\"id\":\"S\"}");
    // As an earlier release left it: the table, and no types recorded.
    try (java.sql.Connection c = database().connect();
        java.sql.PreparedStatement clear =
            c.prepareStatement(
                "UPDATE "
                    + entries.quoted()
                    + " SET \"key_types\" = NULL WHERE \"target_table\" = ?")) {
      clear.setString(1, table.toString());
      clear.executeUpdate();
    }

    // A stray change first: recorded, it would make the table refuse its own keys for good.
    apply(
        keyed("INSERT", "\"id\":{\"N\":\"7\"}", 120, ""),
        keyed("INSERT", "\"id\":{\"S\":\"b\"}", 130, ""));

    assertThat(firstString(types, table.toString())).isNull();
  }

  /** The first column of the first row of a query with one parameter. */
  private String firstString(String query, String parameter) throws Exception {
    try (java.sql.Connection c = database().connect();
        java.sql.PreparedStatement select = c.prepareStatement(query)) {
      select.setString(1, parameter);
      try (java.sql.ResultSet rs = select.executeQuery()) {
        assertThat(rs.next()).as(query).isTrue();
        return rs.getString(1);
      }
    }
  }

  @Test
  void anEarlierReleasesStateSchemaGetsItsKeyTypesColumnAndKeepsTheFirstTypesWritten()
      throws Exception {
    String state = table.table() + "_state";
    TableName entries = new TableName(state, "cdc_relay_tables");
    try (java.sql.Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      if (!database().isCrateDb()) {
        s.execute("CREATE SCHEMA " + TableName.quote(state));
      }
      // The table of entries as releases before key_types made it.
      s.execute(
          "CREATE TABLE "
              + entries.quoted()
              + " (\"target_table\" TEXT PRIMARY KEY, \"source_table\" TEXT, \"delete_mode\" TEXT,"
              + " \"bound_at\" TIMESTAMP WITH TIME ZONE, \"purged_before\" TIMESTAMP WITH TIME"
              + " ZONE)");
    }
    try {
      TargetUrl url = database().url(database().host(), database().port(), table);
      RelaySettings settings = RelaySettings.single(table.schema(), table.table());
      for (String[] batch :
          List.of(
              new String[] {keyed("INSERT", "\"id\":{\"S\":\"a\"}", 100, "")},
              new String[] {
                keyed("INSERT", "\"id\":{\"N\":\"7\"}", 120, ""),
                keyed("INSERT", "\"id\":{\"S\":\"b\"}", 130, "")
              })) {
        List<io.cdcrelay.change.SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < batch.length; i++) {
          records.add(record(i + 1, batch[i]));
        }
        // A fresh process each time.
        try (Relay relay =
            new Relay(
                new JdbcTarget(url, () -> null, Clock.systemUTC(), 30, state),
                settings,
                Clock.systemUTC())) {
          assertThat(relay.apply(records).upserted()).isEqualTo(1);
        }
      }
      try (java.sql.Connection c = database().connect();
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs =
              s.executeQuery(
                  "SELECT \"key_types\" FROM "
                      + entries.quoted()
                      + " WHERE \"target_table\" = '"
                      + table
                      + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("{\"id\":\"S\"}");
      }
      assertThat(TableRows.read(database(), table).keySet())
          .containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}");
    } finally {
      dropSchema(state);
    }
  }

  /** Drops the tables and views of a schema of this test's own. */
  private void dropSchema(String schema) throws Exception {
    try (java.sql.Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      if (!database().isCrateDb()) {
        s.execute("DROP SCHEMA IF EXISTS " + TableName.quote(schema) + " CASCADE");
        return;
      }
      List<String> drops = new ArrayList<>();
      try (java.sql.ResultSet rs =
          s.executeQuery(
              "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = '"
                  + schema
                  + "'")) {
        while (rs.next()) {
          drops.add(
              ("VIEW".equals(rs.getString(2)) ? "DROP VIEW " : "DROP TABLE ")
                  + new TableName(schema, rs.getString(1)).quoted());
        }
      }
      for (String drop : drops) {
        s.execute(drop);
      }
    }
  }

  @Test
  void rowsFlaggedDeletedOfACompositeKeyMoveToTombstonesThatAreFoundAgain() throws Exception {
    // "customerId" before "ts", as the relay plans it; PostgreSQL's JSONB keeps shorter names
    // first. A tombstone keyed as stored would never be found by the planned key, and an older
    // change of the deleted item would bring it back.
    String keys = "\"customerId\":{\"S\":\"c1\"},\"ts\":{\"N\":\"17\"}";
    RelaySettings hard = RelaySettings.single(table.schema(), table.table());
    try (Relay soft = relay(hard.withDeletes(io.cdcrelay.route.DeleteMode.SOFT))) {
      soft.apply(
          List.of(
              record(1, keyed("INSERT", keys, 100, "\"v\":{\"S\":\"w\"}")),
              record(2, keyedRemove(keys, 200))));
    }
    // What an earlier release left: rows flagged deleted, and no binding to a delete mode.
    TableName bindings = new TableName(table.schema(), "cdc_relay_tables");
    try (java.sql.Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + bindings.quoted() + " WHERE \"target_table\" = '" + table + "'");
    }
    database().refresh(bindings);
    String other = "\"customerId\":{\"S\":\"c2\"},\"ts\":{\"N\":\"1\"}";
    try (Relay relay = relay(hard)) {
      assertThat(relay.apply(List.of(record(3, keyed("INSERT", other, 100, "")))).succeeded())
          .isTrue();
      BatchResult older =
          relay.apply(List.of(record(4, keyed("INSERT", keys, 150, "\"v\":{\"S\":\"z\"}"))));
      assertThat(older.succeeded()).isTrue();
    }
    assertThat(TableRows.read(database(), table)).hasSize(1);
    assertThat(
            TableRows.read(database(), table)
                .values()
                .iterator()
                .next()
                .pk()
                .get("customerId")
                .asText())
        .isEqualTo("c2");
  }

  /** A relay of a fresh process with these settings. */
  Relay relay(RelaySettings settings) {
    TargetUrl url = database().url(database().host(), database().port(), table);
    return new Relay(
        new JdbcTarget(url, () -> null, Clock.systemUTC(), 30), settings, Clock.systemUTC());
  }

  @Test
  void compositeKeysOfTextAndNumberWork() throws Exception {
    BatchResult result =
        apply(
            keyed(
                "INSERT",
                "\"device\":{\"S\":\"d1\"},\"ts\":{\"N\":\"17\"}",
                100,
                "\"v\":{\"S\":\"w\"}"));

    assertThat(result.succeeded()).isTrue();
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).hasSize(1);
    TableRows.Row row = rows.values().iterator().next();
    assertThat(row.pk().get("device").asText()).isEqualTo("d1");
    assertThat(numberKeyText(row.pk().get("ts"))).isEqualTo("17");
    assertThat(row.data()).isEqualTo(JSON.readTree("{\"v\":\"w\"}"));
  }

  @Test
  void numberKeysOfAnyScaleAndSizeAreExactAndEqualNumbersAreOneRow() throws Exception {
    String[][] keys = {
      {"1.5", "1.5"},
      {"-0.25", "-0.25"},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"1E+125", "1" + "0".repeat(125)},
      {"1.2345E-129", "0." + "0".repeat(128) + "12345"},
    };
    List<String> records = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      records.add(
          keyed("INSERT", "\"n\":{\"N\":\"" + keys[i][0] + "\"}", 100 + i, "\"v\":{\"N\":\"1\"}"));
    }
    // 1.50 and 15E-1 are the same DynamoDB number as 1.5: the same item, so the same row.
    records.add(keyed("MODIFY", "\"n\":{\"N\":\"1.50\"}", 200, "\"v\":{\"N\":\"2\"}"));
    records.add(keyed("MODIFY", "\"n\":{\"N\":\"15E-1\"}", 300, "\"v\":{\"N\":\"3\"}"));

    BatchResult first = apply(records.subList(0, keys.length).toArray(String[]::new));
    BatchResult second = apply(records.subList(keys.length, records.size()).toArray(String[]::new));

    assertThat(first.deadLettered()).isZero();
    assertThat(second.deadLettered()).isZero();
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).hasSize(keys.length);
    for (String[] key : keys) {
      TableRows.Row row =
          rows.values().stream()
              .filter(r -> numberKeyText(r.pk().get("n")).equals(key[1]))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no row of key " + key[0] + " in " + rows.keySet()));
      assertThat(row.data().get("v").asInt()).isEqualTo(key[0].equals("1.5") ? 3 : 1);
    }

    // Removing 1.50 removes the row of 1.5, and an older insert of 1.5 cannot bring it back.
    BatchResult removed = apply(keyedRemove("\"n\":{\"N\":\"1.50\"}", 400));
    BatchResult late = apply(keyed("INSERT", "\"n\":{\"N\":\"1.5\"}", 350, "\"v\":{\"N\":\"9\"}"));
    assertThat(removed.deleted()).isEqualTo(1);
    assertThat(late.deadLettered()).isZero();
    assertThat(late.stale()).as("the older insert is counted stale").isEqualTo(1);
    assertThat(TableRows.read(database(), table)).hasSize(keys.length - 1);
  }

  @Test
  void aKeyAttributeNameHoldingQuotesAndSqlIsReadBackFromTheDatabase() throws Exception {
    String name = "i'd\\\"; --']";
    String key = "\"" + name + "\":{\"S\":\"a\"}";

    BatchResult created = apply(keyed("INSERT", key, 100, "\"v\":{\"N\":\"1\"}"));
    // A relay of another process reads the key schema back from the table.
    BatchResult modified = apply(keyed("MODIFY", key, 200, "\"v\":{\"N\":\"2\"}"));

    assertThat(created.deadLettered()).isZero();
    assertThat(modified.deadLettered()).as("the key column is read back whole").isZero();
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).hasSize(1);
    TableRows.Row row = rows.values().iterator().next();
    assertThat(row.pk().fieldNames().next()).isEqualTo("i'd\"; --']");
    assertThat(row.data().get("v").asInt()).isEqualTo(2);
  }

  @Test
  void olderChangesOfManyCompositeAndNumberKeysAreCountedStale() throws Exception {
    // 150 items whose two key attributes all differ: more combinations than CrateDB tries in one
    // key lookup, so the stale check reads their versions in several lookups.
    int items = 150;
    List<String> newer = new ArrayList<>();
    List<String> older = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      String ts = i == 0 ? "1.5" : Integer.toString(1000 + i);
      String keys = "\"device\":{\"S\":\"d'" + i + "\"},\"ts\":{\"N\":\"" + ts + "\"}";
      newer.add(keyed("INSERT", keys, 2000 + i, "\"v\":{\"S\":\"new\"}"));
      // The same number written another way is the same item.
      String same = i == 0 ? keys.replace("1.5", "1.50") : keys;
      older.add(keyed("MODIFY", same, 1000 + i, "\"v\":{\"S\":\"old\"}"));
    }
    older.add(keyed("INSERT", "\"device\":{\"S\":\"fresh\"},\"ts\":{\"N\":\"1\"}", 1, ""));

    BatchResult first = apply(newer.toArray(String[]::new));
    BatchResult late = apply(older.toArray(String[]::new));

    assertThat(first.upserted()).isEqualTo(items);
    assertThat(first.stale()).isZero();
    assertThat(late.stale()).isEqualTo(items);
    assertThat(late.upserted()).isEqualTo(1);
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).hasSize(items + 1);
    assertThat(rows.values())
        .filteredOn(row -> !row.pk().get("device").asText().equals("fresh"))
        .allSatisfy(row -> assertThat(row.data().get("v").asText()).isEqualTo("new"));
  }

  @Test
  void aThousandLongKeysAreWrittenDeletedAndCountedStaleInOneBatchEach() throws Exception {
    // Keys near DynamoDB's sizes (a partition key up to 2,048 bytes, a sort key up to 1,024): the
    // key lookups of a thousand of them (tombstones, revisions, versions) would be statements of
    // megabytes, far past what CrateDB accepts (statement_max_length, 262,144 characters).
    int items = 1000;
    List<String> inserts = new ArrayList<>();
    List<String> removes = new ArrayList<>();
    List<String> older = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      String keys =
          "\"device\":{\"S\":\"https://example.com/"
              + "d'e".repeat(200)
              + i
              + "\"},\"ts\":{\"S\":\""
              + "t".repeat(300)
              + i
              + "\"}";
      inserts.add(keyed("INSERT", keys, 2000 + i, "\"v\":{\"S\":\"new\"}"));
      removes.add(keyedRemove(keys, 5000 + i));
      older.add(keyed("MODIFY", keys, 1000 + i, "\"v\":{\"S\":\"old\"}"));
    }

    BatchResult written = apply(inserts.toArray(String[]::new));
    assertThat(written.failure()).isEmpty();
    assertThat(written.upserted()).isEqualTo(items);
    assertThat(TableRows.read(database(), table)).hasSize(items);

    BatchResult deleted = apply(removes.toArray(String[]::new));
    assertThat(deleted.failure()).isEmpty();
    assertThat(deleted.deleted()).isEqualTo(items);

    BatchResult late = apply(older.toArray(String[]::new));
    assertThat(late.failure()).isEmpty();
    assertThat(late.stale()).isEqualTo(items);
    assertThat(TableRows.read(database(), table)).isEmpty();
  }
}
