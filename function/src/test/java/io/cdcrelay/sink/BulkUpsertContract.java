package io.cdcrelay.sink;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bulk upsert's fast form, one statement of arrays, writes exactly what the row-by-row bulk
 * request writes, and a row the database refuses sends the batch on to the form that names it.
 */
abstract class BulkUpsertContract {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final KeySchema KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  abstract TargetDatabase database();

  /** A document in {@code data} that this database refuses while writing it, and only that row. */
  abstract String refusedData();

  private TableName newTable() {
    return new TableName(
        database().schema(),
        "bulk_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet());
  }

  private JdbcTarget target(TableName table) {
    return new JdbcTarget(
        database().url(database().host(), database().port(), table),
        () -> null,
        Clock.systemUTC(),
        30);
  }

  private static PlannedRow row(
      int n, String id, String dataJson, String auxJson, boolean deleted, Instant expiredAt) {
    Change change =
        ((Decoded.Ok) new DynamoDbChangeDecoder().decode(record(n, upsert("INSERT", id, n, ""))))
            .change();
    return new PlannedRow(
        "{\"id\":\"" + id + "\"}",
        change.version(),
        deleted,
        dataJson,
        auxJson,
        Set.of(),
        change,
        List.of(change.source().sequenceNumber()),
        Optional.ofNullable(expiredAt),
        java.util.Map.of());
  }

  private static List<PlannedRow> mixedRows(int generation) {
    List<PlannedRow> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(
          row(
              generation * 100 + i,
              "item-" + i + "-'ü",
              "{\"n\":" + (i * generation) + ",\"s\":\"v" + generation + "\",\"m\":{\"l\":[1,2]}}",
              i % 3 == 0 ? null : "{\"big\":\"12345678901234567890123456789" + i + "\"}",
              i % 5 == 0,
              i % 4 == 0 ? Instant.parse("2026-11-30T10:15:30.123Z").plusSeconds(i) : null));
    }
    return rows;
  }

  /** The versions of the rows by their pk, as the planner writes it. */
  private static java.util.Map<String, String> versions(List<PlannedRow> rows) {
    java.util.Map<String, String> versions = new java.util.HashMap<>();
    rows.forEach(row -> versions.put(row.pkJson(), row.version().encode()));
    return versions;
  }

