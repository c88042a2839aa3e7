package io.cdcrelay.sink;

import io.cdcrelay.plan.KeySchema;

/**
 * The SQL text of one target database. Statements bind their values in this order — upsert: {@code
 * pk, data, aux, cdc_version, cdc_deleted}; dead letter: {@code shard_id, sequence_number, stage,
 * reason, payload, payload_base64, failed_at}.
 */
public sealed interface TargetSql permits CrateDbSql, PostgreSql {

  /** The key column of the relay's layout (and the reference tool's). */
  String PK = "pk";

  /** The item column of the relay's layout (and the reference tool's). */
  String DATA = "data";

  /** The column holding the version of the change a row carries. */
  String VERSION = "cdc_version";

  /**
   * The most characters of key literals one lookup statement holds: CrateDB refuses a statement
   * longer than its {@code statement_max_length} (262,144 characters by default), and the keys of a
   * thousand rows can be megabytes (DynamoDB allows keys of up to 3 KB).
   */
  int LOOKUP_STATEMENT_CHARS = 200_000;

  /** The most keys one lookup statement holds (tombstones, row versions). */
  int LOOKUP_KEYS = 1000;

  /** The column marking a row whose item was removed (a tombstone, {@code soft} mode). */
  String DELETED = "cdc_deleted";

  /** The column marking a row whose item expired by time to live ({@code mark} policy). */
  String EXPIRED_AT = "cdc_expired_at";

  /** Whether {@code data} has sub-columns with types fixed on first write (type drift). */
  boolean tracksColumnTypes();

  /** Whether object keys with dots or brackets are rejected. */
  boolean strictNames();

  /** The longest text, in UTF-8 bytes, that a {@code data} sub-column can hold. */
  int maxTextBytes();

  /** The JDBC type name to bind a JSON document as. */
  String jsonType();

  String createTable(TableName table, KeySchema keys);

  String addColumn(TableName table, String column, String type);

  /**
   * One statement that adds these sub-columns of {@code data} (by path below it) with these types,
   * all or none, parents before their children; only where {@link #tracksColumnTypes()}.
   */
  default String addDataColumns(
      TableName table, java.util.Map<java.util.List<String>, io.cdcrelay.plan.ColumnType> columns) {
    throw new UnsupportedOperationException();
  }

  /**
   * The guarded bulk upsert; with {@code expiry} it also binds {@code cdc_expired_at} (a timestamp,
   * or null) sixth.
   */
  String upsert(TableName table, KeySchema keys, boolean expiry);

  /**
   * The same upsert of many rows in one statement, each column bound as one array: {@code pk},
   * {@code data} and {@code aux} as arrays of {@link #jsonType()} (null elements allowed), {@code
   * cdc_version} of text, {@code cdc_deleted} of booleans, and with {@code expiry} {@code
   * cdc_expired_at} as ISO-8601 text. It returns {@code pk} and {@code cdc_version} of each row it
   * wrote, the version as stored after the write: newer than the row's own where the ordering guard
   * kept the stored row. It does not tell an inserted row from one found in place: no row is taken
   * for never deleted because it was there (a writer stopped between its write and its tombstone
   * check may have left it). The rows' keys must be distinct.
   */
  String upsertArrays(TableName table, KeySchema keys, boolean expiry);

  /**
   * A query of the rows of some keys, and the values it binds in order (JSON documents, bound as
   * {@link #jsonType()}).
   */
  record RowLookup(String sql, java.util.List<String> jsonValues) {}

  /**
   * The queries that yield {@code columns} (a select list) of the rows of these keys ({@code pk}
   * objects as JSON, as stored), as key lookups that see rows written a moment ago; as many as the
   * database needs.
   */
  java.util.List<RowLookup> selectRows(
      String columns, TableName table, KeySchema keys, java.util.List<String> pkJsons);

  /** The queries of {@link #selectRows} that yield {@code pk} (as JSON) and the version. */
  default java.util.List<RowLookup> selectRowVersions(
      TableName table, KeySchema keys, java.util.List<String> pkJsons) {
    return selectRows("\"pk\", " + TableName.quote(VERSION), table, keys, pkJsons);
  }

