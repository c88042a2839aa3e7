package io.cdcrelay.plan;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is known of the sub-columns of the target table's {@code data} column: their types, fixed by
 * CrateDB on first write, and how many columns the table has in all.
 *
 * <p>Planning a batch adds the columns its rows will create, so that two rows of one batch never
 * disagree on the type of a new column.
 */
public final class ColumnTypes {

  /** CrateDB's default {@code mapping.total_fields.limit}. */
  public static final int DEFAULT_COLUMN_LIMIT = 1000;

  private final Map<List<String>, ColumnType> types;
  private final int columnLimit;
  private int columnCount;
  private final Set<List<String>> added = new HashSet<>();

  private ColumnTypes(Map<List<String>, ColumnType> types, int columnCount, int columnLimit) {
    this.types = new HashMap<>(types);
    this.columnCount = columnCount;
    this.columnLimit = columnLimit;
  }

  /** Knowledge of a table whose data sub-columns are {@code types} among {@code columnCount}. */
  public static ColumnTypes of(
      Map<List<String>, ColumnType> types, int columnCount, int columnLimit) {
    return new ColumnTypes(types, columnCount, columnLimit);
  }

  /** Knowledge of a table without any data sub-column yet. */
  public static ColumnTypes empty() {
    return new ColumnTypes(Map.of(), 5, DEFAULT_COLUMN_LIMIT);
  }

  /** The type of the sub-column at {@code path} below {@code data}, if it exists. */
  public Optional<ColumnType> get(List<String> path) {
    return Optional.ofNullable(types.get(path));
  }

  /** Whether {@code additional} new columns still fit under the table's column limit. */
  public boolean hasRoomFor(int additional) {
    return columnCount + additional <= columnLimit;
  }

  /** Records columns that a planned row will create. */
  public void addAll(Map<List<String>, ColumnType> created) {
    for (Map.Entry<List<String>, ColumnType> e : created.entrySet()) {
      if (types.putIfAbsent(e.getKey(), e.getValue()) == null) {
        columnCount++;
        added.add(e.getKey());
      }
    }
  }

  /** Whether the column at {@code path} was added by planning, not read from the table. */
  boolean isAdded(List<String> path) {
    return added.contains(path);
  }

  /** A copy that planning can extend without changing this one (nothing added yet). */
  public ColumnTypes copy() {
    return new ColumnTypes(types, columnCount, columnLimit);
  }

  @Override
  public String toString() {
    return "ColumnTypes["
        + types.size()
        + " data columns ("
        + added.size()
        + " added), "
        + columnCount
        + " in all]";
  }
}
