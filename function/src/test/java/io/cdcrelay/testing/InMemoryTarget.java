package io.cdcrelay.testing;

import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link Target} in memory, for unit tests of the core's failure paths: it keeps rows (the newer
 * version wins, as the database's conditional upsert does), tombstones, bindings and dead letters,
 * and fails on cue — a whole bulk write, a row whose content a rule rejects, or the database going
 * away at the n-th call of an operation.
 */
public final class InMemoryTarget implements Target {

  /** The rows of each table, by {@code pk}. */
  public final Map<TableName, Map<String, PlannedRow>> rows = new LinkedHashMap<>();

  /** Dead letters by table; those of no table under {@link #STATE}. */
  public final Map<TableName, List<DeadLetter>> deadLetters = new LinkedHashMap<>();

  /** Every write operation called, in order, as {@code "operation table rows"}. */
  public final List<String> calls = new ArrayList<>();

  public static final TableName STATE = new TableName("state", "cdc_relay_dead_letters");

  private final Map<TableName, Map<String, String>> tombstones = new HashMap<>();
  private final Map<TableName, Binding> bindings = new HashMap<>();
  private final Map<TableName, Map<List<String>, ColumnType>> fixedTypes = new HashMap<>();
  private final Map<TableName, Map<List<String>, ColumnType>> knownTypes = new HashMap<>();
  private final Deque<String> wholeBatchFailures = new ArrayDeque<>();
  private final List<Function<PlannedRow, String>> rowRules = new ArrayList<>();
  private final Map<String, Integer> unavailableAt = new HashMap<>();
  private final Map<String, Integer> unavailableFrom = new HashMap<>();
  private final Map<String, Integer> answeringErrorsFrom = new HashMap<>();
  private final Map<String, Integer> callCounts = new HashMap<>();

  /** The next bulk upserts fail as a whole with these errors, one each. */
  public InMemoryTarget failWholeBatches(String... errors) {
    wholeBatchFailures.addAll(List.of(errors));
    return this;
  }

  /** A row for which {@code rule} gives an error is rejected with it (bulk and one by one). */
  public InMemoryTarget rejectRows(Function<PlannedRow, String> rule) {
    rowRules.add(rule);
    return this;
  }

  /** The {@code nth} call (1-based) of {@code operation} finds the database gone. */
  public InMemoryTarget unavailableAt(String operation, int nth) {
    unavailableAt.put(operation, nth);
    return this;
  }

  /** Every call of {@code operation} from the {@code nth} (1-based) on finds the database gone. */
  public InMemoryTarget unavailableFrom(String operation, int nth) {
    unavailableFrom.put(operation, nth);
    return this;
  }

  /**
   * Every call of {@code operation} from the {@code nth} (1-based) on fails with a retryable error
   * the database answered (a rollback, say): the database is there, the write does not take.
   */
  public InMemoryTarget answeringErrorsFrom(String operation, int nth) {
    answeringErrorsFrom.put(operation, nth);
    return this;
  }

  private void call(String operation, TableName table, int rows) {
    calls.add(operation + " " + table.table() + " " + rows);
    int n = callCounts.merge(operation, 1, Integer::sum);
    if (unavailableAt.getOrDefault(operation, -1) == n
        || n >= unavailableFrom.getOrDefault(operation, Integer.MAX_VALUE)) {
      throw new TargetUnavailableException(
          "cannot reach the database (" + operation + " #" + n + ")", null, true);
    }
    if (n >= answeringErrorsFrom.getOrDefault(operation, Integer.MAX_VALUE)) {
      throw new TargetUnavailableException(
          "the database rolled back (" + operation + " #" + n + ")", null, false);
    }
  }

  @Override
  public TableName table(String schema, String table) {
    return new TableName(schema == null ? "doc" : schema, table);
  }

  @Override
  public boolean strictNames() {
    return true;
  }

  @Override
  public int maxTextBytes() {
    return 32_766;
  }

  @Override
  public TableName bindings() {
    return new TableName("state", "cdc_relay_tables");
  }

  @Override
  public Binding bind(TableName table, String sourceTable, DeleteMode deletes) {
    binds.add(table);
    return bindings.computeIfAbsent(table, t -> new Binding(sourceTable, deletes, null));
  }

