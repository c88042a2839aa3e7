package io.cdcrelay.sink;

import static java.util.stream.Collectors.joining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.route.DeleteMode;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema and column-type knowledge of the target tables: creates a table when missing (or upgrades
 * a reference-tool table in place), reads its key schema and column types back, and keeps them per
 * table — the one place the column-type cache lives.
 */
final class TableSchemas {

  private static final Logger LOG = LoggerFactory.getLogger(TableSchemas.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  // Sub-columns of one table are added by one writer of this JVM at a time, and each addition is
  // counted: writers of a table that plan the same new columns at once (the segments of a load
  // into a fresh table, the lanes of a shard) each issued an ALTER TABLE, which CrateDB applies
  // one after the other as cluster-state updates (six in a load of eight segments, 280 ms of
  // statement time together, all but the first refused). A writer that waited reads the columns
  // the others added instead. Keyed by database and table.
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> ADDING =
      new java.util.concurrent.ConcurrentHashMap<>();
  // How many tables writers of this JVM created (for tests).
  static final java.util.concurrent.atomic.AtomicLong CREATES =
      new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> CREATING =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<String, Long> ADDITIONS =
      new java.util.concurrent.ConcurrentHashMap<>();
  // Tables a writer of this JVM created for hard deletes: they hold no row flagged deleted, which
  // only soft deletes write, and their binding refuses a relay of soft deletes. Keyed by database
  // and table.
  private static final java.util.Set<String> CREATED_FOR_HARD_DELETES =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final PublishedColumnTypes PUBLISHED = new PublishedColumnTypes();
  // How often writers of this JVM read a table's columns to learn its types (for tests).
  static final java.util.concurrent.atomic.AtomicLong COLUMN_READS =
      new java.util.concurrent.atomic.AtomicLong();
  // How often writers of this JVM recorded a table's key types (for tests).
  static final java.util.concurrent.atomic.AtomicLong KEY_TYPE_RECORDS =
      new java.util.concurrent.atomic.AtomicLong();

  private final TargetSession session;
  private final Optional<String> tableOptions;
  private final Map<TableName, TableState> tables = new HashMap<>();
  // Whether the state schema's table of entries is known to have key_types.
  private boolean keyTypesColumn;

  /**
   * @param tableOptions CrateDB's clauses for a target table it creates ({@link TableOptions}), if
   *     any
   */
  TableSchemas(TargetSession session, Optional<String> tableOptions) {
    this.session = session;
    this.tableOptions = tableOptions;
  }

  /** What the relay knows of one target table. */
  static final class TableState {
    KeySchema keys;
    ColumnTypes types;
    String upsertSql;
    String upsertArraysSql;
    boolean expiry;
    boolean deadLetterTableReady;
    // The count of this JVM's column additions to the table before its types were read.
    long additionsRead;
    // The key types recorded for the table, once found (recorded, they never change); else empty.
    Map<String, KeySchema.KeyType> keyTypes = Map.of();
  }

  /**
   * Makes sure the target table exists and is ready for ordering-safe writes, creating it from
   * {@code proposed} or upgrading a reference-tool table in place; returns its key schema.
   *
   * @param expiry whether rows carry {@code cdc_expired_at} (TTL policy {@code mark})
   */
  KeySchema prepare(TableName table, KeySchema proposed, boolean expiry, DeleteMode deletes) {
    session.connect();
    TableState known = tables.get(table);
    if (known != null) {
      return known.keys;
    }
    try {
      long additions = additions(table);
      Map<String, String> columns = readColumns(table);
      boolean creating = columns.isEmpty();
      if (creating) {
        columns = create(table, proposed, deletes);
      }
      // A table of another layout is refused before anything is added to it.
      Map<String, KeySchema.KeyType> stored = storedKeyTypes(table);
      KeySchema keys = keySchemaOf(table, columns, proposed, stored);
      if (stored.isEmpty() && creating) {
        // The writer that creates the table records the types it takes (of a writer creating it at
        // the same moment, the first's). A table of an earlier release is not given the types of
        // whatever change comes first, which may be a stray: a full load records DynamoDB's own.
        stored = updateKeyTypes(table, keys);
        if (!stored.isEmpty()) {
          keys = keySchemaOf(table, columns, proposed, stored);
        }
      }
      addMissingColumn(table, columns, TargetSql.VERSION, "TEXT");
      addMissingColumn(table, columns, TargetSql.DELETED, "BOOLEAN");
      if (expiry) {
        addMissingColumn(table, columns, TargetSql.EXPIRED_AT, "TIMESTAMP WITH TIME ZONE");
      }
      if (deletes == DeleteMode.SOFT) {
        session.execute(session.sql().createLiveView(table));
      }
      TableState created = new TableState();
      created.keys = keys;
      created.upsertSql = session.sql().upsert(table, created.keys, expiry);
      created.upsertArraysSql = session.sql().upsertArrays(table, created.keys, expiry);
      created.expiry = expiry;
      created.types = loadColumnTypes(columns);
      created.additionsRead = additions;
      created.keyTypes = stored;
      tables.put(table, created);
      return created.keys;
    } catch (SQLException e) {
      throw session.failure("preparing table " + table, e);
    }
  }

  /** What is known of the table's column types; {@code null} where the target has no drift. */
  ColumnTypes columnTypes(TableName table) {
    ColumnTypes types = known(table).types;
    return types == null ? null : types.copy();
  }

  /** Reads the table's column types again, after a write that failed on them or created some. */
  void refreshColumnTypes(TableName table) {
    session.connect();
    try {
      TableState known = known(table);
      long additions = additions(table);
      known.types = loadColumnTypes(readColumns(table));
      known.additionsRead = additions;
    } catch (SQLException e) {
      throw session.failure("reading the columns of " + table, e);
    }
  }

  /**
   * Brings the writer's types up to this JVM's additions to the table: those the writer that added
   * the last of them published, else the table's columns read again.
   */
  private void catchUp(TableName table, TableState known) {
    long additions = additions(table);
    java.util.Optional<ColumnTypes> published = PUBLISHED.current(key(table), additions);
    if (published.isPresent()) {
      known.types = published.get();
      known.additionsRead = additions;
    } else {
      refreshColumnTypes(table);
    }
  }

  /** How often the sub-columns of one write are added before another writer's count as final. */
  private static final int ADD_COLUMN_ATTEMPTS = 5;

  /**
   * Makes sure the sub-columns of {@code data} that rows about to be written hold exist with the
   * types they were planned with, adding the missing ones in one statement. A write must never let
   * CrateDB create a column on its own: on 6.4.3, an upsert whose ordering guard keeps the stored
   * row (an older change) sets that row's whole {@code data} to NULL when the values it brings
   * create a sub-column; and two writers creating one column with different types store a number as
   * {@code false}. Added here, a column another writer created first is refused, read back, and
   * compared.
   *
   * @return {@code null} when every column is there as planned, else why not, naming the columns
   *     (the rows must be planned again with the table's types)
   */
  String ensureDataColumns(TableName table, Map<List<String>, ColumnType> needed) {
    if (needed.isEmpty()) {
      return null;
    }
    TableState known = known(table);
    for (int attempt = 1; ; attempt++) {
      Map<List<String>, ColumnType> missing = new LinkedHashMap<>();
      String conflicts = compare(known, needed, missing);
      if (conflicts != null || missing.isEmpty()) {
        return conflicts;
      }
      synchronized (ADDING.computeIfAbsent(key(table), k -> new Object())) {
        if (known.additionsRead != additions(table)) {
          // Another writer of this JVM added columns since this one read them: its types, or the
          // table's.
          catchUp(table, known);
          missing.clear();
          conflicts = compare(known, needed, missing);
          if (conflicts != null || missing.isEmpty()) {
            return conflicts;
          }
        }
        try {
          session.execute(session.sql().addDataColumns(table, missing));
          LOG.debug("added {} sub-columns of data to {}", missing.size(), table);
          known.types.addExisting(missing);
          known.additionsRead = ADDITIONS.merge(key(table), 1L, Long::sum);
          PUBLISHED.publish(key(table), known.additionsRead, known.types);
          return null;
        } catch (SQLException e) {
          session.throwIfUnavailable("adding sub-columns of data to " + table, e);
          if (attempt >= ADD_COLUMN_ATTEMPTS || !SqlErrors.isColumnThere(e)) {
            return "adding the sub-columns "
                + missing.keySet().stream().map(p -> ColumnPaths.format("data", p)).toList()
                + " failed: "
                + SqlErrors.describe(e);
          }
          // Another writer added one of them first: read what it added, and compare.
          refreshColumnTypes(table);
        }
      }
    }
  }

  /**
   * Adds to {@code missing} the needed sub-columns the table lacks, as far as {@code known} tells;
   * returns why the others cannot be written, or {@code null} when they can.
   */
  private static String compare(
      TableState known,
      Map<List<String>, ColumnType> needed,
      Map<List<String>, ColumnType> missing) {
    List<String> conflicts = new ArrayList<>();
    for (Map.Entry<List<String>, ColumnType> column : needed.entrySet()) {
      java.util.Optional<ColumnType> existing = known.types.get(column.getKey());
      if (existing.isEmpty()) {
        missing.put(column.getKey(), column.getValue());
      } else if (!existing.get().equals(column.getValue())) {
        conflicts.add(
            ColumnPaths.format("data", column.getKey())
                + " is "
                + describe(existing.get())
                + ", not "
                + describe(column.getValue()));
      }
    }
    return conflicts.isEmpty()
        ? null
        : "the table's sub-columns have other types than planned: " + String.join("; ", conflicts);
  }

  /** How often writers of this JVM have added sub-columns to the table. */
  private long additions(TableName table) {
    return ADDITIONS.getOrDefault(key(table), 0L);
  }

  /**
   * Creates a table found missing, one writer of this JVM at a time: the others (the lanes of a
   * shard, the segments of a load) wait, and read the table it created, instead of each saying that
   * it creates it.
   */
  private Map<String, String> create(TableName table, KeySchema proposed, DeleteMode deletes)
      throws SQLException {
    synchronized (CREATING.computeIfAbsent(key(table), k -> new Object())) {
      Map<String, String> columns = readColumns(table);
      if (!columns.isEmpty()) {
        return columns;
      }
      if (tableOptions.isPresent() && !(session.sql() instanceof CrateDbSql)) {
        throw new BadTargetException(TableOptions.onPostgreSql(tableOptions.get()));
      }
      LOG.info(
          "creating table {} with primary key {}{}",
          table,
          // The DynamoDB types: how each is stored is the table's (an N key is text on CrateDB).
          proposed.columns().stream()
              .map(c -> c.name() + " (" + c.type() + ")")
              .collect(joining(", ")),
          tableOptions.map(clauses -> " and " + clauses).orElse(""));
      session.createSchema(table.schema());
      CREATES.incrementAndGet();
      try {
        session.execute(
            session.sql().createTable(table, proposed) + tableOptions.map(c -> " " + c).orElse(""));
      } catch (SQLException e) {
        // Another process may have created it at the same moment (PostgreSQL reports that
        // despite IF NOT EXISTS); only a table that still does not exist is a failure.
        if (readColumns(table).isEmpty()) {
          if (tableOptions.isPresent() && !SqlErrors.isRetryable(e)) {
            // A setting CrateDB does not know, a column to partition by that the table lacks: no
            // retry creates the table.
            throw new BadTargetException(
                "creating "
                    + table
                    + " "
                    + TableOptions.named(tableOptions.get())
                    + ": "
                    + SqlErrors.describe(e));
          }
          throw e;
        }
      }
      if (deletes == DeleteMode.HARD) {
        CREATED_FOR_HARD_DELETES.add(key(table));
      }
      return readColumns(table);
    }
  }

  /**
   * Whether a writer of this JVM created the table for hard deletes: then it holds no row flagged
   * deleted to move to the tombstones.
   */
  boolean createdForHardDeletes(TableName table) {
    return CREATED_FOR_HARD_DELETES.contains(key(table));
  }

  private String key(TableName table) {
    return session.database() + " " + table;
  }

  private static String describe(ColumnType type) {
    return type.base().name().toLowerCase(Locale.ROOT) + "[]".repeat(type.arrayDepth());
  }

  /** A prepared table's entry. */
  TableState known(TableName table) {
    TableState known = tables.get(table);
    if (known == null || known.keys == null) {
      throw new IllegalStateException("table " + table + " was not prepared");
    }
    return known;
  }

  /** The table's entry, prepared or not (its dead-letter table may be ready before it). */
  TableState entry(TableName table) {
    return tables.computeIfAbsent(table, t -> new TableState());
  }

  private Map<String, String> readColumns(TableName name) throws SQLException {
    COLUMN_READS.incrementAndGet();
    Map<String, String> columns = new LinkedHashMap<>();
    try (PreparedStatement statement =
        session.connection().prepareStatement(session.sql().selectColumns())) {
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
      session.execute(session.sql().addColumn(table, column, type));
    } catch (SQLException e) {
      // Another relay may have added it at the same moment.
      if (!readColumns(table).containsKey(column)) {
        throw e;
      }
    }
    columns.put(column, type.toLowerCase(Locale.ROOT));
  }

  /**
   * The key schema of an existing table, read only, before the relay changes anything in it; empty
   * when the table does not exist.
   *
   * @throws BadTargetException when the table is not of the relay's layout
   */
  java.util.Optional<KeySchema> existingKeys(TableName table, KeySchema proposed) {
    session.connect();
    TableState known = tables.get(table);
    if (known != null && known.keys != null) {
      return java.util.Optional.of(known.keys);
    }
    try {
      Map<String, String> columns = readColumns(table);
      return columns.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(keySchemaOf(table, columns, proposed, storedKeyTypes(table)));
    } catch (SQLException e) {
      throw session.failure("reading the columns of " + table, e);
    }
  }

  /**
   * The DynamoDB types of the table's key attributes, as recorded in the state schema when it was
   * first written (on CrateDB a text key column holds S, N or B keys alike; PostgreSQL's {@code pk}
   * names no type): empty when none is recorded, or there is nowhere to record them.
   */
  private Map<String, KeySchema.KeyType> storedKeyTypes(TableName table) throws SQLException {
    if (!keyTypesRecordable()) {
      return Map.of();
    }
    try (java.sql.PreparedStatement select =
        session.connection().prepareStatement(session.state().keyTypes())) {
      select.setString(1, table.toString());
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? parseKeyTypes(rs.getString(1)) : Map.of();
      }
    }
  }

