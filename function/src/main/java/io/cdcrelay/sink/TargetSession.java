package io.cdcrelay.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresql.util.PGobject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the target and what it tells of the database: its dialect, default schema and
 * state schema; and how its failures are told apart (outage, configuration, the rows' own).
 */
final class TargetSession {

  private static final Logger LOG = LoggerFactory.getLogger(TargetSession.class);

  private final TargetUrl url;
  private final Supplier<String> password;
  private final Clock clock;
  private final int socketTimeoutSeconds;
  private final String configuredStateSchema;

  /**
   * What the sessions of one process learnt of a database, once for all of them: its dialect, its
   * default schema, and the state schemas whose tables were made sure of. A load's writers, a
   * Lambda container's lanes and the CLI's steps each open a session of their own, and each asked
   * and created again (on CrateDB 6.4.3, a {@code CREATE TABLE IF NOT EXISTS} of an existing table
   * takes milliseconds, on the path to the first write).
   */
  private static final class Known {
    final TargetSql sql;
    final String defaultSchema;
    final java.util.Set<String> stateSchemas = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // The state schemas whose table of entries has key_types (found or added by connectState).
    final java.util.Set<String> keyTypesColumns =
        java.util.concurrent.ConcurrentHashMap.newKeySet();

    Known(TargetSql sql, String defaultSchema) {
      this.sql = sql;
      this.defaultSchema = defaultSchema;
    }
  }

  /** A database as a URL names it: its JDBC URL, user and schema (the URL's, else the default). */
  private record Database(String jdbcUrl, String user, String schema) {}

  private static final java.util.Map<Database, Known> KNOWN =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final java.util.Set<String> ANNOUNCED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final ConnectionPool pool;
  private Known known;
  private Connection connection;
  private TargetSql sql;
  private String defaultSchema;
  private StateSql state;
  private boolean stateReady;

  TargetSession(
      TargetUrl url,
      Supplier<String> password,
      Clock clock,
      int socketTimeoutSeconds,
      String stateSchema) {
    this.url = url;
    this.password = password;
    this.clock = clock;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
    this.configuredStateSchema = stateSchema;
    this.pool = ConnectionPool.of(url, socketTimeoutSeconds);
  }

  /** An open, checked connection: opened lazily, re-opened after a failure or a long idle. */
  Connection connection() {
    connect();
    return connection;
  }

  TargetSql sql() {
    connect();
    return sql;
  }

  StateSql state() {
    connect();
    return state;
  }

  /** The schema of a table named without one: the URL's, else the database's default. */
  String defaultSchema() {
    connect();
    return defaultSchema;
  }

  Clock clock() {
    return clock;
  }

  /** The database this session writes to, as its JDBC URL: a key only, never printed. */
  String database() {
    return url.jdbcUrl();
  }

  void connect() {
    try {
      if (connection != null) {
        return;
      }
      connection =
          pool.borrow(
              () -> JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay"),
              clock.instant());
      if (sql == null) {
        Database database = new Database(url.jdbcUrl(), url.user(), url.schema());
        known = KNOWN.get(database);
        if (known == null) {
          known =
              new Known(
                  detect(connection),
                  url.schema() != null ? url.schema() : JdbcConnections.currentSchema(connection));
          Known earlier = KNOWN.putIfAbsent(database, known);
          known = earlier != null ? earlier : known;
        }
        sql = known.sql;
        defaultSchema = known.defaultSchema;
        state =
            new StateSql(
                configuredStateSchema != null ? configuredStateSchema : defaultSchema,
                sql.versionType(),
                sql instanceof PostgreSql);
        String connected =
            "connected to "
                + url.displayUrl()
                + " ("
                + (sql instanceof PostgreSql ? "PostgreSQL" : "CrateDB")
                + "), state schema "
                + state.schema();
        // Once a process: a relay connects again after each failure, and a CLI run several times.
        if (ANNOUNCED.add(connected)) {
          LOG.info(connected);
        } else {
          LOG.debug(connected);
        }
      }
    } catch (SQLException e) {
      reset();
      String where = JdbcConnections.describeConnectFailure(url, e);
      SqlErrors.configurationProblem(e)
          .ifPresent(
              problem -> {
                throw new BadTargetException(
                    "cannot connect to "
                        + url.displayUrl()
                        + (url.user() == null ? "" : " as user " + url.user())
                        + ": "
                        + problem);
              });
      if (JdbcConnections.answeredInAnotherProtocol(e)) {
        // A wrong port: waiting for it to speak PostgreSQL's protocol would wait for ever.
        throw new BadTargetException(where);
      }
      // Unreachable when the chain says so (refused, timed out: SQLSTATE class 08, an I/O error),
      // not when the server answered the login with an error (too many clients, starting up).
      throw new TargetUnavailableException(where, e);
    }
  }

  void connectState() {
    connect();
    if (stateReady || known.stateSchemas.contains(state.schema())) {
      stateReady = true;
      return;
    }
    try {
      createSchema(state.schema());
      createIfAbsent(state.createTables());
      addKeyTypesIfAbsent();
      createIfAbsent(state.createTombstones());
      createIfAbsent(state.createStatus());
      stateReady = true;
      known.stateSchemas.add(state.schema());
    } catch (SQLException e) {
      throw failure("creating the state tables in schema " + state.schema(), e);
    }
  }

  /**
   * Adds {@code key_types} to a table of entries made before it existed. Without the privilege to
   * (or on any failure) the relay goes on as before, each writer taking a text key's type from the
   * first change it sees: a warning, not a failure.
   */
  private void addKeyTypesIfAbsent() throws SQLException {
    boolean present = hasColumn(state.tables(), StateSql.KEY_TYPES);
    if (!present) {
      try {
        execute(sql.addColumn(state.tables(), StateSql.KEY_TYPES, "TEXT"));
        present = true;
      } catch (SQLException e) {
        present = hasColumn(state.tables(), StateSql.KEY_TYPES);
        if (!present) {
          LOG.warn(
              "could not add {} to {}: the types of text key columns are not recorded: {}",
              StateSql.KEY_TYPES,
              state.tables(),
              e.getMessage());
        }
      }
    }
    if (present) {
      known.keyTypesColumns.add(state.schema());
    }
  }

  /**
   * Whether the state schema's table of entries is known to have {@code key_types}: found or added
   * by a session of this process that made sure of the state tables. A column is never dropped by
   * the relay, so once known it stays known.
   */
  boolean keyTypesColumnKnown() {
    return known != null && state != null && known.keyTypesColumns.contains(state.schema());
  }

  /** Whether the table has the column, read from {@code information_schema}. */
  boolean hasColumn(TableName table, String column) throws SQLException {
    try (java.sql.PreparedStatement query =
        connection()
            .prepareStatement(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                    + " AND column_name = ?")) {
      query.setString(1, table.schema());
      query.setString(2, table.table());
      query.setString(3, column);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** SQLSTATEs of a table another writer created at the same moment (see createIfAbsent). */
  private static final java.util.Set<String> CREATED_MEANWHILE =
      java.util.Set.of("23505", "42P07", "42710");

  /**
   * Runs a {@code CREATE … IF NOT EXISTS}; again once when a concurrent writer created the same
   * table at the same moment, which PostgreSQL reports despite {@code IF NOT EXISTS} (23505 on its
   * catalog, 42P07 for the table, 42710 for its row type): the second time finds the table.
   */
  void createIfAbsent(String ddl) throws SQLException {
    try {
      execute(ddl);
    } catch (SQLException e) {
      if (!CREATED_MEANWHILE.contains(String.valueOf(e.getSQLState()))) {
        throw e;
      }
      LOG.debug("created by another writer meanwhile, checking: {}", e.getMessage());
      execute(ddl);
    }
  }

  private static TargetSql detect(Connection connection) throws SQLException {
    return JdbcConnections.isCrateDb(connection) ? new CrateDbSql() : new PostgreSql();
  }

  PGobject json(String value) throws SQLException {
    PGobject object = new PGobject();
    object.setType(sql.jsonType());
    object.setValue(value);
    return object;
  }

  void createSchema(String schema) throws SQLException {
    Optional<String> create = sql.createSchema(schema);
    if (create.isPresent()) {
      try {
        execute(create.get());
      } catch (SQLException e) {
        // A concurrent writer may have created it (PostgreSQL reports that despite IF NOT EXISTS).
        LOG.debug("creating schema {}: {}", schema, e.getMessage());
      }
    }
  }

  void execute(String statementSql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(statementSql);
    }
  }

  /** Makes every write to the table visible to queries (CrateDB's REFRESH); nothing elsewhere. */
  /** Whether the table exists, read from {@code information_schema} (no privilege on it needed). */
  boolean tableExists(TableName table) throws SQLException {
    try (java.sql.PreparedStatement query =
        connection()
            .prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
      query.setString(1, table.schema());
      query.setString(2, table.table());
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  void refresh(TableName table) throws SQLException {
    java.util.Optional<String> refresh = sql().refresh(table);
    if (refresh.isPresent()) {
      execute(refresh.get());
    }
  }

  void throwIfUnavailable(String what, SQLException e) {
    throwIfMisconfigured(what, e);
    boolean connectionLost;
    try {
      connectionLost = connection == null || !connection.isValid(5);
    } catch (SQLException invalid) {
      connectionLost = true;
    }
    if (connectionLost || SqlErrors.isRetryable(e)) {
      reset();
      throw new TargetUnavailableException(
          what + ": " + SqlErrors.describe(e),
          e,
          connectionLost || SqlErrors.isConnectionFailure(e));
    }
  }

  /** A configuration no retry can fix fails at once, with the database's reason. */
  private void throwIfMisconfigured(String what, SQLException e) {
    SqlErrors.configurationProblem(e)
        .ifPresent(
            problem -> {
              throw new BadTargetException(what + ": " + problem);
            });
  }

  TargetUnavailableException failure(String what, SQLException e) {
    throwIfMisconfigured(what, e);
    reset();
    return new TargetUnavailableException(what + ": " + SqlErrors.describe(e), e);
  }

  /** Drops the connection after a failure; the next call opens a new one and checks it. */
  void reset() {
    if (known != null && state != null) {
      // After a failure, the next session makes sure of the state tables again.
      known.stateSchemas.remove(state.schema());
      known.keyTypesColumns.remove(state.schema());
    }
    if (connection != null) {
      Connection failed = connection;
      connection = null;
      pool.discard(failed);
    }
  }

  /** Returns the connection to the process's pool after an operation; the next one borrows. */
  void release() {
    if (connection != null) {
      Connection healthy = connection;
      connection = null;
      pool.giveBack(healthy, clock.instant());
    }
  }
}
