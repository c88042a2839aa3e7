package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layout contract against the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbLayoutIT extends LayoutContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  void createReferenceToolTable(Statement s, TableName table) throws Exception {
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
  }

  @Override
  String dataObjectWithIntegerX() {
    return "{x = 42}";
  }

  @Override
  String dataObjectWithBooleanFlag() {
    return "{flag = true}";
  }

  @Test
  void aWriterReadsTheColumnsAnotherWriterOfThisProcessAddedInsteadOfAddingThemAgain()
      throws Exception {
    try (Relay other = relayTo(table)) {
      // Both writers know the table before either adds a sub-column.
      assertThat(relay.apply(batch(record(1, upsert("INSERT", "a", 100, "")))).succeeded())
          .isTrue();
      assertThat(other.apply(batch(record(2, upsert("INSERT", "b", 100, "")))).succeeded())
          .isTrue();
      assertThat(
              relay
                  .apply(batch(record(3, upsert("INSERT", "c", 100, "\"color\":{\"S\":\"red\"}"))))
                  .succeeded())
          .isTrue();
      assertThat(
              other
                  .apply(batch(record(4, upsert("INSERT", "d", 100, "\"color\":{\"S\":\"blue\"}"))))
                  .succeeded())
          .isTrue();
    }
    assertThat(live())
        .containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}", "{\"id\":\"d\"}");
    // One cluster-state update, not one per writer (CrateDB's log of statements, failed included).
    try (Connection c = crateDb.connect();
        PreparedStatement alters =
            c.prepareStatement("SELECT count(*) FROM sys.jobs_log WHERE stmt LIKE ?")) {
      alters.setString(1, "ALTER TABLE " + table.quoted() + " ADD COLUMN%");
      try (ResultSet rs = alters.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("ALTER TABLE statements").isEqualTo(1);
      }
    }
  }

  @Test
  void aTableOfAnEarlierReleaseWithItsInsertMarkColumnTakesUpsertsAndHardDeletes()
      throws Exception {
    // As an earlier release created it: with "cdc_inserted", which this one no longer writes, and
    // a row that release marked.
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" OBJECT(STRICT) AS (\"id\" TEXT PRIMARY KEY),"
              + " \"data\" OBJECT(DYNAMIC), \"aux\" OBJECT(IGNORED), \"cdc_version\" TEXT,"
              + " \"cdc_deleted\" BOOLEAN, \"cdc_inserted\" BOOLEAN)");
      s.execute(
          "INSERT INTO "
              + table.quoted()
              + " (\"pk\", \"data\", \"aux\", \"cdc_inserted\") VALUES"
              + " ({id = 'old'}, {v = 1.0}, {}, TRUE), ({id = 'gone'}, {}, {}, FALSE)");
    }
    crateDb.refresh(table);
    // Several rows (one statement of arrays, over a marked row), then one row alone, then deletes.
    assertThat(
            relay
                .apply(
                    batch(
                        record(1, upsert("MODIFY", "old", 100, "\"v\":{\"N\":\"2\"}")),
                        record(2, upsert("INSERT", "a", 100, "")),
                        record(3, upsert("INSERT", "b", 100, ""))))
                .succeeded())
        .isTrue();
    assertThat(relay.apply(batch(record(4, upsert("MODIFY", "a", 200, "")))).succeeded()).isTrue();
    assertThat(
            relay
                .apply(batch(record(5, remove("b", 300)), record(6, remove("gone", 300))))
                .succeeded())
        .isTrue();
    // An older change of a deleted item, come late: its row is written, then removed again.
    assertThat(
            relay
                .apply(
                    batch(
                        record(7, upsert("INSERT", "b", 250, "")),
                        record(8, upsert("MODIFY", "a", 250, ""))))
                .succeeded())
        .isTrue();

    assertThat(live()).containsOnlyKeys("{\"id\":\"old\"}", "{\"id\":\"a\"}");
    assertThat(live().get("{\"id\":\"old\"}").get("v").decimalValue()).isEqualByComparingTo("2");
    crateDb.refresh(table);
    Map<String, Object> marks = new HashMap<>();
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT \"pk\"['id'], \"cdc_inserted\" FROM " + table.quoted())) {
      while (rs.next()) {
        marks.put(rs.getString(1), rs.getObject(2));
      }
    }
    // The column is left as it was: the old row keeps its mark, the relay's rows have none.
    assertThat(marks).containsEntry("old", true).containsEntry("a", null).hasSize(2);
  }

  /**
   * CrateDB's 1,000-column limit: the attributes past it are kept in aux, those before it fill the
   * table to the limit (an ALTER planned one column too many failed as a whole, and put all 1,100
   * in aux).
   */
  @Override
  void checkWideRow(TableRows.Row row) {
    assertThat(row.aux().size()).isPositive();
    assertThat(row.data().size()).as("data sub-columns up to the limit").isGreaterThan(980);
    assertThat(row.data().size() + row.aux().size()).isEqualTo(1100);
  }
}
