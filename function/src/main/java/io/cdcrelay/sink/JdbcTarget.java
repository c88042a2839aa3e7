package io.cdcrelay.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresql.util.PGobject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes planned rows, deletions and dead letters to the target over JDBC, creating the tables when
 * missing and checking the outcome of every row; keeps the relay's own state (bindings, tombstones)
 * in the state schema. One connection, opened lazily and re-opened after a failure.
 */
public final class JdbcTarget implements Target {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcTarget.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DEAD_LETTER_SUFFIX = "_dead_letters";
  private static final Duration IDLE_BEFORE_CHECK = Duration.ofSeconds(30);
  private static final int LOOKUP_CHUNK = 1000;
  private static final int REVISION_RETRIES = 10;

  private final TargetUrl url;
  private final Supplier<String> password;
  private final Clock clock;
  private final int socketTimeoutSeconds;
  private final String configuredStateSchema;

  private Connection connection;
  private Instant lastUsed = Instant.MIN;
  private TargetSql sql;
  private String defaultSchema;
  private StateSql state;
  private boolean stateReady;
  private final Map<TableName, TableState> tables = new HashMap<>();

  /** What the relay knows of one target table. */
  private static final class TableState {
    KeySchema keys;
    ColumnTypes types;
    String upsertSql;
    boolean expiry;
    boolean deadLetterTableReady;
  }

  /**
   * @param url the target; its table, if any, is the routes' business
   * @param password the password, asked for on first connect (a secret lookup, say); may return
   *     {@code null} to use the URL's
   * @param socketTimeoutSeconds how long a statement may take before the batch fails as retryable
   * @param stateSchema the schema of the relay's own tables, or {@code null} for the URL's schema,
   *     else the database's default
   */
  public JdbcTarget(
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
  }

  /** A target with its state in the URL's schema (else the database's default). */
  public JdbcTarget(
      TargetUrl url, Supplier<String> password, Clock clock, int socketTimeoutSeconds) {
    this(url, password, clock, socketTimeoutSeconds, null);
  }

  /** The SQL dialect of the database found at the URL. */
  public TargetSql sql() {
    connect();
    return sql;
  }

  /** A table of the given schema, or of the URL's (else the database's default) for null. */
  @Override
  public TableName table(String schema, String table) {
    connect();
    return new TableName(schema != null ? schema : defaultSchema, table);
  }

  @Override
  public boolean strictNames() {
    return sql().strictNames();
  }

  @Override
  public int maxTextBytes() {
    return sql().maxTextBytes();
  }

  @Override
  public TableName bindings() {
    return state().tables();
  }

  /** The state schema's SQL. */
  public StateSql state() {
    connect();
    return state;
  }