  /**
   * Records the key types of {@code keys} for the table unless a writer recorded them before; the
   * types recorded then (empty when the table has no entry to record them in). Types this writer
   * found recorded when it prepared the table are taken as they are: recorded, they never change.
   */
  Map<String, KeySchema.KeyType> recordKeyTypes(TableName table, KeySchema keys)
      throws SQLException {
    TableState known = tables.get(table);
    if (known != null && !known.keyTypes.isEmpty()) {
      return known.keyTypes;
    }
    Map<String, KeySchema.KeyType> recorded = updateKeyTypes(table, keys);
    if (known != null && known.keys != null) {
      known.keyTypes = recorded;
    }
    return recorded;
  }

  /** Records the key types unless some are recorded; those recorded then. */
  private Map<String, KeySchema.KeyType> updateKeyTypes(TableName table, KeySchema keys)
      throws SQLException {
    if (!keyTypesRecordable()) {
      return Map.of();
    }
    KEY_TYPE_RECORDS.incrementAndGet();
    Map<String, String> types = new java.util.TreeMap<>();
    keys.columns().forEach(c -> types.put(c.name(), c.type().name()));
    try (java.sql.PreparedStatement update =
        session.connection().prepareStatement(session.state().recordKeyTypes())) {
      update.setString(1, JSON.writeValueAsString(types));
      update.setString(2, table.toString());
      update.executeUpdate();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("key types not writable as JSON", e);
    }
    return storedKeyTypes(table);
  }

