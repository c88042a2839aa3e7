package io.cdcrelay.sink;

import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import java.util.StringJoiner;

/**
 * CrateDB's SQL for the reference tool's table layout: {@code pk OBJECT(STRICT)} holding the key
 * attributes as primary key, {@code data OBJECT(DYNAMIC)}, {@code aux OBJECT(IGNORED)}, plus the
 * version and tombstone columns that make writes ordering-safe.
 */
public final class CrateDbSql implements TargetSql {

  /**
   * Phrases of CrateDB errors (SQLSTATE XX000) that mean the cluster is in trouble for now: the
   * batch is retried.
   */
  static final java.util.List<String> TRANSIENT_PHRASES =
      java.util.List.of(
          "nodedisconnectedexception",
          "nodenotconnectedexception",
          "nodeclosedexception",
          "noshardavailableactionexception",
          "unavailableshardsexception",
          "shardnotfoundexception",
          "clusterblockexception",
          "circuitbreakingexception",
          "connecttransportexception",
          "primary shard is not active",
          "no master",
          "timed out");

  /** The phrase of a cluster at its shard limit, one of {@link #CONFIGURATION_PHRASES}. */
  static final String SHARD_LIMIT = "maximum shards open";

  /**
   * Phrases of CrateDB errors (SQLSTATE XX000) that mean the configuration cannot work: a table or
   * schema name CrateDB refuses ({@code Relation name 'a b.t' is invalid. Must not contain …}), and
   * a cluster at its shard limit ({@code this action would add [4] total shards, but this cluster
   * currently has [1000]/[1000] maximum shards open}).
   */
  static final java.util.List<String> CONFIGURATION_PHRASES =
      java.util.List.of("is invalid. must not contain", SHARD_LIMIT);

  /**
   * CrateDB writes a sub-column's name as {@code pk['a']} without doubling a quote inside it, so
   * the name alone is ambiguous; {@code column_details} gives the root and the path as separate
   * values, read as one JSON object (its path as an array comes over the wire without escaping a
   * quote inside an element, which is ambiguous again).
   */
  @Override
  public String selectColumns() {
    return "SELECT column_name, data_type, column_details"
        + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ?";
  }

  @Override
  public boolean tracksColumnTypes() {
    return true;
  }

  @Override
  public boolean strictNames() {
    return true;
  }

  @Override
  public int maxTextBytes() {
    return ItemMapper.CRATEDB_MAX_TEXT_BYTES;
  }

  @Override
  public String jsonType() {
    return "json";
  }

