package io.cdcrelay.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;

/**
 * The SQL of the relay's own tables in the state schema (the same text on CrateDB and PostgreSQL,
 * but for the collation of version columns and the compare-and-set of a checkpoint row). Rows are
 * addressed by their whole primary key, which CrateDB answers in real time, without a {@code
 * REFRESH}.
 *
 * <ul>
 *   <li>{@code cdc_relay_tables}: per target table, the DynamoDB table bound to it, the delete
 *       mode, the purge horizon (changes older than {@code purged_before} are refused), and the
 *       DynamoDB types of its key attributes ({@code key_types}, JSON: a text key column holds an
 *       S, N or B key alike, and the table must go on taking the type it was created for);
 *   <li>{@code cdc_relay_tombstones}: key and version of items deleted in {@code hard} mode, and
 *       per target table a marker row written before its first tombstone ({@link
 *       #tombstonesMarker});
 *   <li>{@code cdc_relay_dead_letters}: records with no target table at all;
 *   <li>{@code cdc_relay_shards}: the local relay's checkpoints, per source stream and shard;
 *   <li>{@code cdc_relay_status}: per source stream, shard and target table, the last record
 *       applied, the newest change's creation time, when it was applied, the lag, and counts.
 * </ul>
 */
public final class StateSql {

  public static final String TABLES = "cdc_relay_tables";
  public static final String TOMBSTONES = "cdc_relay_tombstones";
  public static final String DEAD_LETTERS = "cdc_relay_dead_letters";
  public static final String SHARDS = "cdc_relay_shards";
  public static final String STATUS = "cdc_relay_status";

  /** The status table's counters, in column order. */
  public static final List<String> STATUS_COUNTS =
      List.of("received", "upserted", "deleted", "expired", "dead_lettered", "rerouted", "stale");

  private final String schema;
  private final String versionType;
  private final String alias;

  /**
   * @param schema the state schema
   * @param versionType the SQL type of a version column ({@code TEXT}, or {@code TEXT COLLATE "C"}
   *     on PostgreSQL so that versions compare as character codes)
   * @param aliasTarget whether an upsert names the stored row by an alias (PostgreSQL) rather than
   *     by its bare columns (CrateDB, which has no {@code INSERT INTO … AS})
   */
  public StateSql(String schema, String versionType, boolean aliasTarget) {
    this.schema = schema;
    this.versionType = versionType;
    this.alias = aliasTarget ? "t." : "";
  }

  public String schema() {
    return schema;
  }

  public TableName tables() {
    return new TableName(schema, TABLES);
  }

  public TableName tombstones() {
    return new TableName(schema, TOMBSTONES);
  }

  public TableName deadLetters() {
    return new TableName(schema, DEAD_LETTERS);
  }

  public TableName shards() {
    return new TableName(schema, SHARDS);
  }

  public TableName status() {
    return new TableName(schema, STATUS);
  }

  public String createStatus() {
    StringJoiner counts = new StringJoiner(" BIGINT, ", "", " BIGINT");
    STATUS_COUNTS.forEach(c -> counts.add("\"" + c + "\""));
    return "CREATE TABLE IF NOT EXISTS "
        + status().quoted()
        + " (\"source\" TEXT NOT NULL, \"shard_id\" TEXT NOT NULL, \"target_table\" TEXT NOT NULL,"
        + " \"last_sequence_number\" TEXT, \"newest_change_at\" TIMESTAMP WITH TIME ZONE,"
        + " \"applied_at\" TIMESTAMP WITH TIME ZONE, \"lag_ms\" BIGINT, "
        + counts
        + ", PRIMARY KEY (\"source\", \"shard_id\", \"target_table\"))";
  }

