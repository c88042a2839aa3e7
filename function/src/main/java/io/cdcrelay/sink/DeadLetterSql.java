package io.cdcrelay.sink;

import java.util.StringJoiner;

/**
 * The SQL of the dead-letter tables ({@code "<table>_dead_letters"} and the state schema's {@code
 * cdc_relay_dead_letters}), the same text on CrateDB and PostgreSQL. A row is addressed by its
 * whole primary key ({@code shard_id}, {@code sequence_number}), which CrateDB answers in real
 * time; the other statements are queries, which on CrateDB see what the last {@code REFRESH} made
 * visible.
 */
final class DeadLetterSql {

  private DeadLetterSql() {}

  /**
   * Binds {@code schemas} schema names; yields schema and name of each table there with a {@code
   * payload_base64} column (dead-letter tables, and perhaps others: the caller checks the name).
   */
  static String selectTables(int schemas) {
    StringJoiner placeholders = new StringJoiner(", ", "(", ")");
    for (int i = 0; i < schemas; i++) {
      placeholders.add("?");
    }
    return "SELECT table_schema, table_name FROM information_schema.columns"
        + " WHERE column_name = 'payload_base64' AND table_schema IN "
        + placeholders;
  }

  /**
   * Yields shard, sequence number, stage, reason, failed at; binds each of {@code stages} stages,
   * then the time {@code since} if set.
   */
  static String select(TableName table, int stages, boolean since) {
    return "SELECT \"shard_id\", \"sequence_number\", \"stage\", \"reason\", \"failed_at\" FROM "
        + table.quoted()
        + where(stages, since);
  }

  /** Deletes what {@link #select} yields, with the same bindings. */
  static String delete(TableName table, int stages, boolean since) {
    return "DELETE FROM " + table.quoted() + where(stages, since);
  }

  /** Yields each stage and how many dead letters failed at it, by stage. */
  static String countByStage(TableName table) {
    return "SELECT \"stage\", count(*) FROM "
        + table.quoted()
        + " GROUP BY \"stage\" ORDER BY \"stage\"";
  }

  /** Binds shard and sequence number; yields payload (base64), stage, reason, failed at. */
  static String selectOne(TableName table) {
    return "SELECT \"payload_base64\", \"stage\", \"reason\", \"failed_at\" FROM "
        + table.quoted()
        + " WHERE \"shard_id\" = ? AND \"sequence_number\" = ?";
  }

  /** Binds shard and sequence number; a delete by primary key. */
  static String deleteOne(TableName table) {
    return "DELETE FROM " + table.quoted() + " WHERE \"shard_id\" = ? AND \"sequence_number\" = ?";
  }

  /** Binds a time; removes the dead letters that failed before it. */
  static String expire(TableName table) {
    return "DELETE FROM " + table.quoted() + " WHERE \"failed_at\" < ?";
  }

  private static String where(int stages, boolean since) {
    StringJoiner conditions = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
    if (stages > 0) {
      StringJoiner placeholders = new StringJoiner(", ", "(", ")");
      for (int i = 0; i < stages; i++) {
        placeholders.add("?");
      }
      conditions.add("\"stage\" IN " + placeholders);
    }
    if (since) {
      conditions.add("\"failed_at\" >= ?");
    }
    return conditions.toString();
  }
}