  @Override
  public String createTable(TableName table, KeySchema keys) {
    StringJoiner pk = new StringJoiner(", ");
    for (KeySchema.KeyColumn key : keys.columns()) {
      if (key.name()
          .chars()
          .anyMatch(c -> c == '.' || c == '[' || c == '\t' || c == '\n' || c == '\r')) {
        // CrateDB 6.4.3 refuses these ("contains a dot", "conflicts with subscript pattern",
        // "illegal whitespace character"; a ']' alone it takes) as no retry can fix: say so.
        throw new BadTargetException(
            "the DynamoDB key attribute \""
                + key.name()
                + "\" of "
                + table
                + " cannot be a CrateDB column name (no '.', '[', tab or line break): relay"
                + " this table into PostgreSQL, or key it by another attribute");
      }
      pk.add(TableName.quote(key.name()) + " " + keyType(key) + " PRIMARY KEY");
    }
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (\"pk\" OBJECT(STRICT) AS ("
        + pk
        + "), \"data\" OBJECT(DYNAMIC), \"aux\" OBJECT(IGNORED), "
        + TableName.quote(VERSION)
        + " TEXT, "
        + TableName.quote(DELETED)
        + " BOOLEAN)";
  }

  @Override
  public String addColumn(TableName table, String column, String type) {
    return "ALTER TABLE " + table.quoted() + " ADD COLUMN " + TableName.quote(column) + " " + type;
  }

  /**
   * {@code ALTER TABLE … ADD COLUMN "data"['a'] TEXT, ADD COLUMN "data"['a']['b'] …}: CrateDB adds
   * them all or none, and refuses a column that exists ("already has a column named"), even of the
   * same type. An undefined column can only be added by its own path, not inside {@code OBJECT AS
   * (…)}, hence one clause per column (measured on 6.4.3).
   */
  @Override
  public String addDataColumns(
      TableName table, java.util.Map<java.util.List<String>, io.cdcrelay.plan.ColumnType> columns) {
    java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>(columns.keySet());
    paths.sort(java.util.Comparator.comparingInt(java.util.List::size));
    StringJoiner clauses = new StringJoiner(", ");
    for (java.util.List<String> path : paths) {
      clauses.add(
          "ADD COLUMN \"data\"" + ColumnPaths.format("", path) + " " + sqlType(columns.get(path)));
    }
    return "ALTER TABLE " + table.quoted() + " " + clauses;
  }

  /** The CrateDB type of a planned column: arrays around the base type. */
  static String sqlType(io.cdcrelay.plan.ColumnType type) {
    String sql =
        switch (type.base()) {
          case TEXT -> "TEXT";
          case DOUBLE -> "DOUBLE PRECISION";
          case REAL -> "REAL";
          case INTEGRAL -> "BIGINT";
          case BOOLEAN -> "BOOLEAN";
          case OBJECT -> "OBJECT(DYNAMIC)";
          case UNDEFINED -> "UNDEFINED";
          case OTHER -> throw new IllegalArgumentException("no column type for " + type);
        };
    for (int i = 0; i < type.arrayDepth(); i++) {
      sql = "ARRAY(" + sql + ")";
    }
    return sql;
  }

  @Override
  public String versionType() {
    return "TEXT";
  }

  @Override
  public java.util.Optional<String> refresh(TableName table) {
    return java.util.Optional.of("REFRESH TABLE " + table.quoted());
  }

  @Override
  public String selectRowVersion(TableName table, KeySchema keys) {
    // A lookup by the whole primary key: real time, and it reads the row's exact revision.
    return "SELECT \"_seq_no\", \"_primary_term\", "
        + TableName.quote(VERSION)
        + " FROM "
        + table.quoted()
        + " WHERE "
        + keyEquals(keys);
  }

  @Override
  public String deleteRowRevision(TableName table, KeySchema keys) {
    // Optimistic concurrency control: deletes the row only if nothing wrote it since it was read.
    // https://cratedb.com/docs/crate/reference/en/latest/general/occ.html
    return "DELETE FROM "
        + table.quoted()
        + " WHERE "
        + keyEquals(keys)
        + " AND \"_seq_no\" = ? AND \"_primary_term\" = ?";
  }

  private static String keyEquals(KeySchema keys) {
    StringJoiner where = new StringJoiner(" AND ");
    for (KeySchema.KeyColumn key : keys.columns()) {
      where.add(keyColumn(key) + " = ?");
    }
    return where.toString();
  }

  private static String keyColumn(KeySchema.KeyColumn key) {
    return "\"pk\"['" + key.name().replace("'", "''") + "']";
  }

  /**
   * Key lookups by literal values: on CrateDB a filter on every primary-key column is answered from
   * the rows as written, without a refresh, only when its values are literals (measured on 6.4.3:
   * {@code IN (?, ?)} and {@code = ANY(?)} with bound values are queries that miss rows written
   * since the last refresh). One key column: {@code IN (…)}, up to {@link #LOOKUP_KEYS} keys a
   * query. Several: {@code (a = … AND b = …) OR …}, where CrateDB tries every combination of the
   * columns' values and gives up on the lookup beyond 10,000 (EqualityExtractor's MAX_ITERATIONS),
   * so a query holds keys only while that product stays below {@link #LOOKUP_COMBINATIONS}. A query
   * holds at most {@link #LOOKUP_STATEMENT_CHARS} characters of keys (long keys).
   *
   * @see <a href="https://cratedb.com/docs/crate/reference/en/latest/sql/statements/refresh.html">
   *     REFRESH: primary-key lookups see rows without it</a>
   */
  @Override
  public java.util.List<RowLookup> selectRows(
      String yields, TableName table, KeySchema keys, java.util.List<String> pkJsons) {
    java.util.List<RowLookup> lookups = new java.util.ArrayList<>();
    String select = "SELECT " + yields + " FROM " + table.quoted() + " WHERE ";
    int columns = keys.columns().size();
    java.util.List<java.util.Set<String>> distinct = new java.util.ArrayList<>();
    StringJoiner where = null;
    int inQuery = 0;
    for (String pkJson : pkJsons) {
      java.util.List<String> literals = keyLiterals(keys, pkJson);
      String clause;
      if (columns == 1) {
        clause = literals.get(0);
      } else {
        StringJoiner key = new StringJoiner(" AND ", "(", ")");
        for (int i = 0; i < columns; i++) {
          key.add(keyColumn(keys.columns().get(i)) + " = " + literals.get(i));
        }
        clause = key.toString();
      }
      if (where != null
          && (!fits(distinct, literals, inQuery)
              || where.length() + 4 + clause.length() > LOOKUP_STATEMENT_CHARS)) {
        lookups.add(new RowLookup(select + lookupFilter(keys, where), java.util.List.of()));
        where = null;
      }
      if (where == null) {
        where = new StringJoiner(columns == 1 ? ", " : " OR ");
        distinct.clear();
        for (int i = 0; i < columns; i++) {
          distinct.add(new java.util.HashSet<>());
        }
        inQuery = 0;
      }
      for (int i = 0; i < columns; i++) {
        distinct.get(i).add(literals.get(i));
      }
      inQuery++;
      where.add(clause);
    }
    if (where != null) {
      lookups.add(new RowLookup(select + lookupFilter(keys, where), java.util.List.of()));
    }
    return lookups;
  }

  /** The same key lookups as {@link #selectRowVersions}, yielding the revision too. */
  @Override
  public java.util.List<RowLookup> selectRowRevisions(
      TableName table, KeySchema keys, java.util.List<String> pkJsons) {
    return selectRows(
        "\"pk\", \"_seq_no\", \"_primary_term\", " + TableName.quote(VERSION),
        table,
        keys,
        pkJsons);
  }

  /** The most combinations of key-column values one lookup of several key columns makes. */
  static final int LOOKUP_COMBINATIONS = 5000;

  private static boolean fits(
      java.util.List<java.util.Set<String>> distinct, java.util.List<String> literals, int keys) {
    if (keys >= LOOKUP_KEYS) {
      return false;
    }
    long combinations = 1;
    for (int i = 0; i < distinct.size(); i++) {
      combinations *= distinct.get(i).size() + (distinct.get(i).contains(literals.get(i)) ? 0 : 1);
    }
    return distinct.size() == 1 || combinations < LOOKUP_COMBINATIONS;
  }

  private static String lookupFilter(KeySchema keys, StringJoiner where) {
    return keys.columns().size() == 1
        ? keyColumn(keys.columns().get(0)) + " IN (" + where + ")"
        : where.toString();
  }

  /** The key's values as SQL literals, in key-column order: text quoted, numbers as digits. */
  private static java.util.List<String> keyLiterals(KeySchema keys, String pkJson) {
    com.fasterxml.jackson.databind.JsonNode pk;
    try {
      pk = PK_READER.readTree(pkJson);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a pk object: " + pkJson, e);
    }
    java.util.List<String> literals = new java.util.ArrayList<>(keys.columns().size());
    for (KeySchema.KeyColumn column : keys.columns()) {
      com.fasterxml.jackson.databind.JsonNode value = pk.get(column.name());
      if (value == null || !(value.isTextual() || value.isNumber())) {
        throw new IllegalArgumentException(
            "pk object " + pkJson + " has no key attribute \"" + column.name() + "\"");
      }
      literals.add(
          value.isNumber()
              ? value.decimalValue().toPlainString()
              : "'" + value.textValue().replace("'", "''") + "'");
    }
    return literals;
  }

  private static final com.fasterxml.jackson.databind.ObjectReader PK_READER =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .reader()
          .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Override
  public String upsert(TableName table, KeySchema keys, boolean expiry) {
    return upsert(table, keys, expiry, "VALUES (?, ?, ?, ?, ?" + (expiry ? ", ?" : "") + ")");
  }

  /**
   * An {@code INSERT … SELECT} from {@code UNNEST} of one array per column: CrateDB plans it once
   * for the whole batch, where a JDBC batch of the same upsert costs a bulk operation per row
   * (measured on 6.4.3: 2–3× the rows/s on 5,000 new rows). A row that fails is skipped without an
   * error: only its absence from what the statement returns tells.
   */
  @Override
  public String upsertArrays(TableName table, KeySchema keys, boolean expiry) {
    return upsert(
            table,
            keys,
            expiry,
            "(SELECT * FROM UNNEST(?, ?, ?, ?, ?"
                + (expiry ? ", CAST(? AS ARRAY(TIMESTAMP WITH TIME ZONE))" : "")
                + "))")
        + " RETURNING \"pk\", "
        + TableName.quote(VERSION);
  }

  private String upsert(TableName table, KeySchema keys, boolean expiry, String rows) {
    StringJoiner conflict = new StringJoiner(", ");
    for (KeySchema.KeyColumn key : keys.columns()) {
      conflict.add(keyColumn(key));
    }
    // CrateDB evaluates each CASE against the stored row; the version is assigned last anyway.
    // A stale change rewrites the stored values, so every row counts 1 and a 0 means failure.
    return "INSERT INTO "
        + table.quoted()
        + " (\"pk\", \"data\", \"aux\", "
        + TableName.quote(VERSION)
        + ", "
        + TableName.quote(DELETED)
        + (expiry ? ", " + TableName.quote(EXPIRED_AT) : "")
        + ") "
        + rows
        + " ON CONFLICT ("
        + conflict
        + ") DO UPDATE SET "
        + guarded("data", "")
        + ", "
        + guarded("aux", "")
        + ", "
        + guarded(DELETED, "")
        + (expiry ? ", " + guarded(EXPIRED_AT, "") : "")
        + ", "
        + guarded(VERSION, "");
  }

  @Override
  public String createDeadLetterTable(TableName table) {
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (\"shard_id\" TEXT, \"sequence_number\" TEXT, \"stage\" TEXT,"
        + " \"reason\" TEXT INDEX OFF STORAGE WITH (columnstore = false),"
        + " \"payload\" TEXT INDEX OFF STORAGE WITH (columnstore = false),"
        + " \"payload_base64\" TEXT INDEX OFF STORAGE WITH (columnstore = false),"
        + " \"failed_at\" TIMESTAMP WITH TIME ZONE,"
        + " PRIMARY KEY (\"shard_id\", \"sequence_number\"))";
  }

  /** TEXT but for the reference tool's BIGINT number keys (see {@link KeySchema.NumberKey}). */
  private static String keyType(KeySchema.KeyColumn key) {
    return key.type() == KeySchema.KeyType.N && key.numbers() == KeySchema.NumberKey.BIGINT
        ? "BIGINT"
        : "TEXT";
  }
}