  @Override
  public KeySchema prepare(
      TableName table, KeySchema proposed, boolean expiry, DeleteMode deletes) {
    call("prepare", table, 0);
    rows.computeIfAbsent(table, t -> new LinkedHashMap<>());
    return proposed;
  }

  @Override
  public ColumnTypes columnTypes(TableName table) {
    return ColumnTypes.of(
        knownTypes.getOrDefault(table, Map.of()), 5, ColumnTypes.DEFAULT_COLUMN_LIMIT);
  }

  @Override
  public void refreshColumnTypes(TableName table) {
    call("refreshColumnTypes", table, 0);
    knownTypes.put(table, new HashMap<>(fixedTypes.getOrDefault(table, Map.of())));
  }

  /**
   * Another writer created the sub-column {@code data[path]} with {@code type}: the relay learns it
   * when it reads the column types again, not before.
   */
  public InMemoryTarget columnCreatedElsewhere(
      TableName table, List<String> path, ColumnType type) {
    fixedTypes.computeIfAbsent(table, t -> new HashMap<>()).put(path, type);
    return this;
  }

  @Override
  public RowResults upsert(TableName table, List<PlannedRow> batch) {
    call("upsert", table, batch.size());
    if (!wholeBatchFailures.isEmpty()) {
      return RowResults.wholeBatchFailed(batch.size(), wholeBatchFailures.poll());
    }
    Map<List<String>, ColumnType> needed = new HashMap<>();
    batch.forEach(row -> needed.putAll(row.newColumns()));
    String conflict = addColumns(table, needed);
    if (conflict != null) {
      return RowResults.wholeBatchFailed(batch.size(), conflict);
    }
    return write(table, batch, true);
  }

  @Override
  public RowResults upsertEach(TableName table, List<PlannedRow> batch) {
    call("upsertEach", table, batch.size());
    return write(table, batch);
  }

  /**
   * Adds the columns the rows need, as the database does, all or none; a column that exists with
   * another type is an error naming it (the relay must plan again).
   */
  private String addColumns(TableName table, Map<List<String>, ColumnType> needed) {
    Map<List<String>, ColumnType> fixed = fixedTypes.computeIfAbsent(table, t -> new HashMap<>());
    for (Map.Entry<List<String>, ColumnType> column : needed.entrySet()) {
      ColumnType existing = fixed.get(column.getKey());
      if (existing != null && !existing.equals(column.getValue())) {
        return "data['" + String.join("']['", column.getKey()) + "'] is " + existing;
      }
    }
    fixed.putAll(needed);
    knownTypes.computeIfAbsent(table, t -> new HashMap<>()).putAll(needed);
    return null;
  }

  private RowResults write(TableName table, List<PlannedRow> batch) {
    return write(table, batch, false);
  }

  private RowResults write(TableName table, List<PlannedRow> batch, boolean bulk) {
    List<String> errors = new ArrayList<>();
    Map<String, String> stored = new HashMap<>();
    for (PlannedRow row : batch) {
      String error = addColumns(table, row.newColumns());
      for (Function<PlannedRow, String> rule : rowRules) {
        error = error == null ? rule.apply(row) : error;
      }
      if (error == null) {
        Map<String, PlannedRow> table_ = rows.computeIfAbsent(table, t -> new LinkedHashMap<>());
        PlannedRow old = table_.get(row.pkJson());
        if (old == null || old.version().encode().compareTo(row.version().encode()) <= 0) {
          table_.put(row.pkJson(), row);
        }
        stored.put(row.pkJson(), table_.get(row.pkJson()).version().encode());
      }
      errors.add(error);
    }
    return bulk && reportsStoredVersions && !errors.stream().anyMatch(e -> e != null)
        ? new RowResults(errors, null, stored)
        : new RowResults(errors, null);
  }

  private boolean reportsStoredVersions;

  /**
   * Bulk upserts that write every row say the version each row holds after the write, as the
   * statement of arrays does.
   */
  public InMemoryTarget reportStoredVersions() {
    reportsStoredVersions = true;
    return this;
  }

