package io.cdcrelay.local;

import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.sink.JdbcConnections;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.sink.TargetUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in the state schema's {@code cdc_relay_shards}, keyed by source stream (its ARN) and
 * shard, over a connection of their own. A shard without a checkpoint there takes over the one an
 * earlier release wrote into {@code cdc_relay_checkpoints} (keyed by target table, stream name and
 * shard): the lowest of them, so nothing is skipped. Any database failure is a {@link
 * TargetUnavailableException}: the caller retries. Thread-safe: shard workers share one instance.
 */
public final class JdbcCheckpoints implements Checkpoints, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpoints.class);

  /** The checkpoint table of releases before the state schema. */
  public static final String LEGACY_TABLE = "cdc_relay_checkpoints";

  private final TargetUrl url;
  private final Supplier<String> password;
  private final String configuredSchema;
  private final List<String> legacySchemas;
  private final Supplier<String> source;
  private final String streamName;
  private final Clock clock;
  private final int socketTimeoutSeconds;
  private Connection connection;
  private StateSql sql;
  private boolean crateDb;
  private String sourceId;
  private List<TableName> legacyTables;

  /**
   * @param url the target database
   * @param password the password source, as for the relay's own connections
   * @param stateSchema the state schema, or {@code null} for the URL's, else the database's default
   * @param legacySchemas further schemas where an earlier release may have kept checkpoints
   * @param source the source stream's ARN, asked for on first use
   * @param streamName the stream's name, as earlier releases keyed checkpoints
   */
  public JdbcCheckpoints(
      TargetUrl url,
      Supplier<String> password,
      String stateSchema,
      List<String> legacySchemas,
      Supplier<String> source,
      String streamName,
      Clock clock,
      int socketTimeoutSeconds) {
    this.url = url;
    this.password = password;
    this.configuredSchema = stateSchema;
    this.legacySchemas = List.copyOf(legacySchemas);
    this.source = source;
    this.streamName = streamName;
    this.clock = clock;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
  }

  /** The checkpoint table, once connected. */
  public synchronized TableName table() {
    try {
      connect();
      return sql.shards();
    } catch (SQLException e) {
      throw failure("connecting", e);
    }
  }

  @Override
  public synchronized Optional<String> read(String shardId) {
    try {
      Connection c = connect();
      try (PreparedStatement statement = c.prepareStatement(sql.selectCheckpoint())) {
        statement.setString(1, sourceId);
        statement.setString(2, shardId);
        try (ResultSet rs = statement.executeQuery()) {
          if (rs.next()) {
            return Optional.ofNullable(rs.getString(1));
          }
        }
      }
      Optional<String> legacy = readLegacy(c, shardId);
      if (legacy.isPresent()) {
        LOG.info(
            "shard {}: taking over checkpoint {} from {}", shardId, legacy.get(), legacyTables);
        write(shardId, legacy.get());
      }
      return legacy;
    } catch (SQLException e) {
      throw failure("reading the checkpoint of " + shardId, e);
    }
  }

  @Override
  public synchronized int forgetShards() {
    try {
      Connection c = connect();
      if (crateDb) {
        // A delete by query sees only refreshed rows.
        try (Statement refresh = c.createStatement()) {
          refresh.execute("REFRESH TABLE " + sql.shards().quoted());
        }
      }
      try (PreparedStatement statement =
          c.prepareStatement(
              "DELETE FROM "
                  + sql.shards().quoted()
                  + " WHERE \"source\" = ? AND \"shard_id\" NOT LIKE '(%'")) {
        statement.setString(1, sourceId);
        return Math.max(0, statement.executeUpdate());
      }
    } catch (SQLException e) {
      throw failure("forgetting the checkpoints of " + sourceId, e);
    }
  }

  @Override
  public synchronized List<String> otherStreams(String prefix) {
    try {
      Connection c = connect();
      List<String> others = new ArrayList<>();
      // Filtered here, not by LIKE: a table's name may hold its wildcards.
      try (Statement statement = c.createStatement();
          ResultSet rs =
              statement.executeQuery("SELECT DISTINCT \"source\" FROM " + sql.shards().quoted())) {
        while (rs.next()) {
          String other = rs.getString(1);
          if (other != null && other.startsWith(prefix) && !other.equals(sourceId)) {
            others.add(other);
          }
        }
      }
      others.sort(null);
      return others;
    } catch (SQLException e) {
      throw failure("reading the streams of " + prefix, e);
    }
  }

  private Optional<String> readLegacy(Connection c, String shardId) throws SQLException {
    String lowest = null;
    for (TableName table : legacyTables) {
      try (PreparedStatement statement =
          c.prepareStatement(
              "SELECT \"sequence_number\" FROM "
                  + table.quoted()
                  + " WHERE \"stream\" = ? AND \"shard_id\" = ?")) {
        statement.setString(1, streamName);
        statement.setString(2, shardId);
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            lowest = lower(lowest, rs.getString(1));
          }
        }
      }
    }
    return Optional.ofNullable(lowest);
  }

  private static String lower(String a, String b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    if (a.equals(SHARD_END) || b.equals(SHARD_END)) {
      return a.equals(SHARD_END) ? b : a;
    }
    return SequenceNumbers.ORDER.compare(a, b) <= 0 ? a : b;
  }

  @Override
  public synchronized void write(String shardId, String sequenceNumber) {
    try {
      Connection c = connect();
      try (PreparedStatement statement = c.prepareStatement(sql.upsertCheckpoint())) {
        statement.setString(1, sourceId);
        statement.setString(2, shardId);
        statement.setString(3, sequenceNumber);
        statement.setTimestamp(4, Timestamp.from(clock.instant()));
        int count = statement.executeUpdate();
        if (count != 1) {
          throw new TargetUnavailableException(
              "the checkpoint of " + shardId + " was not written (row count " + count + ")", null);
        }
      }
      LOG.debug("checkpoint {} {} {}", sourceId, shardId, sequenceNumber);
    } catch (SQLException e) {
      throw failure("writing the checkpoint of " + shardId, e);
    }
  }

  @Override
  public synchronized boolean compareAndSet(String id, Optional<String> expected, String value) {
    try {
      Connection c = connect();
      Timestamp now = Timestamp.from(clock.instant());
      if (expected.isEmpty()) {
        try (PreparedStatement statement = c.prepareStatement(sql.insertCheckpointIfAbsent())) {
          statement.setString(1, sourceId);
          statement.setString(2, id);
          statement.setString(3, value);
          statement.setTimestamp(4, now);
          return written(id, value, statement.executeUpdate());
        }
      }
      if (!crateDb) {
        try (PreparedStatement statement = c.prepareStatement(sql.replaceCheckpoint())) {
          statement.setString(1, value);
          statement.setTimestamp(2, now);
          statement.setString(3, sourceId);
          statement.setString(4, id);
          statement.setString(5, expected.get());
          return written(id, value, statement.executeUpdate());
        }
      }
      // CrateDB has no transactions: the row is replaced only at the revision read here, which is
      // the value expected, so a writer that came in between makes the update write nothing.
      long seqNo;
      long primaryTerm;
      try (PreparedStatement statement = c.prepareStatement(sql.selectCheckpointRevision())) {
        statement.setString(1, sourceId);
        statement.setString(2, id);
        try (ResultSet rs = statement.executeQuery()) {
          if (!rs.next() || !expected.get().equals(rs.getString(1))) {
            return false;
          }
          seqNo = rs.getLong(2);
          primaryTerm = rs.getLong(3);
        }
      }
      try (PreparedStatement statement = c.prepareStatement(sql.replaceCheckpointRevision())) {
        statement.setString(1, value);
        statement.setTimestamp(2, now);
        statement.setString(3, sourceId);
        statement.setString(4, id);
        statement.setLong(5, seqNo);
        statement.setLong(6, primaryTerm);
        return written(id, value, statement.executeUpdate());
      }
    } catch (SQLException e) {
      throw failure("writing " + id, e);
    }
  }

  private boolean written(String id, String value, int count) {
    LOG.debug("{} {} {}: {}", sourceId, id, value, count == 1 ? "written" : "changed meanwhile");
    return count == 1;
  }

  private Connection connect() throws SQLException {
    if (connection == null) {
      connection =
          JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-checkpoints");
    }
    if (sql == null) {
      String schema = configuredSchema != null ? configuredSchema : url.schema();
      if (schema == null) {
        schema = JdbcConnections.currentSchema(connection);
      }
      StateSql state = new StateSql(schema, "TEXT", false);
      try (Statement statement = connection.createStatement()) {
        // PostgreSQL needs the schema first (a new --state-schema); CrateDB makes it with its
        // first table and knows no CREATE SCHEMA, and another writer may create it meanwhile.
        try {
          statement.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(schema));
        } catch (SQLException e) {
          LOG.debug("creating schema {}: {}", schema, e.getMessage());
        }
        statement.execute(state.createShards());
      }
      List<TableName> legacy = new ArrayList<>();
      List<String> schemas = new ArrayList<>(legacySchemas);
      schemas.add(0, schema);
      for (String candidate : schemas) {
        TableName table = new TableName(candidate, LEGACY_TABLE);
        if (!legacy.contains(table) && exists(connection, table)) {
          legacy.add(table);
        }
      }
      legacyTables = legacy;
      crateDb = JdbcConnections.isCrateDb(connection);
      sourceId = source.get();
      sql = state;
    }
    return connection;
  }

  private static boolean exists(Connection c, TableName table) throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT count(*) FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name = ?")) {
      statement.setString(1, table.schema());
      statement.setString(2, table.table());
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  private TargetUnavailableException failure(String what, SQLException e) {
    close();
    return new TargetUnavailableException(what + " in the state schema: " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the checkpoint connection: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
