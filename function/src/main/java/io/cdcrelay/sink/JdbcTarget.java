package io.cdcrelay.sink;

import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.postgresql.util.PGobject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes planned rows and dead letters to the target over JDBC, creating the tables when missing
 * and checking the outcome of every row. One connection, opened lazily and re-opened after a
 * failure.
 */
public final class JdbcTarget implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcTarget.class);
  static final String DEAD_LETTER_SUFFIX = "_dead_letters";
  private static final Duration IDLE_BEFORE_CHECK = Duration.ofSeconds(30);

  private final TargetUrl url;
  private final Supplier<String> password;
  private final Clock clock;
  private final int socketTimeoutSeconds;

  private Connection connection;
  private Instant lastUsed = Instant.MIN;
  private TargetSql sql;
  private TableName table;
  private KeySchema keys;
  private ColumnTypes types;
  private String upsertSql;
  private boolean deadLetterTableReady;

  /**
   * @param url the target, with its table
   * @param password the password, asked for on first connect (a secret lookup, say); may return
   *     {@code null} to use the URL's
   * @param socketTimeoutSeconds how long a statement may take before the batch fails as retryable
   */
  public JdbcTarget(
      TargetUrl url, Supplier<String> password, Clock clock, int socketTimeoutSeconds) {
    if (url.tableName().isEmpty()) {
      throw new IllegalArgumentException("the target URL names no table: " + url);
    }
    this.url = url;
    this.password = password;
    this.clock = clock;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
  }

  /** The outcome of writing some rows: one entry per row, {@code null} where it was written. */
  public record RowResults(List<String> errors, String batchError) {
    static RowResults wholeBatchFailed(int rows, String error) {
      return new RowResults(new ArrayList<>(Collections.nCopies(rows, error)), error);
    }

    /** Whether the batch failed as a whole, so that nothing is known of single rows. */
    public boolean batchFailed() {
      return batchError != null;
    }
  }

  /** The target table, resolved once connected. */
  public TableName table() {
    connect();
    return table;
  }

  /** The SQL dialect of the database found at the URL. */
  public TargetSql sql() {
    connect();
    return sql;
  }

  /**
   * Makes sure the target table exists and is ready for ordering-safe writes, creating it from
   * {@code proposed} or upgrading a reference-tool table in place; returns its key schema.
   */
  public KeySchema prepare(KeySchema proposed) {
    connect();
    if (keys != null) {
      return keys;
    }
    try {
      Map<String, String> columns = readColumns(table);
      if (columns.isEmpty()) {
        LOG.info("creating table {} with primary key {}", table, proposed.columns());
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
      addMissingColumn(columns, TargetSql.VERSION, "TEXT");
      addMissingColumn(columns, TargetSql.DELETED, "BOOLEAN");
      keys = keySchemaOf(columns, proposed);
      upsertSql = sql.upsert(table, keys);
      loadColumnTypes(columns);
      return keys;
    } catch (SQLException e) {
      throw failure("preparing table " + table, e);
    }
  }

  /** What is known of the table's column types; {@code null} where the target has no drift. */
  public ColumnTypes columnTypes() {
    return types == null ? null : types.copy();
  }

  /** Keeps the column types a successfully written batch was planned with (and created). */
  public void remember(ColumnTypes written) {
    if (types != null && written != null) {
      types = written.copy();
    }
  }

  /** Reads the table's column types again, after a write failed on a type CrateDB had fixed. */
  public void refreshColumnTypes() {
    connect();
    try {
      loadColumnTypes(readColumns(table));
    } catch (SQLException e) {
      throw failure("reading the columns of " + table, e);
    }
  }

  /** Upserts all rows in one bulk request. */
  public RowResults upsert(List<PlannedRow> rows) {
    if (rows.isEmpty()) {
      return new RowResults(List.of(), null);
    }
    connect();
    try (PreparedStatement statement = connection.prepareStatement(upsertSql)) {
      for (PlannedRow row : rows) {
        bindRow(statement, row);
        statement.addBatch();
      }
      return fromCounts(statement.executeBatch());
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
  public RowResults upsertEach(List<PlannedRow> rows) {
    connect();
    List<String> errors = new ArrayList<>(rows.size());
    try (PreparedStatement statement = connection.prepareStatement(upsertSql)) {
      for (PlannedRow row : rows) {
        try {
          bindRow(statement, row);
          int count = statement.executeUpdate();
          errors.add(count == 1 ? null : silentFailure(count));
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

  /** Stores records set aside in the dead-letter table next to the target table. */
  public void deadLetter(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    connect();
    TableName deadLetters = table.sibling(DEAD_LETTER_SUFFIX);
    try {
      if (!deadLetterTableReady) {
        execute(sql.createDeadLetterTable(deadLetters));
        deadLetterTableReady = true;
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
                    + silentFailure(counts[i])
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
        String schema = url.schema() != null ? url.schema() : currentSchema(connection);
        table = new TableName(schema, url.table());
        LOG.info(
            "connected to {} ({}), table {}", url.jdbcUrl(), sql.getClass().getSimpleName(), table);
      }
    } catch (SQLException e) {
      reset();
      throw new TargetUnavailableException(
          "cannot connect to " + url.jdbcUrl() + ": " + SqlErrors.describe(e), e);
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

  private static String currentSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private void bindRow(PreparedStatement statement, PlannedRow row) throws SQLException {
    statement.setObject(1, json(row.pkJson()));
    statement.setObject(2, json(row.dataJson()));
    statement.setObject(3, json(row.auxJson()));
    statement.setString(4, row.version().encode());
    statement.setBoolean(5, row.deleted());
  }

  private PGobject json(String value) throws SQLException {
    PGobject object = new PGobject();
    object.setType(sql.jsonType());
    object.setValue(value);
    return object;
  }

  private RowResults fromCounts(int[] counts) {
    List<String> errors = new ArrayList<>(counts.length);
    boolean anyFailed = false;
    for (int count : counts) {
      String error = count == 1 ? null : silentFailure(count);
      anyFailed |= error != null;
      errors.add(error);
    }
    return new RowResults(errors, null);
  }

  private static String silentFailure(int count) {
    return count == Statement.EXECUTE_FAILED
        ? "the database reported the row as failed"
        : "the database wrote " + count + " rows where 1 was expected (a row it dropped silently)";
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
        while (rs.next()) {
          columns.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return columns;
  }

  private void addMissingColumn(Map<String, String> columns, String column, String type)
      throws SQLException {
    if (columns.containsKey(column)) {
      return;
    }
    LOG.info("adding column {} to {} for ordering-safe writes", column, table);
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

  private KeySchema keySchemaOf(Map<String, String> columns, KeySchema proposed) {
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
      KeySchema.KeyType keyType =
          type.base() == ColumnType.Base.INTEGRAL
              ? KeySchema.KeyType.N
              : proposedTypes.getOrDefault(path.get(1), KeySchema.KeyType.S) == KeySchema.KeyType.B
                  ? KeySchema.KeyType.B
                  : KeySchema.KeyType.S;
      keyColumns.add(new KeySchema.KeyColumn(path.get(1), keyType));
    }
    if (keyColumns.isEmpty()) {
      throw new IllegalStateException(
          "table " + table + " has no key columns in \"pk\"; it is not a table of this layout");
    }
    keyColumns.sort(Comparator.comparing(KeySchema.KeyColumn::name));
    return new KeySchema(keyColumns);
  }

  private void loadColumnTypes(Map<String, String> columns) {
    if (!sql.tracksColumnTypes()) {
      types = null;
      return;
    }
    Map<List<String>, ColumnType> data = new HashMap<>();
    for (Map.Entry<String, String> column : columns.entrySet()) {
      List<String> path = ColumnPaths.parse(column.getKey());
      if (path.size() >= 2 && path.get(0).equals("data")) {
        data.put(List.copyOf(path.subList(1, path.size())), ColumnType.parse(column.getValue()));
      }
    }
    types = ColumnTypes.of(data, columns.size(), ColumnTypes.DEFAULT_COLUMN_LIMIT);
  }

  private void throwIfUnavailable(String what, SQLException e) {
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

  private TargetUnavailableException failure(String what, SQLException e) {
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
