package io.cdcrelay.plan;

import io.cdcrelay.change.AttributeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

  /**
   * The most attributes {@link #fitsAsIs} remembers, and the most columns of one: items of a few
   * shapes fill it with a handful, and a table whose items are all different, or large maps, keeps
   * checking them as before, within a bounded memory.
   */
  static final int MAX_FITTING = 1024;

  static final int MAX_FITTING_COLUMNS = 64;

  /**
   * Attributes, by name and value shape, found to fit the table's columns as they are (no column to
   * add, every type agreeing): shared with every copy. The table's columns are only ever added to
   * and never change type, so what fitted once fits for as long as this knowledge of the table is
   * used; its columns read again make a new one.
   */
  private final Fits fitting;

  /**
   * The most shapes of one attribute name that {@link #fitsAsIs(String, AttributeValue, int)} tries
   * a value against before its shape is made: most attributes have one or two.
   */
  static final int MAX_SHAPES_TRIED = 4;

  /**
   * What was found to fit: by name and shape, and the first shapes of each name, which a value is
   * tried against without making its own shape (the most costly part of planning a row before).
   */
  private static final class Fits {
    private final Set<Fitting> all = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Shape>> firstByName = new ConcurrentHashMap<>();

    private record Fitting(String name, Shape shape) {}

    boolean contains(String name, Shape shape) {
      return all.contains(new Fitting(name, shape));
    }

    boolean matches(String name, AttributeValue value, int maxTextBytes) {
      List<Shape> shapes = firstByName.get(name);
      if (shapes == null) {
        return false;
      }
      for (Shape shape : shapes) {
        if (Shape.conforms(value, shape, maxTextBytes)) {
          return true;
        }
      }
      return false;
    }

    void add(String name, Shape shape) {
      if (all.size() >= MAX_FITTING || !all.add(new Fitting(name, shape))) {
        return;
      }
      firstByName.compute(
          name,
          (n, shapes) -> {
            if (shapes == null) {
              return List.of(shape);
            }
            if (shapes.size() >= MAX_SHAPES_TRIED) {
              return shapes;
            }
            List<Shape> more = new ArrayList<>(shapes);
            more.add(shape);
            return List.copyOf(more);
          });
    }
  }

  private ColumnTypes(
      Map<List<String>, ColumnType> types, int columnCount, int columnLimit, Fits fitting) {
    this.types = new HashMap<>(types);
    this.columnCount = columnCount;
    this.columnLimit = columnLimit;
    this.fitting = fitting;
  }

  /** Knowledge of a table whose data sub-columns are {@code types} among {@code columnCount}. */
  public static ColumnTypes of(
      Map<List<String>, ColumnType> types, int columnCount, int columnLimit) {
    return new ColumnTypes(types, columnCount, columnLimit, new Fits());
  }

  /** Knowledge of a table without any data sub-column yet. */
  public static ColumnTypes empty() {
    return of(Map.of(), 5, DEFAULT_COLUMN_LIMIT);
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
      if (put(e.getKey(), e.getValue())) {
        added.add(e.getKey());
      }
    }
  }

  /** Records a column unless it is known, counting it; whether it was new. */
  private boolean put(List<String> path, ColumnType type) {
    if (types.putIfAbsent(path, type) != null) {
      return false;
    }
    columnCount++;
    return true;
  }

  /**
   * Records columns just added to the table itself: known from now on as the table's, unlike those
   * {@link #addAll} records for planning.
   */
  public void addExisting(Map<List<String>, ColumnType> columns) {
    columns.forEach(this::put);
  }

  /** Whether the column at {@code path} was added by planning, not read from the table. */
  boolean isAdded(List<String> path) {
    return added.contains(path);
  }

  /** Whether an attribute of this name and shape was found to fit the columns as they are. */
  boolean fitsAsIs(String name, Shape shape) {
    return fitting.contains(name, shape);
  }

  /**
   * Whether an attribute of this name and {@code value}'s shape was found to fit the columns as
   * they are, told without making that shape when it is among the first {@link #MAX_SHAPES_TRIED}
   * found for the name; {@code false} may still fit ({@link #fitsAsIs(String, Shape)} tells).
   */
  boolean fitsAsIs(String name, AttributeValue value, int maxTextBytes) {
    return fitting.matches(name, value, maxTextBytes);
  }

  /**
   * Records that an attribute of this name and shape fits the table's columns as they are: none of
   * them added by planning, every type agreeing.
   */
  void rememberFits(String name, Shape shape) {
    if (Shape.columns(shape) <= MAX_FITTING_COLUMNS) {
      fitting.add(name, shape);
    }
  }

  /**
   * A copy that planning can extend without changing this one (nothing added yet). It shares what
   * was found to fit unless planning added columns to this one: in the copy they would pass for the
   * table's.
   */
  public ColumnTypes copy() {
    return new ColumnTypes(types, columnCount, columnLimit, added.isEmpty() ? fitting : new Fits());
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