  /**
   * Binds source, shard, target table, last sequence number, newest change at, applied at, lag,
   * then the counts in {@link #STATUS_COUNTS} order; the position and the newest change only move
   * forward (batches of a shard may be applied in any order), the other times are replaced, counts
   * add up.
   */
  public String upsertStatus() {
    StringJoiner columns = new StringJoiner(", ");
    StringJoiner values = new StringJoiner(", ");
    for (String column :
        List.of(
            "source",
            "shard_id",
            "target_table",
            "last_sequence_number",
            "newest_change_at",
            "applied_at",
            "lag_ms")) {
      columns.add("\"" + column + "\"");
      values.add("?");
    }
    StringJoiner updates = new StringJoiner(", ");
    String last = alias + "\"last_sequence_number\"";
    String newLast = "excluded.\"last_sequence_number\"";
    // Sequence numbers are digits without leading zeros: longer is greater, then text order.
    updates.add(
        "\"last_sequence_number\" = CASE WHEN "
            + last
            + " IS NULL OR char_length("
            + newLast
            + ") > char_length("
            + last
            + ") OR (char_length("
            + newLast
            + ") = char_length("
            + last
            + ") AND "
            + newLast
            + " > "
            + last
            + ") THEN "
            + newLast
            + " ELSE "
            + last
            + " END");
    String newest = alias + "\"newest_change_at\"";
    updates.add(
        "\"newest_change_at\" = CASE WHEN "
            + newest
            + " IS NULL OR excluded.\"newest_change_at\" > "
            + newest
            + " THEN excluded.\"newest_change_at\" ELSE "
            + newest
            + " END");
    for (String column : List.of("applied_at", "lag_ms")) {
      updates.add("\"" + column + "\" = excluded.\"" + column + "\"");
    }
    for (String count : STATUS_COUNTS) {
      columns.add("\"" + count + "\"");
      values.add("?");
      updates.add(
          "\"" + count + "\" = " + alias + "\"" + count + "\" + excluded.\"" + count + "\"");
    }
    return "INSERT INTO "
        + status().quoted()
        + (alias.isEmpty() ? "" : " AS t")
        + " ("
        + columns
        + ") VALUES ("
        + values
        + ") ON CONFLICT (\"source\", \"shard_id\", \"target_table\") DO UPDATE SET "
        + updates;
  }

  /** Yields every status row, the columns in {@link #upsertStatus} order. */
  public String selectStatus() {
    return "SELECT \"source\", \"shard_id\", \"target_table\", \"last_sequence_number\","
        + " \"newest_change_at\", \"applied_at\", \""
        + String.join("\", \"", STATUS_COUNTS)
        + "\" FROM "
        + status().quoted()
        + " ORDER BY \"target_table\", \"source\", \"shard_id\"";
  }

  public String createTables() {
    return "CREATE TABLE IF NOT EXISTS "
        + tables().quoted()
        + " (\"target_table\" TEXT PRIMARY KEY, \"source_table\" TEXT, \"delete_mode\" TEXT,"
        + " \"bound_at\" TIMESTAMP WITH TIME ZONE, \"purged_before\" TIMESTAMP WITH TIME ZONE,"
        + " \"key_types\" TEXT)";
  }

  /** The column of key types, added to a table of entries made before it existed. */
  public static final String KEY_TYPES = "key_types";

  /** Binds the target table; yields its key types (JSON), if recorded. */
  public String keyTypes() {
    return "SELECT \"key_types\" FROM " + tables().quoted() + " WHERE \"target_table\" = ?";
  }

  /**
   * Binds the key types (JSON), then the target table: recorded once, the first writer's. The row
   * is named by its primary key alone (the condition is in the {@code SET}), which CrateDB updates
   * in real time: a condition in the {@code WHERE} would make it search, and miss an entry just
   * written.
   */
  public String recordKeyTypes() {
    return "UPDATE "
        + tables().quoted()
        + " SET \"key_types\" = CASE WHEN \"key_types\" IS NULL THEN ? ELSE \"key_types\" END"
        + " WHERE \"target_table\" = ?";
  }

  public String createTombstones() {
    return "CREATE TABLE IF NOT EXISTS "
        + tombstones().quoted()
        + " (\"id\" TEXT PRIMARY KEY, \"target_table\" TEXT, \"pk\" TEXT, \"version\" "
        + versionType
        + ", \"created_at\" TIMESTAMP WITH TIME ZONE)";
  }