  /** Stores a tombstone and leaves the row, as a delete whose writer stopped before the row. */
  public void tombstoneOnly(TableName table, String pkJson, String version) {
    tombstones.computeIfAbsent(table, t -> new HashMap<>()).put(pkJson, version);
  }

  /** How many keys each tombstone lookup asked for, in order. */
  public final List<Integer> tombstoneLookups = new ArrayList<>();

  @Override
  public void tombstone(TableName table, List<Removal> removals) {
    call("tombstone", table, removals.size());
    Map<String, String> stones = tombstones.computeIfAbsent(table, t -> new HashMap<>());
    for (Removal removal : removals) {
      stones.merge(removal.pkJson(), removal.version(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
  }

  @Override
  public Map<String, String> tombstoneVersions(TableName table, Collection<String> pkJsons) {
    tombstoneLookups.add(pkJsons.size());
    Map<String, String> found = new HashMap<>();
    Map<String, String> stones = tombstones.getOrDefault(table, Map.of());
    pkJsons.forEach(
        pk -> {
          if (stones.containsKey(pk)) {
            found.put(pk, stones.get(pk));
          }
        });
    return found;
  }

  @Override
  public Map<String, String> rowVersions(TableName table, Collection<String> pkJsons) {
    call("rowVersions", table, pkJsons.size());
    Map<String, String> found = new HashMap<>();
    Map<String, PlannedRow> live = rows.getOrDefault(table, Map.of());
    for (String pk : pkJsons) {
      if (live.containsKey(pk)) {
        found.put(pk, live.get(pk).version().encode());
      }
    }
    return found;
  }

  @Override
  public int removeIfNotNewer(TableName table, List<Removal> removals) {
    call("removeIfNotNewer", table, removals.size());
    int removed = 0;
    Map<String, PlannedRow> live = rows.getOrDefault(table, new HashMap<>());
    for (Removal removal : removals) {
      PlannedRow row = live.get(removal.pkJson());
      if (row != null && row.version().encode().compareTo(removal.version()) <= 0) {
        live.remove(removal.pkJson());
        removed++;
      }
    }
    return removed;
  }

  /** The tables of each {@link #migrateTombstoneRows} call, in order. */
  public final List<TableName> migrations = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The tables bound ({@link #bind}) and purged ({@link #purgeTombstones}), call by call. */
  public final List<TableName> binds = new java.util.concurrent.CopyOnWriteArrayList<>();

  public final List<TableName> purges = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public int migrateTombstoneRows(TableName table) {
    migrations.add(table);
    // Counted apart from calls, which tests compare whole.
    int n = callCounts.merge("migrateTombstoneRows", 1, Integer::sum);
    if (unavailableAt.getOrDefault("migrateTombstoneRows", -1) == n) {
      throw new TargetUnavailableException(
          "cannot reach the database (migrateTombstoneRows #" + n + ")", null);
    }
    return 0;
  }

  @Override
  public void advancePurgeHorizon(TableName table, Instant horizon) {
    Binding b = bindings.get(table);
    bindings.put(table, new Binding(b.sourceTable(), b.deletes(), horizon));
  }

  @Override
  public int purgeTombstones(TableName table, Instant horizon) {
    purges.add(table);
    int n = callCounts.merge("purgeTombstones", 1, Integer::sum);
    if (unavailableAt.getOrDefault("purgeTombstones", -1) == n) {
      throw new TargetUnavailableException(
          "cannot reach the database (purgeTombstones #" + n + ")", null);
    }
    return 0;
  }

  @Override
  public void deadLetter(TableName table, List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    call("deadLetter", table == null ? STATE : table, letters.size());
    deadLetters
        .computeIfAbsent(table == null ? STATE : table, t -> new ArrayList<>())
        .addAll(letters);
  }

  /** Every status row recorded, in order. */
  public final List<Status> status = new ArrayList<>();

  @Override
  public void recordStatus(List<Status> rows) {
    if (!rows.isEmpty()) {
      call("recordStatus", rows.get(0).table(), rows.size());
      status.addAll(rows);
    }
  }

  @Override
  public void reset() {
    calls.add("reset");
  }

  @Override
  public void close() {}
}
