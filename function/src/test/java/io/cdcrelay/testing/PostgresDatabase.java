package io.cdcrelay.testing;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A real PostgreSQL server, started once per test JVM from the PostgreSQL binaries published on
 * Maven Central (no installation needed), and stopped when the JVM exits.
 */
public final class PostgresDatabase implements TargetDatabase {

  private static PostgresDatabase instance;
  private final EmbeddedPostgres postgres;

  private PostgresDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** The shared server, started on first use. */
  public static synchronized PostgresDatabase get() {
    if (instance == null) {
      try {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        instance = new PostgresDatabase(postgres);
        Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
    }
    return instance;
  }

  private void stop() {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the server's directory is temporary.
    }
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return postgres.getPort();
  }

  @Override
  public TargetUrl url(String host, int port, TableName table) {
    return TargetUrl.parse(
        "postgresql://postgres@"
            + host
            + ":"
            + port
            + "/postgres/"
            + table.schema()
            + "/"
            + table.table());
  }

  @Override
  public String schema() {
    return "public";
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
  }

  @Override
  public void refresh(TableName table) {}

  @Override
  public boolean isCrateDb() {
    return false;
  }
}