  /**
   * Whether the state schema has a table of entries with {@code key_types}: once it has, it keeps
   * it, so that is asked until the answer is yes — of what this process's sessions found when they
   * made sure of the state tables, else of the database.
   */
  private boolean keyTypesRecordable() throws SQLException {
    if (!keyTypesColumn) {
      TableName entries = session.state().tables();
      keyTypesColumn =
          session.keyTypesColumnKnown()
              || (session.tableExists(entries) && session.hasColumn(entries, StateSql.KEY_TYPES));
    }
    return keyTypesColumn;
  }

  /** The key types as recorded; empty for none, or for a value this relay did not write. */
  static Map<String, KeySchema.KeyType> parseKeyTypes(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, KeySchema.KeyType> types = new HashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = JSON.readTree(json).fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        types.put(field.getKey(), KeySchema.KeyType.valueOf(field.getValue().asText()));
      }
      return types;
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("the recorded key types {} are not readable; ignored: {}", json, e.getMessage());
      return Map.of();
    }
  }

  /**
   * The table's key schema: on CrateDB its {@code pk} sub-columns, their DynamoDB types as recorded
   * ({@code stored}) or else as proposed; on PostgreSQL (a JSON {@code pk} that names no key) the
   * proposed one, with the types recorded.
   *
   * @throws BadTargetException when the table has no {@code pk} and {@code data} columns, or (on
   *     CrateDB) no key column in {@code pk}: another layout, which the relay does not touch
   */
  private KeySchema keySchemaOf(
      TableName table,
      Map<String, String> columns,
      KeySchema proposed,
      Map<String, KeySchema.KeyType> stored) {
    if (!columns.containsKey(TargetSql.PK) || !columns.containsKey(TargetSql.DATA)) {
      throw new BadTargetException(
          "the target table "
              + table
              + " is not of the relay's layout (columns pk, data, aux; it has "
              + topLevel(columns)
              + "): name another table, or let the relay create one; nothing was changed in it");
    }
    if (!(session.sql() instanceof CrateDbSql)) {
      if (stored.isEmpty()) {
        return proposed;
      }
      List<KeySchema.KeyColumn> typed = new ArrayList<>();
      for (KeySchema.KeyColumn column : proposed.columns()) {
        typed.add(
            new KeySchema.KeyColumn(
                column.name(),
                stored.getOrDefault(column.name(), column.type()),
                column.numbers()));
      }
      return new KeySchema(typed);
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
      KeySchema.KeyType proposedType =
          stored.getOrDefault(
              path.get(1), proposedTypes.getOrDefault(path.get(1), KeySchema.KeyType.S));
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
      throw new BadTargetException(
          "the target table "
              + table
              + " has no key columns in \"pk\": it is not of the relay's layout; name another"
              + " table, or let the relay create one; nothing was changed in it");
    }
    keyColumns.sort(Comparator.comparing(KeySchema.KeyColumn::name));
    return new KeySchema(keyColumns);
  }

  /** The table's top-level column names, the first ten, for a message. */
  private static String topLevel(Map<String, String> columns) {
    List<String> names =
        columns.keySet().stream()
            .map(name -> ColumnPaths.parse(name).get(0))
            .distinct()
            .sorted()
            .toList();
    return String.join(", ", names.subList(0, Math.min(10, names.size())))
        + (names.size() > 10 ? ", …" : "");
  }

  private ColumnTypes loadColumnTypes(Map<String, String> columns) {
    if (!session.sql().tracksColumnTypes()) {
      return null;
    }
    Map<List<String>, ColumnType> data = new HashMap<>();
    for (Map.Entry<String, String> column : columns.entrySet()) {
      List<String> path = ColumnPaths.parse(column.getKey());
      if (path.size() >= 2 && path.get(0).equals("data")) {
        data.put(List.copyOf(path.subList(1, path.size())), ColumnType.parse(column.getValue()));
      }
    }
    // CrateDB 6.4.3 counts one column more than information_schema lists (it refuses the next
    // once 999 are listed): planned without it, the ALTER of the last one fails as a whole.
    return ColumnTypes.of(data, columns.size() + 1, ColumnTypes.DEFAULT_COLUMN_LIMIT);
  }
}