  /** Every column of every row, as text, in key order. */
  private List<String> stored(TableName table) throws Exception {
    database().refresh(table);
    List<String> rows = new ArrayList<>();
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"pk\", \"data\", \"aux\", \"cdc_version\", \"cdc_deleted\","
                    + " \"cdc_expired_at\" FROM "
                    + table.quoted()
                    + " ORDER BY \"cdc_version\"")) {
      while (rs.next()) {
        rows.add(
            rs.getString(1)
                + " | "
                + rs.getString(2)
                + " | "
                + rs.getString(3)
                + " | "
                + rs.getString(4)
                + " | "
                + rs.getObject(5)
                + " | "
                + (rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()));
      }
    }
    return rows;
  }

  @Test
  void oneStatementOfArraysWritesWhatTheRowByRowBulkWrites() throws Exception {
    TableName arrays = newTable();
    TableName batch = newTable();
    try (JdbcTarget target = target(arrays)) {
      target.prepare(arrays, KEYS, true, DeleteMode.HARD);
      target.prepare(batch, KEYS, true, DeleteMode.HARD);
      for (int generation = 1; generation <= 2; generation++) {
        List<PlannedRow> rows = mixedRows(generation);
        assertThat(target.upsertArrays(arrays, rows))
            .as("generation " + generation)
            .isEqualTo(versions(rows));
        JdbcTarget.RowResults results = target.upsertEach(batch, rows);
        assertThat(results.errors()).containsOnlyNulls();
      }
      // An older generation again: the guard keeps the newer rows in both forms, and the statement
      // returns the versions they kept.
      assertThat(target.upsertArrays(arrays, mixedRows(1))).isEqualTo(versions(mixedRows(2)));
      target.upsertEach(batch, mixedRows(1));
    }
    List<String> written = stored(arrays);
    assertThat(written)
        .hasSize(40)
        .anyMatch(r -> r.contains("v2"))
        .noneMatch(r -> r.contains("v1"));
    assertThat(written).isEqualTo(stored(batch));
  }

  @Test
  void theStatementOfArraysWorksWhereTheDriverSendsNoBinaryParameters() throws Exception {
    TableName table = newTable();
    TargetUrl url = database().url(database().host(), database().port(), table);
    // pgjdbc's simple query mode (for a pooler) writes each parameter into the statement's text.
    TargetUrl simple =
        new TargetUrl(
            url.jdbcUrl() + (url.jdbcUrl().contains("?") ? "&" : "?") + "preferQueryMode=simple",
            url.user(),
            url.password(),
            url.schema(),
            url.table());
    try (JdbcTarget target = new JdbcTarget(simple, () -> null, Clock.systemUTC(), 30)) {
      target.prepare(table, KEYS, true, DeleteMode.HARD);
      List<PlannedRow> rows = mixedRows(1);
      if (database().isCrateDb()) {
        // There the arrays arrive as untyped text, which CrateDB 6.4.3 refuses ("Invalid arguments
        // in: unnest(…) with (text, text)"), as it did before the binary form: the relay writes
        // the batch in the form that names each row instead.
        assertThat(target.upsertArrays(table, rows)).isNull();
        assertThat(target.upsertEach(table, rows).errors()).containsOnlyNulls();
      } else {
        assertThat(target.upsertArrays(table, rows)).isEqualTo(versions(rows));
      }
    }
    assertThat(stored(table)).hasSize(40);
  }

  @Test
  void theStatementOfArraysReturnsTheVersionEachRowHoldsAfterIt() throws Exception {
    TableName table = newTable();
    try (JdbcTarget target = target(table)) {
      target.prepare(table, KEYS, true, DeleteMode.HARD);
      if (database().isCrateDb()) {
        // A table of an earlier release, which marked inserted rows: the column stays, unwritten.
        try (Connection c = database().connect()) {
          c.createStatement()
              .execute("ALTER TABLE " + table.quoted() + " ADD COLUMN \"cdc_inserted\" BOOLEAN");
        }
      }
      List<PlannedRow> half = mixedRows(1).subList(0, 20);
      assertThat(target.upsert(table, half).storedVersions()).isEqualTo(versions(half));
      Target.RowResults second = target.upsert(table, mixedRows(2));
      assertThat(second.errors()).containsOnlyNulls();
      assertThat(second.storedVersions()).isEqualTo(versions(mixedRows(2)));
      // Older versions of every row: the guard keeps each stored row, and says so.
      assertThat(target.upsert(table, mixedRows(1)).storedVersions())
          .isEqualTo(versions(mixedRows(2)));
    }
  }

  @Test
  void writersOfOneProcessLookForTombstonesStoredWithoutAMarkerOncePerTable() throws Exception {
    TableName table = newTable();
    List<PlannedRow> rows = mixedRows(1).subList(0, 3);
    List<String> keys = rows.stream().map(PlannedRow::pkJson).toList();
    long before = RowWriter.UNMARKED_LOOKS.get();
    try (JdbcTarget first = target(table);
        JdbcTarget second = target(table)) {
      first.prepare(table, KEYS, false, DeleteMode.HARD);
      second.prepare(table, KEYS, false, DeleteMode.HARD);
      first.upsert(table, rows);
      assertThat(first.tombstoneVersions(table, keys)).isEmpty();
      assertThat(second.tombstoneVersions(table, keys)).isEmpty();
      assertThat(first.tombstoneVersions(table, keys)).isEmpty();
    }
    assertThat(RowWriter.UNMARKED_LOOKS.get() - before)
        .as("looks for tombstones of a build before the marker")
        .isEqualTo(1);
  }

  @Test
  void onlyATableNotCreatedHereForHardDeletesIsSearchedForRowsFlaggedDeleted() throws Exception {
    TableName created = newTable();
    try (JdbcTarget target = target(created)) {
      target.prepare(created, KEYS, false, DeleteMode.HARD);
      long before = RowWriter.MIGRATION_SEARCHES.get();
      assertThat(target.migrateTombstoneRows(created)).isZero();
      assertThat(RowWriter.MIGRATION_SEARCHES.get() - before)
          .as("searches of a table created here for hard deletes")
          .isZero();
    }
    // A table of soft deletes holds rows flagged deleted: the first use in hard mode moves them.
    TableName soft = newTable();
    try (JdbcTarget target = target(soft)) {
      target.prepare(soft, KEYS, false, DeleteMode.SOFT);
      target.upsert(soft, List.of(row(1, "kept", "{}", "{}", false, null)));
      target.upsert(soft, List.of(row(2, "gone", "{}", "{}", true, null)));
      long before = RowWriter.MIGRATION_SEARCHES.get();
      assertThat(target.migrateTombstoneRows(soft)).isEqualTo(1);
      assertThat(RowWriter.MIGRATION_SEARCHES.get() - before).isEqualTo(1);
    }
    assertThat(TableRows.read(database(), soft)).hasSize(1);
  }

  @Test
  void keyTypesFoundRecordedWhenTheTableWasPreparedAreNotRecordedAgain() throws Exception {
    TableName table = newTable();
    java.util.Map<String, KeySchema.KeyType> types = java.util.Map.of("id", KeySchema.KeyType.S);
    try (JdbcTarget target = target(table)) {
      target.bind(table, "orders", DeleteMode.HARD);
      target.prepare(table, KEYS, false, DeleteMode.HARD);
      long before = TableSchemas.KEY_TYPE_RECORDS.get();
      assertThat(target.recordKeyTypes(table, KEYS)).isEqualTo(types);
      assertThat(TableSchemas.KEY_TYPE_RECORDS.get() - before)
          .as("records by the writer that created the table and recorded its types")
          .isZero();
    }
    // As a release before key types left it: the table, and no types recorded.
    try (Connection c = database().connect();
        Statement statement = c.createStatement()) {
      statement.executeUpdate(
          "UPDATE "
              + new TableName(table.schema(), "cdc_relay_tables").quoted()
              + " SET key_types = NULL WHERE target_table = '"
              + table
              + "'");
    }
    try (JdbcTarget target = target(table)) {
      target.prepare(table, KEYS, false, DeleteMode.HARD);
      long before = TableSchemas.KEY_TYPE_RECORDS.get();
      assertThat(target.recordKeyTypes(table, KEYS)).isEqualTo(types);
      assertThat(target.recordKeyTypes(table, KEYS)).isEqualTo(types);
      assertThat(TableSchemas.KEY_TYPE_RECORDS.get() - before)
          .as("records of a table without types: the first call only")
          .isEqualTo(1);
    }
  }

  @Test
  void aWriterTakesTheSubColumnsAnotherWriterOfTheProcessAddedWithoutReadingThem()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        database().isCrateDb(),
        "only CrateDB tables get sub-columns of data added by the relay (PostgreSQL stores JSONB)");
    TableName table = newTable();
    java.util.Map<List<String>, io.cdcrelay.plan.ColumnType> columns =
        java.util.Map.of(
            List.of("n"), io.cdcrelay.plan.ColumnType.parse("bigint"),
            List.of("s"), io.cdcrelay.plan.ColumnType.parse("text"));
    List<PlannedRow> rows = new ArrayList<>();
    for (PlannedRow row : mixedRows(1).subList(0, 3)) {
      rows.add(
          new PlannedRow(
              row.pkJson(),
              row.version(),
              false,
              "{\"n\":" + rows.size() + ",\"s\":\"v\"}",
              null,
              Set.of(),
              row.winner(),
              row.sequenceNumbers(),
              Optional.empty(),
              columns));
    }
    try (JdbcTarget first = target(table);
        JdbcTarget second = target(table)) {
      first.prepare(table, KEYS, false, DeleteMode.HARD);
      second.prepare(table, KEYS, false, DeleteMode.HARD);
      assertThat(first.upsert(table, rows.subList(0, 2)).batchFailed()).isFalse();
      long before = TableSchemas.COLUMN_READS.get();
      assertThat(second.upsert(table, rows.subList(1, 3)).batchFailed()).isFalse();
      assertThat(TableSchemas.COLUMN_READS.get() - before)
          .as("reads of the table's columns by the second writer")
          .isZero();
      assertThat(second.columnTypes(table).get(List.of("n")))
          .contains(io.cdcrelay.plan.ColumnType.parse("bigint"));
    }
    assertThat(TableRows.liveItems(database(), table)).hasSize(3);
  }

  @Test
  void aTableOfAnotherLayoutIsRefusedBeforeAnythingIsAddedToIt() throws Exception {
    TableName table = newTable();
    try (Connection c = database().connect();
        Statement statement = c.createStatement()) {
      statement.execute("CREATE TABLE " + table.quoted() + " (id TEXT PRIMARY KEY, v INTEGER)");
    }
    try (JdbcTarget target = target(table)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> target.prepare(table, KEYS, true, DeleteMode.SOFT))
          .isInstanceOf(BadTargetException.class)
          .hasMessageContaining(
              "is not of the relay's layout (columns pk, data, aux; it has id, v)");
    }
    List<String> columns = TableRows.columns(database(), table);
    assertThat(columns).as("the table's columns").containsExactly("id", "v");
  }

  @Test
  void writersThatFindTheSameTableMissingAtOnceCreateItOnce() throws Exception {
    TableName table = newTable();
    int writers = 4;
    List<JdbcTarget> targets = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(writers);
    try {
      for (int i = 0; i < writers; i++) {
        JdbcTarget writer = target(table);
        // Connected before they meet, so that they find the table missing at the same moment.
        TableName own = newTable();
        writer.prepare(own, KEYS, false, DeleteMode.HARD);
        targets.add(writer);
      }
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(writers);
      long before = TableSchemas.CREATES.get();
      List<java.util.concurrent.Future<KeySchema>> prepared = new ArrayList<>();
      for (JdbcTarget writer : targets) {
        prepared.add(
            pool.submit(
                () -> {
                  together.await();
                  return writer.prepare(table, KEYS, false, DeleteMode.HARD);
                }));
      }
      for (java.util.concurrent.Future<KeySchema> keys : prepared) {
        assertThat(keys.get(60, java.util.concurrent.TimeUnit.SECONDS).columns())
            .hasToString(KEYS.columns().toString());
      }
      // Each lane of a shard said "creating table" before: one CREATE, one line in the log.
      assertThat(TableSchemas.CREATES.get() - before).as("tables created").isEqualTo(1);
      assertThat(targets.get(3).upsert(table, mixedRows(1).subList(0, 1)).batchFailed()).isFalse();
    } finally {
      pool.shutdownNow();
      for (JdbcTarget writer : targets) {
        writer.close();
      }
    }
  }

  @Test
  void aRowTheDatabaseRefusesSendsTheBatchOnToTheFormThatNamesIt() throws Exception {
    TableName table = newTable();
    try (JdbcTarget target = target(table)) {
      target.prepare(table, KEYS, false, DeleteMode.HARD);
      List<PlannedRow> rows =
          List.of(
              row(1, "good1", "{\"v\":1.0}", null, false, null),
              row(2, "refused", refusedData(), null, false, null),
              row(3, "good2", "{\"v\":2.0}", null, false, null));
      assertThat(target.upsertArrays(table, rows)).isNull();

      JdbcTarget.RowResults results = target.upsert(table, rows);
      if (results.batchFailed()) {
        // PostgreSQL fails the whole batch; the relay then writes row by row (RelayCore).
        results = target.upsertEach(table, rows);
      }
      assertThat(results.errors().get(0)).isNull();
      assertThat(results.errors().get(1)).isNotNull();
      assertThat(results.errors().get(2)).isNull();
      assertThat(TableRows.liveItems(database(), table))
          .containsOnlyKeys("{\"id\":\"good1\"}", "{\"id\":\"good2\"}");
    }
  }
}
