package io.cdcrelay.sink;

import io.cdcrelay.plan.KeySchema;

/**
 * The SQL text of one target database. Statements bind their values in this order — upsert: {@code
 * pk, data, aux, cdc_version, cdc_deleted}; dead letter: {@code shard_id, sequence_number, stage,
 * reason, payload, payload_base64, failed_at}.
 */
public sealed interface TargetSql permits CrateDbSql, PostgreSql {

  /** The column holding the version of the change a row carries. */
  String VERSION = "cdc_version";

  /** The column marking a row whose item was removed (a tombstone). */
  String DELETED = "cdc_deleted";

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

  String upsert(TableName table, KeySchema keys);

  String createDeadLetterTable(TableName table);

  /** Stores a dead letter; storing it again (a retried batch) updates it. */
  default String insertDeadLetter(TableName table) {
    return "INSERT INTO "
        + table.quoted()
        + " (\"shard_id\", \"sequence_number\", \"stage\", \"reason\", \"payload\","
        + " \"payload_base64\", \"failed_at\") VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (\"shard_id\", \"sequence_number\") DO UPDATE SET"
        + " \"stage\" = excluded.\"stage\", \"reason\" = excluded.\"reason\","
        + " \"failed_at\" = excluded.\"failed_at\"";
  }

  /** Columns of a table: binds schema and table, yields {@code column_name, data_type}. */
  default String selectColumns() {
    return "SELECT column_name, data_type FROM information_schema.columns"
        + " WHERE table_schema = ? AND table_name = ?";
  }

  /** The version and deletion columns, guarded so that only a newer change wins. */
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