  public String createShards() {
    return "CREATE TABLE IF NOT EXISTS "
        + shards().quoted()
        + " (\"source\" TEXT NOT NULL, \"shard_id\" TEXT NOT NULL, \"sequence_number\" TEXT,"
        + " \"updated_at\" TIMESTAMP WITH TIME ZONE, PRIMARY KEY (\"source\", \"shard_id\"))";
  }

  /** Binds target table, source table, delete mode, bound at. */
  public String bind() {
    return "INSERT INTO "
        + tables().quoted()
        + " (\"target_table\", \"source_table\", \"delete_mode\", \"bound_at\") VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (\"target_table\") DO NOTHING";
  }

  /** Binds target table; yields source table, delete mode, purged before. */
  public String binding() {
    return "SELECT \"source_table\", \"delete_mode\", \"purged_before\" FROM "
        + tables().quoted()
        + " WHERE \"target_table\" = ?";
  }

  /** Binds the new horizon twice, then the target table; the horizon only moves forward. */
  public String advancePurgeHorizon() {
    return "UPDATE "
        + tables().quoted()
        + " SET \"purged_before\" = CASE WHEN \"purged_before\" IS NULL OR \"purged_before\" < ?"
        + " THEN ? ELSE \"purged_before\" END WHERE \"target_table\" = ?";
  }

  /** Yields every target table with its delete mode. */
  public String allTables() {
    return "SELECT \"target_table\", \"delete_mode\" FROM " + tables().quoted();
  }

