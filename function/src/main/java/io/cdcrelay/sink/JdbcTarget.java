package io.cdcrelay.sink;

import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link Target} over JDBC (CrateDB through its PostgreSQL protocol, or PostgreSQL), made of
 * one part per responsibility over one connection ({@link TargetSession}): table schemas and column
 * types ({@link TableSchemas}), row writing ({@link RowWriter}), the relay's state per table
 * ({@link StateStore}) and dead letters ({@link DeadLetterWriter}).
 */
public final class JdbcTarget implements Target {

  static final String DEAD_LETTER_SUFFIX = "_dead_letters";

  private final TargetSession session;
  private final TableSchemas schemas;
  private final RowWriter rows;
  private final StateStore state;
  private final DeadLetterWriter deadLetters;

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
    this(url, password, clock, socketTimeoutSeconds, stateSchema, Optional.empty());
  }

  /**
   * A writer whose target tables, where it creates them, get {@code tableOptions}: CrateDB's
   * clauses after the columns ({@link TableOptions}).
   */
  public JdbcTarget(
      TargetUrl url,
      Supplier<String> password,
      Clock clock,
      int socketTimeoutSeconds,
      String stateSchema,
      Optional<String> tableOptions) {
    this.session = new TargetSession(url, password, clock, socketTimeoutSeconds, stateSchema);
    this.schemas = new TableSchemas(session, tableOptions);
    this.rows = new RowWriter(session, schemas);
    this.state = new StateStore(session);
    this.deadLetters = new DeadLetterWriter(session, schemas);
  }

  /** A target with its state in the URL's schema (else the database's default). */
  public JdbcTarget(
      TargetUrl url, Supplier<String> password, Clock clock, int socketTimeoutSeconds) {
    this(url, password, clock, socketTimeoutSeconds, null);
  }

  /** The SQL dialect of the database found at the URL. */
  public TargetSql sql() {
    return leased(() -> session.sql());
  }

  /** The state schema's SQL. */
  public StateSql state() {
    return leased(() -> session.state());
  }

  @Override
  public TableName table(String schema, String table) {
    return leased(() -> new TableName(schema != null ? schema : session.defaultSchema(), table));
  }

  @Override
  public boolean strictNames() {
    return leased(() -> sql().strictNames());
  }

  @Override
  public int maxTextBytes() {
    return leased(() -> sql().maxTextBytes());
  }

  @Override
  public TableName bindings() {
    return leased(() -> state().tables());
  }

  /**
   * The key schema of {@code table} if it exists, read without changing anything; on PostgreSQL,
   * whose {@code pk} names no key, {@code proposed}.
   *
   * @throws BadTargetException when the table is not of the relay's layout
   */
  public Optional<KeySchema> existingKeys(TableName table, KeySchema proposed) {
    return leased(() -> schemas.existingKeys(table, proposed));
  }

  @Override
  public Binding bind(TableName table, String sourceTable, DeleteMode deletes) {
    return leased(() -> state.bind(table, sourceTable, deletes));
  }

  @Override
  public KeySchema prepare(
      TableName table, KeySchema proposed, boolean expiry, DeleteMode deletes) {
    return leased(() -> schemas.prepare(table, proposed, expiry, deletes));
  }

  /**
   * Records DynamoDB's key types of the table unless some are recorded already (a full load, from
   * {@code DescribeTable}); the types recorded then, empty where the state schema cannot hold them.
   */
  public Map<String, KeySchema.KeyType> recordKeyTypes(TableName table, KeySchema keys) {
    return leased(
        () -> {
          try {
            session.connect();
            return schemas.recordKeyTypes(table, keys);
          } catch (java.sql.SQLException e) {
            throw session.failure("recording the key types of " + table, e);
          }
        });
  }

  @Override
  public ColumnTypes columnTypes(TableName table) {
    return leased(() -> schemas.columnTypes(table));
  }

  @Override
  public void refreshColumnTypes(TableName table) {
    leased(
        () -> {
          schemas.refreshColumnTypes(table);
          return null;
        });
  }

  /**
   * Makes every write to the table visible to queries at once (CrateDB's {@code REFRESH}, which
   * otherwise comes with its refresh interval); nothing on PostgreSQL. For the end of a full load,
   * never per batch.
   */
  public void refresh(TableName table) {
    leased(
        () -> {
          session.connect();
          try {
            session.refresh(table);
          } catch (java.sql.SQLException e) {
            throw session.failure("refreshing " + table, e);
          }
          return null;
        });
  }

  @Override
  public RowResults upsert(TableName table, List<PlannedRow> planned) {
    return leased(() -> rows.upsert(table, planned));
  }

  /**
   * The rows as one statement of arrays only: the versions stored after it when it wrote them all,
   * else {@code null} (for tests).
   */
  Map<String, String> upsertArrays(TableName table, List<PlannedRow> planned) {
    return leased(() -> rows.upsertArrays(table, planned));
  }

  @Override
  public RowResults upsertEach(TableName table, List<PlannedRow> planned) {
    return leased(() -> rows.upsertEach(table, planned));
  }

  @Override
  public void tombstone(TableName table, List<Removal> removals) {
    leased(
        () -> {
          rows.tombstone(table, removals);
          return null;
        });
  }

  @Override
  public Map<String, String> tombstoneVersions(TableName table, Collection<String> pkJsons) {
    return leased(() -> rows.tombstoneVersions(table, pkJsons));
  }

  @Override
  public Map<String, String> rowVersions(TableName table, Collection<String> pkJsons) {
    return leased(() -> rows.rowVersions(table, pkJsons));
  }

  /** Runs between reading the revisions of rows to delete and deleting them (for tests). */
  void beforeBulkDelete(Runnable hook) {
    rows.beforeBulkDelete = hook;
  }

  @Override
  public int removeIfNotNewer(TableName table, List<Removal> removals) {
    return leased(() -> rows.removeIfNotNewer(table, removals));
  }

  @Override
  public int migrateTombstoneRows(TableName table) {
    return leased(() -> rows.migrateTombstoneRows(table));
  }

  @Override
  public void advancePurgeHorizon(TableName table, Instant horizon) {
    leased(
        () -> {
          state.advancePurgeHorizon(table, horizon);
          return null;
        });
  }

  @Override
  public int purgeTombstones(TableName table, Instant horizon) {
    return leased(() -> state.purgeTombstones(table, horizon));
  }

  /** Every target table in the state schema, with its delete mode. */
  public Map<TableName, DeleteMode> boundTables() {
    return leased(() -> state.boundTables());
  }

  /** The same, read only: creates no state table, and finds none where there is none. */
  public Map<TableName, DeleteMode> boundTablesIfAny() {
    return leased(() -> state.boundTablesIfAny());
  }

  /**
   * The DynamoDB table bound to {@code table} in the state schema, read only: none if it is not
   * bound yet (a table a relay never wrote, or one written before tables were bound).
   */
  public Optional<String> boundSourceIfAny(TableName table) {
    return leased(() -> state.boundSourceIfAny(table));
  }

  @Override
  public void deadLetter(TableName table, List<DeadLetter> letters) {
    leased(
        () -> {
          deadLetters.deadLetter(table, letters);
          return null;
        });
  }

  @Override
  public void recordStatus(List<Status> status) {
    leased(
        () -> {
          state.recordStatus(status);
          return null;
        });
  }

  /** Every row of the status table, by target table, source and shard. */
  public List<Status> status() {
    return leased(() -> state.status());
  }

  @Override
  public void reset() {
    session.reset();
  }

  @Override
  public void close() {
    session.release();
  }

  /**
   * Runs one operation on a connection of the process's pool, returned when it ends (discarded
   * instead when it failed, so that the next operation opens a fresh one).
   */
  private <T> T leased(Supplier<T> operation) {
    try {
      return operation.get();
    } finally {
      session.release();
    }
  }
}
