package io.cdcrelay.local;

import io.cdcrelay.sink.TableName;

/**
 * The SQL of the checkpoint table {@code "<schema>"."cdc_relay_checkpoints"}, one row per target
 * table, stream and shard. The same text serves CrateDB and PostgreSQL: both have {@code CREATE
 * TABLE IF NOT EXISTS}, {@code TIMESTAMP WITH TIME ZONE} and {@code INSERT … ON CONFLICT … DO
 * UPDATE}; reads address a row by its whole primary key, which CrateDB answers in real time,
 * without a {@code REFRESH}.
 */
public final class CheckpointSql {

  /** The name of the checkpoint table, in the schema of the target table. */
  public static final String TABLE = "cdc_relay_checkpoints";

  private final TableName table;

  /** The checkpoint table next to {@code target}. */
  public CheckpointSql(TableName target) {
    this.table = new TableName(target.schema(), TABLE);
  }

  public TableName table() {
    return table;
  }

  public String createTable() {
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (\"target_table\" TEXT NOT NULL, \"stream\" TEXT NOT NULL,"
        + " \"shard_id\" TEXT NOT NULL, \"sequence_number\" TEXT,"
        + " \"updated_at\" TIMESTAMP WITH TIME ZONE,"
        + " PRIMARY KEY (\"target_table\", \"stream\", \"shard_id\"))";
  }

  /** Binds target table, stream, shard, sequence number, updated at. */
  public String upsert() {
    return "INSERT INTO "
        + table.quoted()
        + " (\"target_table\", \"stream\", \"shard_id\", \"sequence_number\", \"updated_at\")"
        + " VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (\"target_table\", \"stream\", \"shard_id\") DO UPDATE SET"
        + " \"sequence_number\" = excluded.\"sequence_number\","
        + " \"updated_at\" = excluded.\"updated_at\"";
  }

  /** Binds target table, stream, shard. */
  public String select() {
    return "SELECT \"sequence_number\" FROM "
        + table.quoted()
        + " WHERE \"target_table\" = ? AND \"stream\" = ? AND \"shard_id\" = ?";
  }
}