  /** Binds id, target table, pk, version, created at; keeps the newest version of a key. */
  public String upsertTombstone() {
    return "INSERT INTO "
        + tombstones().quoted()
        + (alias.isEmpty() ? "" : " AS t")
        + " (\"id\", \"target_table\", \"pk\", \"version\", \"created_at\")"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (\"id\") DO UPDATE SET"
        // created_at first: CrateDB evaluates each CASE against the stored row anyway.
        + " \"created_at\" = CASE WHEN excluded.\"version\" >= "
        + alias
        + "\"version\" THEN excluded.\"created_at\" ELSE "
        + alias
        + "\"created_at\" END,"
        + " \"version\" = CASE WHEN excluded.\"version\" >= "
        + alias
        + "\"version\" THEN excluded.\"version\" ELSE "
        + alias
        + "\"version\" END";
  }

  /**
   * Statements yielding id and version of the tombstones with these ids, as many as they take. The
   * ids are written as literals: on CrateDB only a literal {@code IN} list of the primary key is a
   * multi-key lookup answered in real time (measured on 6.4.3: {@code IN (?, ?)} with bound values,
   * like {@code = ANY(?)}, is a query that misses rows written since the last refresh). A statement
   * holds at most {@link TargetSql#LOOKUP_KEYS} ids and {@link TargetSql#LOOKUP_STATEMENT_CHARS}
   * characters of them: long keys would otherwise make it longer than CrateDB accepts.
   */
  public List<String> selectTombstones(Collection<String> ids) {
    String prefix =
        "SELECT \"id\", \"version\" FROM " + tombstones().quoted() + " WHERE \"id\" IN (";
    List<String> statements = new ArrayList<>();
    StringBuilder sql = null;
    int inStatement = 0;
    for (String id : ids) {
      String literal = "'" + id.replace("'", "''") + "'";
      if (sql != null
          && (inStatement >= TargetSql.LOOKUP_KEYS
              || sql.length() - prefix.length() + 2 + literal.length()
                  > TargetSql.LOOKUP_STATEMENT_CHARS)) {
        statements.add(sql.append(')').toString());
        sql = null;
      }
      if (sql == null) {
        sql = new StringBuilder(prefix);
        inStatement = 0;
      } else {
        sql.append(", ");
      }
      sql.append(literal);
      inStatement++;
    }
    if (sql != null) {
      statements.add(sql.append(')').toString());
    }
    return statements;
  }

  /**
   * Binds the marker's id ({@link #tombstonesMarker}) and when it was written; a marker already
   * there stays.
   */
  public String markTombstones() {
    return "INSERT INTO "
        + tombstones().quoted()
        + " (\"id\", \"created_at\") VALUES (?, ?) ON CONFLICT (\"id\") DO NOTHING";
  }

  /**
   * Binds the target table; yields the id of one of its tombstones, if any (a query: on CrateDB it
   * sees what the last {@code REFRESH} of the tombstone table made visible).
   */
  public String anyTombstone() {
    return "SELECT \"id\" FROM " + tombstones().quoted() + " WHERE \"target_table\" = ? LIMIT 1";
  }

  /** Binds target table and the horizon; removes tombstones older than it. */
  public String purgeTombstones() {
    return "DELETE FROM "
        + tombstones().quoted()
        + " WHERE \"target_table\" = ? AND \"created_at\" < ?";
  }

  /** Binds source, shard, sequence number, updated at. */
  public String upsertCheckpoint() {
    return "INSERT INTO "
        + shards().quoted()
        + " (\"source\", \"shard_id\", \"sequence_number\", \"updated_at\") VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (\"source\", \"shard_id\") DO UPDATE SET"
        + " \"sequence_number\" = excluded.\"sequence_number\","
        + " \"updated_at\" = excluded.\"updated_at\"";
  }

  /**
   * Binds source, shard, sequence number, updated at; writes nothing when the row exists (row count
   * 0). One step on both databases: of two such inserts of one key at once, one writes (measured on
   * CrateDB 6.4.3 as on PostgreSQL).
   */
  public String insertCheckpointIfAbsent() {
    return "INSERT INTO "
        + shards().quoted()
        + " (\"source\", \"shard_id\", \"sequence_number\", \"updated_at\") VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (\"source\", \"shard_id\") DO NOTHING";
  }

  /**
   * PostgreSQL: binds sequence number, updated at, source, shard and the sequence number expected;
   * writes only while the row still holds that one (row count 0 otherwise). A concurrent update of
   * the row makes PostgreSQL evaluate the condition again on what that one wrote.
   */
  public String replaceCheckpoint() {
    return "UPDATE "
        + shards().quoted()
        + " SET \"sequence_number\" = ?, \"updated_at\" = ?"
        + " WHERE \"source\" = ? AND \"shard_id\" = ? AND \"sequence_number\" = ?";
  }

  /**
   * CrateDB: binds source, shard; yields the sequence number and the row's revision ({@code
   * _seq_no}, {@code _primary_term}), by primary key: real time.
   */
  public String selectCheckpointRevision() {
    return "SELECT \"sequence_number\", \"_seq_no\", \"_primary_term\" FROM "
        + shards().quoted()
        + " WHERE \"source\" = ? AND \"shard_id\" = ?";
  }

  /**
   * CrateDB: binds sequence number, updated at, source, shard, {@code _seq_no}, {@code
   * _primary_term}; writes only while the row is still at that revision (row count 0 otherwise).
   */
  public String replaceCheckpointRevision() {
    // Optimistic concurrency control, CrateDB's compare-and-set: it has no transactions.
    // https://cratedb.com/docs/crate/reference/en/latest/general/occ.html
    return "UPDATE "
        + shards().quoted()
        + " SET \"sequence_number\" = ?, \"updated_at\" = ?"
        + " WHERE \"source\" = ? AND \"shard_id\" = ? AND \"_seq_no\" = ? AND \"_primary_term\" = ?";
  }

  /** Binds source, shard. */
  public String selectCheckpoint() {
    return "SELECT \"sequence_number\" FROM "
        + shards().quoted()
        + " WHERE \"source\" = ? AND \"shard_id\" = ?";
  }

  /**
   * The id of the table's marker row in the tombstone table: every writer writes it before the
   * table's first tombstone, and a writer that finds it absent (by key, in real time) after its
   * upsert knows that no tombstone existed when it wrote, so it skips the lookup of its rows'
   * tombstones. It has no target table, key or version: no purge and no count of tombstones sees
   * it. It cannot be the id of a tombstone, whose key is a JSON object.
   */
  public static String tombstonesMarker(TableName table) {
    return tombstoneId(table, "*");
  }

  /** The id of a tombstone: the target table and the item's {@code pk} object. */
  public static String tombstoneId(TableName table, String pkJson) {
    return table + " " + pkJson;
  }
}
