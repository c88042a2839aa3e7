package io.cdcrelay.route;

import io.cdcrelay.sink.TableName;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routing: which target table each DynamoDB table's changes go to. Two DynamoDB tables are never
 * written into one target table.
 *
 * <ul>
 *   <li>an explicit map ({@code CRATEDB_TABLE_MAP}) first;
 *   <li>else a single-table target ({@code …/SCHEMA/TABLE} or {@code CRATEDB_TABLE}), bound to one
 *       DynamoDB table: {@code CRATEDB_SOURCE_TABLE}, or the first one seen (kept in the state
 *       schema);
 *   <li>else a schema-only target: each DynamoDB table into the table of its normalised name.
 * </ul>
 *
 * An include list ({@code CRATEDB_TABLES}) skips every other DynamoDB table.
 */
public final class TableRoutes {

  private final String schema;
  private final String singleTable;
  private final Optional<String> sourceTable;
  private final Map<String, QualifiedName> map;
  private final Set<String> include;
  // Normalised target name → the DynamoDB table that claimed it first in this process.
  private final Map<String, String> claimed = new ConcurrentHashMap<>();

  /** A target table name with an optional schema. */
  public record QualifiedName(String schema, String table) {
    /** Parses {@code [SCHEMA.]TABLE}. */
    public static QualifiedName parse(String setting, String text) {
      String value = text.trim();
      int dot = value.indexOf('.');
      if (value.isEmpty()
          || dot == 0
          || dot == value.length() - 1
          || value.indexOf('.', dot + 1) > 0) {
        throw new IllegalArgumentException(
            setting + ": \"" + text + "\" is not a table name of the form [SCHEMA.]TABLE");
      }
      return dot < 0
          ? new QualifiedName(null, TableName.unquote(value))
          : new QualifiedName(
              TableName.unquote(value.substring(0, dot)),
              TableName.unquote(value.substring(dot + 1)));
    }

    @Override
    public String toString() {
      return schema == null ? table : schema + "." + table;
    }
  }

  /**
   * @param schema the target URL's schema, or {@code null} for the database's default
   * @param singleTable the one target table, or {@code null} for schema-only routing
   * @param sourceTable the DynamoDB table a single target table is bound to, if configured
   * @param map explicit routes, DynamoDB table → target
   * @param include the DynamoDB tables to relay; empty for all
   */
  public TableRoutes(
      String schema,
      String singleTable,
      Optional<String> sourceTable,
      Map<String, QualifiedName> map,
      Set<String> include) {
    this.schema = schema;
    this.singleTable = singleTable;
    this.sourceTable = sourceTable;
    this.map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
    this.include = Collections.unmodifiableSet(new LinkedHashSet<>(include));
    Map<String, String> targets = new HashMap<>();
    for (Map.Entry<String, QualifiedName> route : map.entrySet()) {
      QualifiedName target = route.getValue();
      String key = (target.schema() == null ? "" : target.schema()) + "." + target.table();
      String other = targets.put(key.toLowerCase(Locale.ROOT), route.getKey());
      if (other != null) {
        throw new IllegalArgumentException(
            "CRATEDB_TABLE_MAP routes both "
                + other
                + " and "
                + route.getKey()
                + " into "
                + target
                + ": every DynamoDB table needs a target table of its own");
      }
    }
    if (sourceTable.isPresent() && singleTable == null) {
      throw new IllegalArgumentException(
          "CRATEDB_SOURCE_TABLE="
              + sourceTable.get()
              + " needs a single target table (crate://…/SCHEMA/TABLE or CRATEDB_TABLE)");
    }
  }

  /** Routing for a URL naming one table, with no other settings. */
  public static TableRoutes single(String schema, String table) {
    return new TableRoutes(schema, table, Optional.empty(), Map.of(), Set.of());
  }

