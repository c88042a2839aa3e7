package io.cdcrelay.bench;

import io.cdcrelay.cli.EmbeddedTarget;
import io.cdcrelay.cli.RelayCli;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The database the benchmark writes to: the CrateDB at {@code CRATEDB_URL} when it is set, else a
 * PostgreSQL started from the binaries in the relay's jar. Everything goes into the schema {@code
 * bench}, which is emptied before a part runs.
 */
final class BenchTarget implements AutoCloseable {

  static final String SCHEMA = "bench";

  private final String jdbcUrl;
  private final boolean crateDb;
  private final EmbeddedTarget embedded;

  private BenchTarget(String jdbcUrl, boolean crateDb, EmbeddedTarget embedded) {
    this.jdbcUrl = jdbcUrl;
    this.crateDb = crateDb;
    this.embedded = embedded;
  }

  /** The CrateDB at {@code crateDbUrl} (a {@code jdbc:postgresql://…} URL). */
  static BenchTarget crateDb(String crateDbUrl) {
    return new BenchTarget(crateDbUrl, true, null);
  }

  /** A PostgreSQL started from the jar's binaries, its data under {@code directory}. */
  static BenchTarget embedded(Path directory) throws IOException {
    EmbeddedTarget target = EmbeddedTarget.start(directory);
    return new BenchTarget(target.jdbcUrl(), false, target);
  }

  /** The database's name in figures: CrateDB or PostgreSQL. */
  String product() {
    return crateDb ? "CrateDB" : "PostgreSQL";
  }

  /**
   * The database's server process, when it runs on this machine: the embedded PostgreSQL's
   * postmaster (the parent of this connection's backend), or a CrateDB at a loopback address found
   * by its main class.
   */
  Optional<ProcessHandle> serverProcess() throws SQLException {
    if (!crateDb) {
      try (Connection connection = connect();
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent);
      }
    }
    String host = URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
    boolean local =
        host != null
            && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    return local ? MachineCpu.findByCommandLine("io.crate.bootstrap.CrateDB") : Optional.empty();
  }

  boolean isCrateDb() {
    return crateDb;
  }

  /** CrateDB 6.4 or PostgreSQL, for the table's heading. */
  String describe() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                crateDb
                    ? "SELECT version['number'] FROM sys.nodes LIMIT 1"
                    : "SELECT current_setting('server_version')")) {
      rs.next();
      return (crateDb ? "CrateDB " : "PostgreSQL (embedded) ") + rs.getString(1);
    }
  }

  /** The JDBC URL with the schema {@code bench} as current schema. */
  String jdbcUrl() {
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
  }

  /** CrateDB's HTTP endpoint {@code _sql} on the JDBC URL's host, port 4200. */
  Optional<URI> httpSql() {
    if (!crateDb) {
      return Optional.empty();
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    return Optional.of(URI.create("http://" + uri.getHost() + ":4200/_sql"));
  }

  /** A new connection, auto-commit on. */
  Connection connect() throws SQLException {
    return connect(false);
  }

  /** A new connection, auto-commit on; {@code rewrite}: pgjdbc rewrites batched inserts. */
  Connection connect(boolean rewrite) throws SQLException {
    Connection connection =
        DriverManager.getConnection(jdbcUrl() + (rewrite ? "&reWriteBatchedInserts=true" : ""));
    connection.setAutoCommit(true);
    return connection;
  }

  /**
   * Makes the rows written to {@code table} of the schema {@code bench} searchable: CrateDB's
   * {@code REFRESH} writes the segments of what it indexed since the last one (nothing elsewhere).
   * A write measured with it has done all of its indexing, not left a part of it to the next
   * periodic refresh, which may fall after the measurement or into the next one.
   */
  void refresh(String table) throws SQLException {
    if (!crateDb) {
      return;
    }
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("REFRESH TABLE " + SCHEMA + ".\"" + table + "\"");
    }
  }

  /** The rows of {@code table} in the schema {@code bench}, refreshed first on CrateDB. */
  long rows(String table) throws SQLException {
    refresh(table);
    return searchableRows(table);
  }

  /**
   * The rows of {@code table} in the schema {@code bench} that queries see now, without a refresh:
   * on CrateDB, only those of the segments its last refresh wrote.
   */
  long searchableRows(String table) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs =
          statement.executeQuery("SELECT count(*) FROM " + SCHEMA + ".\"" + table + "\"")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Runs {@code relay load source} in this process into {@code table} of the schema {@code bench},
   * which also holds the state; its exit code.
   */
  int relayLoad(String source, String table) {
    return RelayCli.run(
        "load",
        source,
        "--target",
        jdbcUrl(),
        "--table",
        SCHEMA + "." + table,
        "--state-schema",
        SCHEMA);
  }

  /** Drops the tables of the schema {@code bench} of these names, those that exist. */
  void drop(List<String> tables) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String table : tables) {
        statement.execute(
            "DROP TABLE IF EXISTS " + new io.cdcrelay.sink.TableName(SCHEMA, table).quoted());
      }
    }
  }

  /** Drops every table and view of the schema {@code bench}; no other schema is touched. */
  void clear() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      if (!crateDb) {
        statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        statement.execute("CREATE SCHEMA " + SCHEMA);
        return;
      }
      List<String[]> relations = new ArrayList<>();
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT table_name, table_type FROM information_schema.tables"
                  + " WHERE table_schema = '"
                  + SCHEMA
                  + "'")) {
        while (rs.next()) {
          relations.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      // Views first: a view keeps the table it reads from.
      relations.sort(java.util.Comparator.comparing(r -> "VIEW".equals(r[1]) ? 0 : 1));
      for (String[] relation : relations) {
        String kind = "VIEW".equals(relation[1]) ? "VIEW" : "TABLE";
        statement.execute(
            "DROP "
                + kind
                + " IF EXISTS \""
                + SCHEMA
                + "\".\""
                + relation[0].replace("\"", "\"\"")
                + "\"");
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
