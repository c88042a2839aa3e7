package io.cdcrelay.cli;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.Statement;

/** The dead-letter commands against a real PostgreSQL server, started by the test itself. */
class PostgreSqlDeadLettersIT extends DeadLettersContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  String url(String schema, String table) {
    PostgresDatabase postgres = PostgresDatabase.get();
    return "postgresql://postgres@"
        + postgres.host()
        + ":"
        + postgres.port()
        + "/postgres/"
        + schema
        + "/"
        + table;
  }

  @Override
  void rejectTextPrices(TableName table) throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(table.schema()));
      // JSONB has no type drift: the table's own rule is the conflict, in data and in aux.
      s.execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" JSONB PRIMARY KEY, \"data\" JSONB, \"aux\" JSONB,"
              + " \"cdc_version\" TEXT COLLATE \"C\", \"cdc_deleted\" BOOLEAN,"
              + " CONSTRAINT \"price_is_a_number\" CHECK ("
              + "jsonb_typeof(\"data\"->'price') IS DISTINCT FROM 'string'"
              + " AND NOT coalesce(\"aux\", '{}'::jsonb) ? 'price'))");
    }
  }

  @Override
  void acceptTextPrices(TableName table) throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table.quoted() + " DROP CONSTRAINT \"price_is_a_number\"");
    }
  }
}
