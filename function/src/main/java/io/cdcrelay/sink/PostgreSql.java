package io.cdcrelay.sink;

import io.cdcrelay.plan.KeySchema;

/**
 * PostgreSQL's SQL for the same layout: {@code pk}, {@code data} and {@code aux} as JSONB, the key
 * object itself the primary key.
 */
public final class PostgreSql implements TargetSql {

  @Override
  public boolean tracksColumnTypes() {
    return false;
  }

  @Override
  public boolean strictNames() {
    return false;
  }

  @Override
  public int maxTextBytes() {
    return Integer.MAX_VALUE;
  }

  @Override
  public String jsonType() {
    return "jsonb";
  }

  @Override
  public String createTable(TableName table, KeySchema keys) {
    // COLLATE "C": versions compare as plain character codes whatever the database's locale.
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (\"pk\" JSONB PRIMARY KEY, \"data\" JSONB, \"aux\" JSONB, "
        + TableName.quote(VERSION)
        + " TEXT COLLATE \"C\", "
        + TableName.quote(DELETED)
        + " BOOLEAN)";
  }

  @Override
  public String addColumn(TableName table, String column, String type) {
    return "ALTER TABLE "
        + table.quoted()
        + " ADD COLUMN IF NOT EXISTS "
        + TableName.quote(column)
        + " "
        + (column.equals(VERSION) ? type + " COLLATE \"C\"" : type);
  }

  @Override
  public String versionType() {
    return "TEXT COLLATE \"C\"";
  }

  @Override
  public java.util.Optional<String> createSchema(String schema) {
    return java.util.Optional.of("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(schema));
  }

  @Override
  public java.util.Optional<String> conditionalDelete(TableName table) {
    // One statement: PostgreSQL re-checks the condition on a row a concurrent writer changed.
    return java.util.Optional.of(
        "DELETE FROM "
            + table.quoted()
            + " WHERE \"pk\" = ? AND ("
            + TableName.quote(VERSION)
            + " IS NULL OR "
            + TableName.quote(VERSION)
            + " <= ?)");
  }

  @Override
  public java.util.List<RowLookup> selectRows(
      String columns, TableName table, KeySchema keys, java.util.List<String> pkJsons) {
    // One statement for any number of keys: the keys bound as one JSON array.
    return java.util.List.of(
        new RowLookup(
            "SELECT "
                + columns
                + " FROM "
                + table.quoted()
                + " WHERE \"pk\" IN (SELECT jsonb_array_elements(?))",
            java.util.List.of("[" + String.join(",", pkJsons) + "]")));
  }

  @Override
  public String upsert(TableName table, KeySchema keys, boolean expiry) {
    return upsert(table, expiry, "VALUES (?, ?, ?, ?, ?" + (expiry ? ", ?" : "") + ")");
  }

  /**
   * An {@code INSERT … SELECT} from {@code unnest} of one array per column. A row that fails fails
   * the whole statement.
   */
  @Override
  public String upsertArrays(TableName table, KeySchema keys, boolean expiry) {
    return upsert(
            table,
            expiry,
            "SELECT * FROM unnest(?::jsonb[], ?::jsonb[], ?::jsonb[], ?::text[], ?::boolean[]"
                + (expiry ? ", ?::timestamptz[]" : "")
                + ")")
        + " RETURNING t.\"pk\", t."
        + TableName.quote(VERSION);
  }

  private String upsert(TableName table, boolean expiry, String rows) {
    return "INSERT INTO "
        + table.quoted()
        + " AS t (\"pk\", \"data\", \"aux\", "
        + TableName.quote(VERSION)
        + ", "
        + TableName.quote(DELETED)
        + (expiry ? ", " + TableName.quote(EXPIRED_AT) : "")
        + ") "
        + rows
        + " ON CONFLICT (\"pk\") DO UPDATE SET "
        + guarded("data", "t.")
        + ", "
        + guarded("aux", "t.")
        + ", "
        + guarded(DELETED, "t.")
        + (expiry ? ", " + guarded(EXPIRED_AT, "t.") : "")
        + ", "
        + guarded(VERSION, "t.");
  }

  @Override
  public String createDeadLetterTable(TableName table) {
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (\"shard_id\" TEXT, \"sequence_number\" TEXT, \"stage\" TEXT, \"reason\" TEXT,"
        + " \"payload\" TEXT, \"payload_base64\" TEXT, \"failed_at\" TIMESTAMP WITH TIME ZONE,"
        + " PRIMARY KEY (\"shard_id\", \"sequence_number\"))";
  }
}
