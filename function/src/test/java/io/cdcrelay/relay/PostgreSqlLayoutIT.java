package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Statement;

/** The layout contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlLayoutIT extends LayoutContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  void createReferenceToolTable(Statement s, TableName table) throws Exception {
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

  @Override
  String dataObjectWithIntegerX() {
    return "'{\"x\": 42}'::jsonb";
  }

  @Override
  String dataObjectWithBooleanFlag() {
    return "'{\"flag\": true}'::jsonb";
  }

  /** PostgreSQL's jsonb has no column limit: every attribute stays in data. */
  @Override
  void checkWideRow(TableRows.Row row) {
    assertThat(row.data().size()).isEqualTo(1100);
  }
}