  /** The SQL type of a column holding versions, compared as plain character codes. */
  String versionType();

  /**
   * A delete of the row of one key that only removes it when its version is not newer than the
   * bound one — binds the {@code pk} object and the version — when the database runs it atomically;
   * empty where the row must be read first ({@link #selectRowVersion}) and deleted by its exact
   * revision ({@link #deleteRowRevision}).
   */
  default java.util.Optional<String> conditionalDelete(TableName table) {
    return java.util.Optional.empty();
  }

  /** Binds each key value; yields revision (two columns) and version of the key's row. */
  default String selectRowVersion(TableName table, KeySchema keys) {
    throw new UnsupportedOperationException();
  }

  /**
   * Like {@link #selectRowVersions}, the queries that yield {@code pk} (as JSON), the revision (two
   * columns) and the version of the rows of these keys: what {@link #deleteRowRevision} of many
   * rows at once needs.
   */
  default java.util.List<RowLookup> selectRowRevisions(
      TableName table, KeySchema keys, java.util.List<String> pkJsons) {
    throw new UnsupportedOperationException();
  }

  /** Binds each key value, then the revision read by {@link #selectRowVersion}. */
  default String deleteRowRevision(TableName table, KeySchema keys) {
    throw new UnsupportedOperationException();
  }

  /** The view {@code "<table>_live"}: the rows of items that are not deleted ({@code soft}). */
  default String createLiveView(TableName table) {
    return "CREATE OR REPLACE VIEW "
        + table.sibling("_live").quoted()
        + " AS SELECT * FROM "
        + table.quoted()
        + " WHERE "
        + TableName.quote(DELETED)
        + " IS NOT TRUE";
  }

  /** The rows flagged deleted (today's tombstone rows), to migrate them to {@code hard} mode. */
  default String selectTombstoneRows(TableName table) {
    return "SELECT \"pk\", "
        + TableName.quote(VERSION)
        + " FROM "
        + table.quoted()
        + " WHERE "
        + TableName.quote(DELETED)
        + " = TRUE";
  }

  /** Creates a schema where tables need one created first; empty where they do not (CrateDB). */
  default java.util.Optional<String> createSchema(String schema) {
    return java.util.Optional.empty();
  }

  /** Makes all writes visible to queries that are not key lookups; empty where not needed. */
  default java.util.Optional<String> refresh(TableName table) {
    return java.util.Optional.empty();
  }

  String createDeadLetterTable(TableName table);

  /** Stores a dead letter; storing it again (a retried batch) updates it. */
  default String insertDeadLetter(TableName table) {
    return "INSERT INTO "
        + table.quoted()
        + " (\"shard_id\", \"sequence_number\", \"stage\", \"reason\", \"payload\","
        + " \"payload_base64\", \"failed_at\") VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (\"shard_id\", \"sequence_number\") DO UPDATE SET"
        + " \"stage\" = excluded.\"stage\", \"reason\" = excluded.\"reason\","
        + " \"payload\" = excluded.\"payload\","
        + " \"payload_base64\" = excluded.\"payload_base64\","
        + " \"failed_at\" = excluded.\"failed_at\"";
  }

  /** Columns of a table: binds schema and table, yields {@code column_name, data_type}. */
  default String selectColumns() {
    return "SELECT column_name, data_type FROM information_schema.columns"
        + " WHERE table_schema = ? AND table_name = ?";
  }

  /** A column guarded so that only a newer change overwrites it. */
  default String guarded(String column, String target) {
    String version = TableName.quote(VERSION);
    return TableName.quote(column)
        + " = CASE WHEN "
        + target
        + version
        + " IS NULL OR excluded."
        + version
        + " >= "
        + target
        + version
        + " THEN excluded."
        + TableName.quote(column)
        + " ELSE "
        + target
        + TableName.quote(column)
        + " END";
  }
}
