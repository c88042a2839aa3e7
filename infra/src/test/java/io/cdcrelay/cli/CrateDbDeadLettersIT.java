package io.cdcrelay.cli;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;

/** The dead-letter commands against the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbDeadLettersIT extends DeadLettersContract {

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
  String url(String schema, String table) {
    String url = System.getenv("CRATEDB_URL").trim();
    return url + (url.contains("?") ? "&" : "?") + "table=" + schema + "." + table;
  }

  @Override
  void rejectTextPrices(TableName table) throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      // data['price'] is a DOUBLE: a text price is a type conflict, which the relay resolves by
      // moving it to aux; the check keeps it out of aux too.
      s.execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" OBJECT(STRICT) AS (\"id\" TEXT PRIMARY KEY),"
              + " \"data\" OBJECT(DYNAMIC) AS (\"price\" DOUBLE), \"aux\" OBJECT(IGNORED),"
              + " \"cdc_version\" TEXT, \"cdc_deleted\" BOOLEAN,"
              + " CONSTRAINT \"price_is_a_number\" CHECK (\"aux\"['price'] IS NULL))");
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