  /** Parses {@code orders=sales.orders,users=crm.users}. */
  public static Map<String, QualifiedName> parseMap(String setting, String text) {
    Map<String, QualifiedName> map = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return map;
    }
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException(
            setting
                + ": \""
                + entry.trim()
                + "\" is not of the form DYNAMODB_TABLE=[SCHEMA.]TABLE (e.g."
                + " orders=sales.orders,users=crm.users)");
      }
      String source = entry.substring(0, eq).trim();
      if (map.put(source, QualifiedName.parse(setting, entry.substring(eq + 1))) != null) {
        throw new IllegalArgumentException(setting + " names " + source + " twice");
      }
    }
    return map;
  }

  /** Parses {@code orders,users}. */
  public static Set<String> parseList(String text) {
    Set<String> tables = new LinkedHashSet<>();
    if (text != null) {
      for (String name : text.split(",")) {
        if (!name.isBlank()) {
          tables.add(name.trim());
        }
      }
    }
    return tables;
  }

  /**
   * The target name of a DynamoDB table: lower-cased, every character other than {@code a-z},
   * {@code 0-9} and {@code _} replaced by {@code _}.
   */
  public static String normalize(String dynamoDbTable) {
    StringBuilder name = new StringBuilder(dynamoDbTable.length());
    for (char c : dynamoDbTable.toLowerCase(Locale.ROOT).toCharArray()) {
      name.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return name.toString();
  }

  /** Whether one target table takes every change (a URL naming a table). */
  public boolean isSingleTable() {
    return singleTable != null && map.isEmpty();
  }

  /** The URL's schema, or {@code null}. */
  public String schema() {
    return schema;
  }

  /** The one target table of {@link #isSingleTable() a single-table route}, or {@code null}. */
  public String singleTable() {
    return isSingleTable() ? singleTable : null;
  }

  /**
   * Whether an operation on every bound table (status, purge) includes {@code schema.table}: with a
   * single target table, only that table (in the URL's schema, any schema if it names none);
   * otherwise every table.
   */
  public boolean scopes(String tableSchema, String table) {
    return !isSingleTable()
        || (singleTable.equals(table) && (schema == null || schema.equals(tableSchema)));
  }

  /** Where the changes of {@code dynamoDbTable} go; empty for a change that names no table. */
  public Route route(String dynamoDbTable) {
    String source = dynamoDbTable == null ? "" : dynamoDbTable;
    if (!include.isEmpty() && !include.contains(source)) {
      return new Route.Skip();
    }
    QualifiedName mapped = map.get(source);
    if (mapped != null) {
      return new Route.To(mapped.schema() != null ? mapped.schema() : schema, mapped.table(), true);
    }
    if (singleTable != null) {
      if (sourceTable.isPresent() && !sourceTable.get().equals(source)) {
        return new Route.Refuse(
            "the change is of DynamoDB table \""
                + source
                + "\", but the target table "
                + display(schema, singleTable)
                + " is bound to DynamoDB table \""
                + sourceTable.get()
                + "\" (CRATEDB_SOURCE_TABLE); route it with CRATEDB_TABLE_MAP or a schema-only"
                + " target URL");
      }
      return new Route.To(schema, singleTable, sourceTable.isEmpty() && !source.isEmpty());
    }
    if (source.isEmpty()) {
      return new Route.Refuse(
          "the change names no DynamoDB table (tableName), so it has no target");
    }
    String target = normalize(source);
    String first = claimed.putIfAbsent(target, source);
    if (first != null && !first.equals(source)) {
      return new Route.Refuse(
          "DynamoDB tables \""
              + first
              + "\" and \""
              + source
              + "\" would both go into "
              + display(schema, target)
              + "; give one of them its own target with CRATEDB_TABLE_MAP");
    }
    return new Route.To(schema, target, true);
  }

  private static String display(String schema, String table) {
    return schema == null ? table : schema + "." + table;
  }

  /**
   * Where the routes write, apart from the tables an explicit map adds: the one target table, or
   * the schema each DynamoDB table's own table is in. Two relays of one stream with other
   * destinations must not share its checkpoints.
   */
  public String destination() {
    return singleTable != null
        ? "table " + display(schema, singleTable)
        : "schema " + (schema == null ? "(default)" : schema);
  }

  @Override
  public String toString() {
    if (!map.isEmpty()) {
      return "map " + map + (singleTable != null ? " else " + display(schema, singleTable) : "");
    }
    return singleTable != null
        ? display(schema, singleTable) + sourceTable.map(s -> " (from " + s + ")").orElse("")
        : "schema " + (schema == null ? "(default)" : schema);
  }
}