  /**
   * The table's entry in the state schema, read from the database; created on first use with this
   * source table and delete mode (insert-if-absent: parallel writers cannot bind it differently).
   */
  @Override
  public Binding bind(TableName table, String sourceTable, DeleteMode deletes) {
    connectState();
    try {
      try (PreparedStatement insert = connection.prepareStatement(state.bind())) {
        insert.setString(1, table.toString());
        insert.setString(2, sourceTable);
        insert.setString(3, deletes.label());
        insert.setTimestamp(4, Timestamp.from(clock.instant()));
        insert.executeUpdate();
      }
      try (PreparedStatement select = connection.prepareStatement(state.binding())) {
        select.setString(1, table.toString());
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new TargetUnavailableException(
                "the entry of " + table + " in " + state.tables() + " was not stored", null);
          }
          String mode = rs.getString(2);
          Timestamp purged = rs.getTimestamp(3);
          return new Binding(
              rs.getString(1),
              mode == null ? deletes : DeleteMode.parse(state.tables() + ".delete_mode", mode),
              purged == null ? null : purged.toInstant());
        }
      }
    } catch (SQLException e) {
      throw failure("binding " + table + " in " + state.tables(), e);
    }
  }

  /**
   * Makes sure the target table exists and is ready for ordering-safe writes, creating it from
   * {@code proposed} or upgrading a reference-tool table in place; returns its key schema.
   *
   * @param expiry whether rows carry {@code cdc_expired_at} (TTL policy {@code mark})
   */
  @Override
  public KeySchema prepare(
      TableName table, KeySchema proposed, boolean expiry, DeleteMode deletes) {
    connect();
    TableState known = tables.get(table);
    if (known != null) {
      return known.keys;
    }
    try {
      Map<String, String> columns = readColumns(table);
      if (columns.isEmpty()) {
        LOG.info("creating table {} with primary key {}", table, proposed.columns());
        createSchema(table.schema());
        try {
          execute(sql.createTable(table, proposed));
        } catch (SQLException e) {
          // Another worker may have created it at the same moment (PostgreSQL reports that
          // despite IF NOT EXISTS); only a table that still does not exist is a failure.
          if (readColumns(table).isEmpty()) {
            throw e;
          }
        }
        columns = readColumns(table);
      }
      addMissingColumn(table, columns, TargetSql.VERSION, "TEXT");
      addMissingColumn(table, columns, TargetSql.DELETED, "BOOLEAN");
      if (expiry) {
        addMissingColumn(table, columns, TargetSql.EXPIRED_AT, "TIMESTAMP WITH TIME ZONE");
      }
      if (deletes == DeleteMode.SOFT) {
        execute(sql.createLiveView(table));
      }
      TableState created = new TableState();
      created.keys = keySchemaOf(table, columns, proposed);
      created.upsertSql = sql.upsert(table, created.keys, expiry);
      created.expiry = expiry;
      created.types = loadColumnTypes(columns);
      tables.put(table, created);
      return created.keys;
    } catch (SQLException e) {
      throw failure("preparing table " + table, e);
    }
  }

  /** What is known of the table's column types; {@code null} where the target has no drift. */
  @Override
  public ColumnTypes columnTypes(TableName table) {
    ColumnTypes types = state(table).types;
    return types == null ? null : types.copy();
  }

  /** Keeps the column types a successfully written batch was planned with (and created). */
  @Override
  public void remember(TableName table, ColumnTypes written) {
    TableState known = state(table);
    if (known.types != null && written != null) {
      known.types = written.copy();
    }
  }

  /** Reads the table's column types again, after a write failed on a type CrateDB had fixed. */
  @Override
  public void refreshColumnTypes(TableName table) {
    connect();
    try {
      state(table).types = loadColumnTypes(readColumns(table));
    } catch (SQLException e) {
      throw failure("reading the columns of " + table, e);
    }
  }

  /** Upserts all rows in one bulk request. */
  @Override
  public RowResults upsert(TableName table, List<PlannedRow> rows) {
    if (rows.isEmpty()) {
      return new RowResults(List.of(), null);
    }
    connect();
    TableState known = state(table);
    try (PreparedStatement statement = connection.prepareStatement(known.upsertSql)) {
      for (PlannedRow row : rows) {
        bindRow(statement, row, known.expiry);
        statement.addBatch();
      }
      return RowCounts.check(statement.executeBatch());
    } catch (BatchUpdateException e) {
      throwIfUnavailable("writing " + rows.size() + " rows to " + table, e);
      // Nothing in the counts can be trusted: CrateDB fails a bulk whose row fails while planning
      // as a whole (-3 for all, nothing written); PostgreSQL rolls the whole batch back. Replaying
      // it is harmless, the writes being idempotent.
      return RowResults.wholeBatchFailed(rows.size(), SqlErrors.describe(e));
    } catch (SQLException e) {
      throwIfUnavailable("writing " + rows.size() + " rows to " + table, e);
      return RowResults.wholeBatchFailed(rows.size(), SqlErrors.describe(e));
    }
  }

  /** Upserts the rows one statement each, to learn which of them fail and why. */
  @Override
  public RowResults upsertEach(TableName table, List<PlannedRow> rows) {
    connect();
    List<String> errors = new ArrayList<>(rows.size());
    TableState known = state(table);
    try (PreparedStatement statement = connection.prepareStatement(known.upsertSql)) {
      for (PlannedRow row : rows) {
        try {
          bindRow(statement, row, known.expiry);
          errors.add(RowCounts.error(statement.executeUpdate()));
        } catch (SQLException e) {
          throwIfUnavailable("writing a row to " + table, e);
          errors.add(SqlErrors.describe(e));
        }
      }
    } catch (SQLException e) {
      throw failure("writing rows to " + table, e);
    }
    return new RowResults(errors, null);
  }

  /**
   * Records the key and version of deleted items in the tombstone table, keeping the newest version
   * of each key. The first step of a {@code hard} delete: from here on, a writer that upserts an
   * older change of the item finds the tombstone and removes its row again.
   */
  @Override
  public void tombstone(TableName table, List<Removal> removals) {
    if (removals.isEmpty()) {
      return;
    }
    connectState();
    try (PreparedStatement statement = connection.prepareStatement(state.upsertTombstone())) {
      for (Removal removal : removals) {
        statement.setString(1, StateSql.tombstoneId(table, removal.pkJson()));
        statement.setString(2, table.toString());
        statement.setString(3, removal.pkJson());
        statement.setString(4, removal.version());
        statement.setTimestamp(5, Timestamp.from(createdAt(removal.version())));
        statement.addBatch();
      }
      int[] counts = statement.executeBatch();
      for (int count : counts) {
        if (count != 1) {
          throw new TargetUnavailableException(
              state.tombstones() + " did not store a tombstone (" + RowCounts.error(count) + ")",
              null);
        }
      }
    } catch (SQLException e) {
      throw failure("storing " + removals.size() + " tombstones of " + table, e);
    }
  }

  /** The stored tombstone versions of the given keys ({@code pk} objects) of the table. */
  @Override
  public Map<String, String> tombstoneVersions(TableName table, Collection<String> pkJsons) {
    Map<String, String> versions = new HashMap<>();
    if (pkJsons.isEmpty()) {
      return versions;
    }
    connectState();
    String prefix = StateSql.tombstoneId(table, "");
    List<String> ids = new ArrayList<>(pkJsons.size());
    pkJsons.forEach(pk -> ids.add(prefix + pk));
    try {
      for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK));
        try (Statement select = connection.createStatement()) {
          try (ResultSet rs = select.executeQuery(state.selectTombstones(chunk))) {
            while (rs.next()) {
              versions.put(rs.getString(1).substring(prefix.length()), rs.getString(2));
            }
          }
        }
      }
      return versions;
    } catch (SQLException e) {
      throw failure("reading tombstones of " + table, e);
    }
  }

  /**
   * Deletes the row of each key unless it carries a newer version than the removal's. Returns how
   * many rows were deleted.
   */
  @Override
  public int removeIfNotNewer(TableName table, List<Removal> removals) {
    if (removals.isEmpty()) {
      return 0;
    }
    connect();
    KeySchema keys = state(table).keys;
    try {
      Optional<String> conditional = sql.conditionalDelete(table);
      if (conditional.isPresent()) {
        try (PreparedStatement delete = connection.prepareStatement(conditional.get())) {
          for (Removal removal : removals) {
            delete.setObject(1, json(removal.pkJson()));
            delete.setString(2, removal.version());
            delete.addBatch();
          }
          int deleted = 0;
          for (int count : delete.executeBatch()) {
            deleted += Math.max(count, 0);
          }
          return deleted;
        }
      }
      int deleted = 0;
      try (PreparedStatement select =
              connection.prepareStatement(sql.selectRowVersion(table, keys));
          PreparedStatement delete =
              connection.prepareStatement(sql.deleteRowRevision(table, keys))) {
        for (Removal removal : removals) {
          deleted += removeRevision(table, keys, removal, select, delete);
        }
      }
      return deleted;
    } catch (SQLException e) {
      throw failure("deleting rows of " + table, e);
    }
  }

  /** Reads the row's revision and deletes exactly that revision, again if another writer won. */
  private int removeRevision(
      TableName table,
      KeySchema keys,
      Removal removal,
      PreparedStatement select,
      PreparedStatement delete)
      throws SQLException {
    List<Object> keyValues = keyValues(keys, removal.pkJson());
    for (int attempt = 0; attempt < REVISION_RETRIES; attempt++) {
      bindKeys(select, keyValues);
      long seqNo;
      long primaryTerm;
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        seqNo = rs.getLong(1);
        primaryTerm = rs.getLong(2);
        String version = rs.getString(3);
        if (version != null && version.compareTo(removal.version()) > 0) {
          return 0;
        }
      }
      bindKeys(delete, keyValues);
      delete.setLong(keyValues.size() + 1, seqNo);
      delete.setLong(keyValues.size() + 2, primaryTerm);
      if (delete.executeUpdate() == 1) {
        return 1;
      }
      LOG.debug("row {} of {} changed while being deleted; reading it again", removal, table);
    }
    throw new TargetUnavailableException(
        "the row " + removal.pkJson() + " of " + table + " kept changing while being deleted",
        null);
  }

  private static List<Object> keyValues(KeySchema keys, String pkJson) {
    JsonNode pk;
    try {
      pk = JSON.readTree(pkJson);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a pk object: " + pkJson, e);
    }
    List<Object> values = new ArrayList<>(keys.columns().size());
    for (KeySchema.KeyColumn column : keys.columns()) {
      JsonNode value = pk.get(column.name());
      values.add(value.isNumber() ? (Object) value.decimalValue() : value.asText());
    }
    return values;
  }

  private static void bindKeys(PreparedStatement statement, List<Object> values)
      throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      if (value instanceof java.math.BigDecimal number) {
        statement.setLong(i + 1, number.longValueExact());
      } else {
        statement.setString(i + 1, (String) value);
      }
    }
  }

  /**
   * Moves the rows flagged deleted (written by a {@code soft} relay or an earlier release) to the
   * tombstone table and out of the table, when the table is first used in {@code hard} mode.
   */
  @Override
  public int migrateTombstoneRows(TableName table) {
    connect();
    try {
      Optional<String> refresh = sql.refresh(table);
      if (refresh.isPresent()) {
        execute(refresh.get());
      }
      List<Removal> removals = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(sql.selectTombstoneRows(table))) {
        while (rs.next()) {
          String version = rs.getString(2);
          removals.add(
              new Removal(
                  JSON.writeValueAsString(JSON.readTree(rs.getString(1))),
                  version == null ? "" : version));
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("a pk object of " + table + " is not JSON", e);
      }
      if (removals.isEmpty()) {
        return 0;
      }
      LOG.info(
          "moving {} rows flagged deleted in {} to {}", removals.size(), table, state.tombstones());
      tombstone(table, removals);
      return removeIfNotNewer(table, removals);
    } catch (SQLException e) {
      throw failure("moving deleted rows of " + table, e);
    }
  }

  /** Moves the table's purge horizon forward; changes created before it are refused from now on. */
  @Override
  public void advancePurgeHorizon(TableName table, Instant horizon) {
    connectState();
    try (PreparedStatement update = connection.prepareStatement(state.advancePurgeHorizon())) {
      update.setTimestamp(1, Timestamp.from(horizon));
      update.setTimestamp(2, Timestamp.from(horizon));
      update.setString(3, table.toString());
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("moving the purge horizon of " + table, e);
    }
  }

  /** Removes the table's tombstones of changes created before the horizon; returns how many. */
  @Override
  public int purgeTombstones(TableName table, Instant horizon) {
    connectState();
    try (PreparedStatement delete = connection.prepareStatement(state.purgeTombstones())) {
      delete.setString(1, table.toString());
      delete.setTimestamp(2, Timestamp.from(horizon));
      return Math.max(0, delete.executeUpdate());
    } catch (SQLException e) {
      throw failure("purging tombstones of " + table, e);
    }
  }

  /** Every target table in the state schema, with its delete mode. */
  public Map<TableName, DeleteMode> boundTables() {
    connectState();
    Map<TableName, DeleteMode> all = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(state.allTables())) {
      while (rs.next()) {
        // Stored as TableName.toString(): schema and table, neither of which holds a dot.
        String name = rs.getString(1);
        int dot = name.indexOf('.');
        all.put(
            new TableName(name.substring(0, dot), name.substring(dot + 1)),
            DeleteMode.parse(state.tables() + ".delete_mode", rs.getString(2)));
      }
      return all;
    } catch (SQLException e) {
      throw failure("reading " + state.tables(), e);
    }
  }

  /**
   * Stores records set aside: in the dead-letter table next to their target table, or in the state
   * schema's for records with no target table ({@code table} null).
   */
  @Override
  public void deadLetter(TableName table, List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    connect();
    TableName deadLetters;
    if (table == null) {
      connectState();
      deadLetters = state.deadLetters();
    } else {
      deadLetters = table.sibling(DEAD_LETTER_SUFFIX);
    }
    try {
      TableState known =
          table == null ? null : tables.computeIfAbsent(table, t -> new TableState());
      if (table == null || !known.deadLetterTableReady) {
        execute(sql.createDeadLetterTable(deadLetters));
        if (known != null) {
          known.deadLetterTableReady = true;
        }
      }
      try (PreparedStatement statement =
          connection.prepareStatement(sql.insertDeadLetter(deadLetters))) {
        Timestamp now = Timestamp.from(clock.instant());
        for (DeadLetter letter : letters) {
          statement.setString(1, letter.source().shardId());
          statement.setString(2, letter.source().sequenceNumber());
          statement.setString(3, letter.stage());
          statement.setString(4, letter.reason());
          statement.setString(5, utf8OrNull(letter.source().data()));
          statement.setString(6, Base64.getEncoder().encodeToString(letter.source().data()));
          statement.setTimestamp(7, now);
          statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] != 1) {
            throw new TargetUnavailableException(
                "the dead-letter table "
                    + deadLetters
                    + " did not store the record "
                    + letters.get(i).source()
                    + " ("
                    + RowCounts.error(counts[i])
                    + ")",
                null);
          }
        }
      }
    } catch (SQLException e) {
      // Dead letters must not be lost: any failure to store them fails the batch for a retry.
      throw new TargetUnavailableException(
          "storing "
              + letters.size()
              + " dead letters in "
              + deadLetters
              + ": "
              + SqlErrors.describe(e),
          e);
    }
  }

  /** Drops the connection after a failure; the next call opens a new one and checks it. */
  @Override
  public void reset() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing a failed connection: {}", e.getMessage());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    reset();
  }

  private TableState state(TableName table) {
    TableState known = tables.get(table);
    if (known == null || known.keys == null) {
      throw new IllegalStateException("table " + table + " was not prepared");
    }
    return known;
  }

  private void connect() {
    try {
      Instant now = clock.instant();
      if (connection != null) {
        // A connection idle for a while (a frozen Lambda container, a NAT timeout) is checked
        // before use; a busy one is not, so a batch costs no extra round trip.
        boolean fresh = lastUsed.plus(IDLE_BEFORE_CHECK).isAfter(now);
        lastUsed = now;
        if (fresh || connection.isValid(5)) {
          return;
        }
      }
      lastUsed = now;
      reset();
      connection = JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay");
      if (sql == null) {
        sql = detect(connection);
        defaultSchema =
            url.schema() != null ? url.schema() : JdbcConnections.currentSchema(connection);
        state =
            new StateSql(
                configuredStateSchema != null ? configuredStateSchema : defaultSchema,
                sql.versionType(),
                sql instanceof PostgreSql);
        LOG.info(
            "connected to {} ({}), state schema {}",
            url.jdbcUrl(),
            sql.getClass().getSimpleName(),
            state.schema());
      }
    } catch (SQLException e) {
      reset();
      String where = JdbcConnections.describeConnectFailure(url, e);
      SqlErrors.configurationProblem(e)
          .ifPresent(
              problem -> {
                throw new BadTargetException(
                    "cannot connect to "
                        + url.jdbcUrl()
                        + (url.user() == null ? "" : " as user " + url.user())
                        + ": "
                        + problem);
              });
      throw new TargetUnavailableException(where, e);
    }
  }

  private void connectState() {
    connect();
    if (stateReady) {
      return;
    }
    try {
      createSchema(state.schema());
      execute(state.createTables());
      execute(state.createTombstones());
      stateReady = true;
    } catch (SQLException e) {
      throw failure("creating the state tables in schema " + state.schema(), e);
    }
  }

  private static TargetSql detect(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT version()")) {
      rs.next();
      String version = rs.getString(1);
      return version != null && version.contains("CrateDB") ? new CrateDbSql() : new PostgreSql();
    }
  }

  private void bindRow(PreparedStatement statement, PlannedRow row, boolean expiry)
      throws SQLException {
    statement.setObject(1, json(row.pkJson()));
    statement.setObject(2, json(row.dataJson()));
    statement.setObject(3, json(row.auxJson()));
    statement.setString(4, row.version().encode());
    statement.setBoolean(5, row.deleted());
    if (expiry) {
      statement.setTimestamp(6, row.expiredAt().map(Timestamp::from).orElse(null));
    }
  }

  private PGobject json(String value) throws SQLException {
    PGobject object = new PGobject();
    object.setType(sql.jsonType());
    object.setValue(value);
    return object;
  }

  /** When the change of an encoded version was made; the epoch for a row that had none. */
  private static Instant createdAt(String encodedVersion) {
    try {
      return io.cdcrelay.change.ChangeVersion.decode(encodedVersion).createdAt();
    } catch (IllegalArgumentException e) {
      return Instant.EPOCH;
    }
  }

  private void createSchema(String schema) throws SQLException {
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

  private void execute(String statementSql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(statementSql);
    }
  }

  private Map<String, String> readColumns(TableName name) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(sql.selectColumns())) {
      statement.setString(1, name.schema());
      statement.setString(2, name.table());
      try (ResultSet rs = statement.executeQuery()) {
        boolean detailed = rs.getMetaData().getColumnCount() >= 3;
        while (rs.next()) {
          String column = rs.getString(1);
          if (detailed && rs.getString(3) != null) {
            column = unambiguousName(rs.getString(3), column);
          }
          columns.put(column, rs.getString(2));
        }
      }
    }
    return columns;
  }

  /** The column's name with quotes doubled, from CrateDB's {@code column_details} object. */
  private static String unambiguousName(String details, String columnName) {
    try {
      JsonNode node = JSON.readTree(details);
      List<String> path = new ArrayList<>();
      node.path("path").forEach(segment -> path.add(segment.asText()));
      return node.hasNonNull("name")
          ? ColumnPaths.format(node.get("name").asText(), path)
          : columnName;
    } catch (java.io.IOException e) {
      return columnName;
    }
  }

  private void addMissingColumn(
      TableName table, Map<String, String> columns, String column, String type)
      throws SQLException {
    if (columns.containsKey(column)) {
      return;
    }
    LOG.info("adding column {} to {}", column, table);
    try {
      execute(sql.addColumn(table, column, type));
    } catch (SQLException e) {
      // Another relay may have added it at the same moment.
      if (!readColumns(table).containsKey(column)) {
        throw e;
      }
    }
    columns.put(column, type.toLowerCase(Locale.ROOT));
  }

  private KeySchema keySchemaOf(TableName table, Map<String, String> columns, KeySchema proposed) {
    if (!(sql instanceof CrateDbSql)) {
      return proposed;
    }
    Map<String, KeySchema.KeyType> proposedTypes = new HashMap<>();
    proposed.columns().forEach(c -> proposedTypes.put(c.name(), c.type()));
    List<KeySchema.KeyColumn> keyColumns = new ArrayList<>();
    for (Map.Entry<String, String> column : columns.entrySet()) {
      List<String> path = ColumnPaths.parse(column.getKey());
      if (path.size() != 2 || !path.get(0).equals("pk")) {
        continue;
      }
      ColumnType type = ColumnType.parse(column.getValue());
      KeySchema.KeyType proposedType = proposedTypes.getOrDefault(path.get(1), KeySchema.KeyType.S);
      if (type.base() == ColumnType.Base.INTEGRAL) {
        // The reference tool's layout: a number key as BIGINT.
        keyColumns.add(
            new KeySchema.KeyColumn(path.get(1), KeySchema.KeyType.N, KeySchema.NumberKey.BIGINT));
      } else {
        // Text: S, B as base64, or N as its canonical decimal text.
        keyColumns.add(
            new KeySchema.KeyColumn(path.get(1), proposedType, KeySchema.NumberKey.TEXT));
      }
    }
    if (keyColumns.isEmpty()) {
      throw new IllegalStateException(
          "table " + table + " has no key columns in \"pk\"; it is not a table of this layout");
    }
    keyColumns.sort(Comparator.comparing(KeySchema.KeyColumn::name));
    return new KeySchema(keyColumns);
  }

  private ColumnTypes loadColumnTypes(Map<String, String> columns) {
    if (!sql.tracksColumnTypes()) {
      return null;
    }
    Map<List<String>, ColumnType> data = new HashMap<>();
    for (Map.Entry<String, String> column : columns.entrySet()) {
      List<String> path = ColumnPaths.parse(column.getKey());
      if (path.size() >= 2 && path.get(0).equals("data")) {
        data.put(List.copyOf(path.subList(1, path.size())), ColumnType.parse(column.getValue()));
      }
    }
    return ColumnTypes.of(data, columns.size(), ColumnTypes.DEFAULT_COLUMN_LIMIT);
  }

  private void throwIfUnavailable(String what, SQLException e) {
    throwIfMisconfigured(what, e);
    boolean connectionLost;
    try {
      connectionLost = connection == null || !connection.isValid(5);
    } catch (SQLException invalid) {
      connectionLost = true;
    }
    if (connectionLost || SqlErrors.isRetryable(e)) {
      reset();
      throw new TargetUnavailableException(what + ": " + SqlErrors.describe(e), e);
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

  private TargetUnavailableException failure(String what, SQLException e) {
    throwIfMisconfigured(what, e);
    reset();
    return new TargetUnavailableException(what + ": " + SqlErrors.describe(e), e);
  }

  private static String utf8OrNull(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
