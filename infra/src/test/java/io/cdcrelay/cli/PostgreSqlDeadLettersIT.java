package io.cdcrelay.cli;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

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
  Optional<String> urlOfAReader(String schema, String table, List<TableName> readable)
      throws Exception {
    String reader = schema + "_reader";
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + reader + " LOGIN");
      s.execute("GRANT USAGE ON SCHEMA " + TableName.quote(schema) + " TO " + reader);
      for (TableName name : readable) {
        s.execute("GRANT SELECT ON " + name.quoted() + " TO " + reader);
      }
    }
    PostgresDatabase postgres = PostgresDatabase.get();
    return Optional.of(
        "postgresql://"
            + reader
            + "@"
            + postgres.host()
            + ":"
            + postgres.port()
            + "/postgres/"
            + schema
            + "/"
            + table);
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
