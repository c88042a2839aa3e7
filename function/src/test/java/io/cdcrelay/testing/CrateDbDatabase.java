package io.cdcrelay.testing;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The CrateDB that {@code CRATEDB_URL} points at ({@code
 * jdbc:postgresql://host:5432/doc?user=crate} style). CrateDB cannot be installed from the package
 * registries our machines reach, so tests against it run only where a user or CI provides one.
 */
public final class CrateDbDatabase implements TargetDatabase {

  /** Why CrateDB tests skip when there is no CrateDB. */
  public static final String SKIPPED =
      "CRATEDB_URL is not set: CrateDB tests skipped (set it to"
          + " jdbc:postgresql://HOST:5432/doc?user=crate to run them)";

  private static final java.util.concurrent.atomic.AtomicBoolean CLEARED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final String jdbcUrl;
  private final URI uri;

  private CrateDbDatabase(String jdbcUrl) {
    this.jdbcUrl =
        jdbcUrl.startsWith("jdbc:crate:") ? "jdbc:postgresql:" + jdbcUrl.substring(11) : jdbcUrl;
    this.uri = URI.create(this.jdbcUrl.substring("jdbc:".length()));
  }

  /**
   * The configured CrateDB; when {@code CRATEDB_URL} is not set, the calling test (or class, from a
   * {@code @BeforeAll}) is skipped with {@link #SKIPPED}, which is also printed.
   */
  public static CrateDbDatabase require() {
    String url = System.getenv("CRATEDB_URL");
    if (url == null || url.isBlank()) {
      System.err.println(SKIPPED);
    }
    Assumptions.assumeTrue(url != null && !url.isBlank(), SKIPPED);
    CrateDbDatabase database = new CrateDbDatabase(url.trim());
    if (CLEARED.compareAndSet(false, true)) {
      if (otherTestRunsHere()) {
        System.err.println(
            "Another test run on this machine: the CrateDB test schemas are not cleared, so that"
                + " its tables stay");
      } else {
        database.clearSchema();
      }
    }
    return database;
  }

  /**
   * Whether another test JVM (a surefire or failsafe fork) runs on this machine: clearing the test
   * schemas would drop the tables it is writing, and the shared state tables under it.
   */
  static boolean otherTestRunsHere() {
    // This JVM and the shell that started it name the same booter.
    java.util.Set<Long> ours = new java.util.HashSet<>();
    for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        p.isPresent();
        p = p.get().parent()) {
      ours.add(p.get().pid());
    }
    return ProcessHandle.allProcesses()
        .anyMatch(
            p ->
                !ours.contains(p.pid())
                    && p.info().commandLine().map(c -> c.contains("surefirebooter")).orElse(false));
  }

  /**
   * A CrateDB the calling test started itself (a container) at {@code jdbcUrl}: nothing of it is
   * cleared.
   */
  public static CrateDbDatabase at(String jdbcUrl) {
    return new CrateDbDatabase(jdbcUrl);
  }

  /**
   * Schemas the tests create: the test schema and the per-test state and dead-letter schemas (named
   * with the test JVM's pid and a counter). Nothing else is ever dropped.
   */
  private static final java.util.regex.Pattern TEST_SCHEMAS =
      java.util.regex.Pattern.compile(
          "cdc_relay_it.*|(handler_)?dl_\\d+_\\d+|ddbs_state_\\d+_\\d+|load_\\d+_\\d+_(state|own)");

  /**
   * Drops what earlier runs left in the test schemas, once per test JVM: every test table holds
   * shards, and a node refuses new tables beyond its shard limit (1,000 by default).
   */
  private void clearSchema() {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String type : new String[] {"VIEW", "BASE TABLE"}) {
        java.util.List<TableName> names = new java.util.ArrayList<>();
        try (java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_type = '"
                    + type
                    + "'")) {
          while (rs.next()) {
            if (TEST_SCHEMAS.matcher(rs.getString(1)).matches()) {
              names.add(new TableName(rs.getString(1), rs.getString(2)));
            }
          }
        }
        for (TableName name : names) {
          s.execute(
              (type.equals("VIEW") ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ")
                  + name.quoted());
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not clear the test schemas: " + e, e);
    }
  }

  @Override
  public String name() {
    return "CrateDB";
  }

  @Override
  public String host() {
    return uri.getHost();
  }

  @Override
  public int port() {
    return uri.getPort() < 0 ? 5432 : uri.getPort();
  }

  @Override
  public TargetUrl url(String host, int port, TableName table) {
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/doc" : uri.getRawPath();
    return TargetUrl.parse("jdbc:postgresql://" + host + ":" + port + path + query)
        .withTable(table.schema(), table.table());
  }

  @Override
  public String schema() {
    return "cdc_relay_it";
  }

  @Override
  public Connection connect() throws SQLException {
    TargetUrl url = url(host(), port(), new TableName(schema(), "x"));
    java.util.Properties properties = new java.util.Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  @Override
  public void refresh(TableName table) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("REFRESH TABLE " + table.quoted());
    }
  }

  @Override
  public boolean isCrateDb() {
    return true;
  }
}
