package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import org.junit.jupiter.api.Test;

class CheckpointSqlTest {

  private final CheckpointSql sql = new CheckpointSql(new TableName("doc", "demo"));

  @Test
  void theTableLivesInTheSchemaOfTheTargetTable() {
    assertThat(sql.table()).isEqualTo(new TableName("doc", "cdc_relay_checkpoints"));
    assertThat(new CheckpointSql(new TableName("my \"schema\"", "t")).createTable())
        .startsWith("CREATE TABLE IF NOT EXISTS \"my \"\"schema\"\"\".\"cdc_relay_checkpoints\"");
  }

  @Test
  void theTableIsKeyedByTargetTableStreamAndShard() {
    assertThat(sql.createTable())
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS \"doc\".\"cdc_relay_checkpoints\" (\"target_table\" TEXT"
                + " NOT NULL, \"stream\" TEXT NOT NULL, \"shard_id\" TEXT NOT NULL,"
                + " \"sequence_number\" TEXT, \"updated_at\" TIMESTAMP WITH TIME ZONE,"
                + " PRIMARY KEY (\"target_table\", \"stream\", \"shard_id\"))");
  }

  @Test
  void aCheckpointIsUpsertedOnItsPrimaryKey() {
    assertThat(sql.upsert())
        .isEqualTo(
            "INSERT INTO \"doc\".\"cdc_relay_checkpoints\" (\"target_table\", \"stream\","
                + " \"shard_id\", \"sequence_number\", \"updated_at\") VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (\"target_table\", \"stream\", \"shard_id\") DO UPDATE SET"
                + " \"sequence_number\" = excluded.\"sequence_number\","
                + " \"updated_at\" = excluded.\"updated_at\"");
  }

  @Test
  void aCheckpointIsReadByItsWholePrimaryKeySoCrateDbNeedsNoRefresh() {
    assertThat(sql.select())
        .isEqualTo(
            "SELECT \"sequence_number\" FROM \"doc\".\"cdc_relay_checkpoints\""
                + " WHERE \"target_table\" = ? AND \"stream\" = ? AND \"shard_id\" = ?");
  }
}
