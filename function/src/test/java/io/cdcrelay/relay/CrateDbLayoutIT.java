package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;

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

  /** CrateDB's 1,000-column limit: the attributes past it are kept in aux. */
  @Override
  void checkWideRow(TableRows.Row row) {
    assertThat(row.aux().size()).isPositive();
  }
}
