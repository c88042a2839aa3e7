package io.cdcrelay.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.sink.TableName;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What verify checks of its target table before it reads a row or scans an item: that the table
 * exists, is of the relay's layout ({@code pk}, {@code data}, {@code aux}, as the reference
 * tool's), and is keyed as the DynamoDB table is — on CrateDB by its {@code pk['k']} columns (S and
 * B as text, N as text or, the reference tool's layout, an integer), on PostgreSQL by the key names
 * and JSON types of one row's {@code pk} (N a number, S and B a string; an empty table has none to
 * tell). Without these checks a wrong target was found only after the whole Scan: every item
 * missing, or a failed lookup of keys the table does not have.
 */
final class TargetLayout {

  /**
   * The columns verify reads from each row: the reference tool's layout, which a table it loaded
   * has too ({@code cdc_deleted}, where there, is read as well).
   */
  static final List<String> COLUMNS = List.of("pk", "data", "aux");

  private TargetLayout() {}

  /**
   * Why verify cannot compare {@code source} with {@code table}, or empty when it can.
   *
   * @param columns the table's columns and their types ({@code pk['k']} for a CrateDB key column);
   *     empty when the table does not exist
   * @param firstKey on PostgreSQL, the {@code pk} of one row, if the table has any
   * @param sourceTable the DynamoDB table's name
   * @param sourceKeys its key attributes, the partition key first
   */
  static Optional<String> problem(
      TableName table,
      Map<String, String> columns,
      boolean crateDb,
      Optional<JsonNode> firstKey,
      String sourceTable,
      List<KeySchema.KeyColumn> sourceKeys) {
    if (columns.isEmpty()) {
      return Optional.of(
          "the target table "
              + table
              + " does not exist"
              + (crateDb
                  ? " (or the target URL's user may not read it: CrateDB answers as if a table"
                      + " a user may not read did not exist; grant it DQL on the table)"
                  : "")
              + ": load it first with `relay load dynamodb://…/"
              + sourceTable
              + " TARGET`, or name the table "
              + sourceTable
              + " was loaded into (TARGET's table option, --table, --table-map);"
              + " nothing was scanned");
    }
    List<String> lacking = new ArrayList<>();
    for (String column : COLUMNS) {
      if (!columns.containsKey(column)) {
        lacking.add("\"" + column + "\"");
      }
    }
    if (!lacking.isEmpty()) {
      return Optional.of(
          "the target table "
              + table
              + " is not a table of the relay's layout: it has no column "
              + String.join(", ", lacking)
              + " (its columns: "
              + String.join(", ", topLevel(columns))
              + "); nothing was scanned");
    }
    Optional<String> mismatch =
        crateDb
            ? crateDbKeys(columns, sourceKeys)
            : firstKey.flatMap(pk -> postgreSqlKeys(pk, sourceKeys));
    return mismatch.map(
        target ->
            "the target table "
                + table
                + " is keyed by "
                + target
                + ", the DynamoDB table "
                + sourceTable
                + " by "
                + describe(sourceKeys)
                + ": it is not the table "
                + sourceTable
                + " was loaded into (check TARGET's table option, --table, --table-map);"
                + " nothing was scanned");
  }

  /** The DynamoDB key schema as a message names it: {@code [id (S), at (N)]}. */
  static String describe(List<KeySchema.KeyColumn> keys) {
    StringJoiner text = new StringJoiner(", ", "[", "]");
    for (KeySchema.KeyColumn key : keys) {
      text.add(key.name() + " (" + key.type() + ")");
    }
    return text.toString();
  }

  /** The CrateDB key columns, unless they are the source's keys, each of a type that holds it. */
  private static Optional<String> crateDbKeys(
      Map<String, String> columns, List<KeySchema.KeyColumn> sourceKeys) {
    Map<String, String> keys = new TreeMap<>();
    for (Map.Entry<String, String> column : columns.entrySet()) {
      String name = column.getKey();
      // CrateDB names a sub-column pk['k'] without doubling a quote inside k.
      if (name.startsWith("pk['")
          && name.endsWith("']")
          && name.indexOf("']") == name.length() - 2) {
        keys.put(name.substring(4, name.length() - 2), column.getValue());
      }
    }
    boolean matches = keys.size() == sourceKeys.size();
    for (KeySchema.KeyColumn key : sourceKeys) {
      String type = keys.get(key.name());
      matches &= type != null && holds(ColumnType.parse(type), key.type());
    }
    if (matches) {
      return Optional.empty();
    }
    StringJoiner text = new StringJoiner(", ", "[", "]");
    keys.forEach((name, type) -> text.add("\"pk\"['" + name + "'] " + type));
    return Optional.of(text.toString());
  }

  /**
   * Whether a CrateDB key column of {@code type} holds a key of {@code key}, as the relay writes.
   */
  private static boolean holds(ColumnType type, KeySchema.KeyType key) {
    if (type.arrayDepth() > 0) {
      return false;
    }
    return type.base() == ColumnType.Base.TEXT
        || (key == KeySchema.KeyType.N && type.base() == ColumnType.Base.INTEGRAL);
  }

  /** One row's {@code pk}, unless it holds the source's keys, each as the relay writes it. */
  private static Optional<String> postgreSqlKeys(
      JsonNode pk, List<KeySchema.KeyColumn> sourceKeys) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (pk.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> f = pk.fields(); f.hasNext(); ) {
        Map.Entry<String, JsonNode> field = f.next();
        keys.put(field.getKey(), field.getValue().getNodeType().name().toLowerCase(Locale.ROOT));
      }
    }
    boolean matches = pk.isObject() && keys.size() == sourceKeys.size();
    for (KeySchema.KeyColumn key : sourceKeys) {
      JsonNode value = pk.get(key.name());
      matches &=
          value != null
              && (key.type() == KeySchema.KeyType.N ? value.isNumber() : value.isTextual());
    }
    if (matches) {
      return Optional.empty();
    }
    if (!pk.isObject()) {
      return Optional.of("a \"pk\" that is no object (" + abbreviated(pk.toString()) + ")");
    }
    StringJoiner text = new StringJoiner(", ", "[", "]");
    keys.forEach((name, type) -> text.add(name + " (" + type + ")"));
    return Optional.of(text + " (the key names and JSON types of a row's \"pk\")");
  }

  private static String abbreviated(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "…";
  }

  /** The table's own columns, without CrateDB's sub-columns. */
  private static List<String> topLevel(Map<String, String> columns) {
    List<String> names = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(columns.keySet())) {
      if (!name.contains("[")) {
        names.add("\"" + name + "\"");
      }
    }
    return names;
  }
}
