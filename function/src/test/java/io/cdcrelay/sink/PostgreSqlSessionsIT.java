package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The sessions of one process to one database make sure of the state tables once, not once each (a
 * load's writers each opened one), and again after a failure. Counted by an event trigger on every
 * DDL command of a database of the test's own, on a real PostgreSQL.
 */
class PostgreSqlSessionsIT {

  private static final String STATE = "sessions_state";

  @Test
  void sessionsOfOneDatabaseCreateTheStateTablesOnceAndAgainAfterAFailure() throws Exception {
    PostgresDatabase postgres = PostgresDatabase.get();
    String database = "sessions_" + ProcessHandle.current().pid();
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database);
      s.execute("CREATE DATABASE " + database);
    }
    try (Connection c = connect(postgres, database);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ddl_log (tag TEXT)");
      s.execute(
          "CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN INSERT INTO ddl_log VALUES (tg_tag); END $$");
      s.execute("CREATE EVENT TRIGGER log_ddl ON ddl_command_start EXECUTE FUNCTION log_ddl()");
    }
    TargetUrl url =
        TargetUrl.parse(
            "postgresql://postgres@127.0.0.1:" + postgres.port() + "/" + database + "/doc/t");

    for (int session = 0; session < 3; session++) {
      try (JdbcTarget target = new JdbcTarget(url, () -> null, Clock.systemUTC(), 30, STATE)) {
        assertThat(target.boundTables()).isEmpty();
      }
    }
    assertThat(createdTables(postgres, database))
        .as("three sessions, one check of the three state tables")
        .isEqualTo(3);

    try (JdbcTarget target = new JdbcTarget(url, () -> null, Clock.systemUTC(), 30, STATE)) {
      target.boundTables();
      target.reset();
    }
    try (JdbcTarget target = new JdbcTarget(url, () -> null, Clock.systemUTC(), 30, STATE)) {
      assertThat(target.boundTables()).isEmpty();
    }
    assertThat(createdTables(postgres, database))
        .as("the session after a failure checks them again")
        .isEqualTo(6);
  }

  private static Connection connect(PostgresDatabase postgres, String database)
      throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database + "?user=postgres");
  }

  private static int createdTables(PostgresDatabase postgres, String database) throws SQLException {
    try (Connection c = connect(postgres, database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM ddl_log WHERE tag = 'CREATE TABLE'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
