package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.InterceptedTarget;
import io.cdcrelay.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fresh table of the tests' PostgreSQL for a load run in-process: the relay's settings that route
 * to it, relay cores whose every call to the target goes through a hook first, and its row count.
 */
final class LoadTestTable {

  final PostgresDatabase database;
  final TableName table;
  final FunctionConfig config;
  final Clock clock = Clock.systemUTC();

  private LoadTestTable(PostgresDatabase database, TableName table, FunctionConfig config) {
    this.database = database;
    this.table = table;
    this.config = config;
  }

  /** Drops the table of that name if an earlier run left it. */
  static LoadTestTable fresh(String name) throws SQLException {
    PostgresDatabase database = PostgresDatabase.get();
    TableName table = new TableName(database.schema(), name);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table.quoted());
    }
    return new LoadTestTable(
        database,
        table,
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", database.userUrl(table))));
  }

  /** Relay cores of their own connection, each call to the target through {@code hook} first. */
  Supplier<Relay> relays(InterceptedTarget.Before hook) {
    return () ->
        new Relay(
            InterceptedTarget.of(config.openTarget(() -> null, clock), hook),
            config.settings(),
            clock);
  }

  /** The rows the table holds. */
  int rows() throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table.quoted())) {
      count.next();
      return count.getInt(1);
    }
  }
}
