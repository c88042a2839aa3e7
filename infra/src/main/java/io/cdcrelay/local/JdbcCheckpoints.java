package io.cdcrelay.local;

import io.cdcrelay.sink.JdbcConnections;
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
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in the target database, in {@code "<schema>"."cdc_relay_checkpoints"}, over a
 * connection of their own. Any database failure is a {@link TargetUnavailableException}: the caller
 * retries. Thread-safe: shard workers share one instance.
 */
public final class JdbcCheckpoints implements Checkpoints, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpoints.class);

  private final TargetUrl url;
  private final Supplier<String> password;
  private final String targetTable;
  private final String stream;
  private final CheckpointSql sql;
  private final Clock clock;
  private final int socketTimeoutSeconds;
  private Connection connection;
  private boolean tableReady;

  /**
   * @param url the target database
   * @param password the password source, as for the relay's own connections
   * @param target the target table, with its schema resolved
   * @param stream the stream whose shards are checkpointed
   */
  public JdbcCheckpoints(
      TargetUrl url,
      Supplier<String> password,
      TableName target,
      String stream,
      Clock clock,
      int socketTimeoutSeconds) {
    this.url = url;
    this.password = password;
    this.targetTable = target.toString();
    this.stream = stream;
    this.sql = new CheckpointSql(target);
    this.clock = clock;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
  }

  @Override
  public synchronized Optional<String> read(String shardId) {
    try {
      Connection c = connect();
      try (PreparedStatement statement = c.prepareStatement(sql.select())) {
        statement.setString(1, targetTable);
        statement.setString(2, stream);
        statement.setString(3, shardId);
        try (ResultSet rs = statement.executeQuery()) {
          return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
      }
    } catch (SQLException e) {
      throw failure("reading the checkpoint of " + shardId, e);
    }
  }

  @Override
  public synchronized void write(String shardId, String sequenceNumber) {
    try {
      Connection c = connect();
      try (PreparedStatement statement = c.prepareStatement(sql.upsert())) {
        statement.setString(1, targetTable);
        statement.setString(2, stream);
        statement.setString(3, shardId);
        statement.setString(4, sequenceNumber);
        statement.setTimestamp(5, Timestamp.from(clock.instant()));
        int count = statement.executeUpdate();
        if (count != 1) {
          throw new TargetUnavailableException(
              "the checkpoint of " + shardId + " was not written (row count " + count + ")", null);
        }
      }
      LOG.debug("checkpoint {} {} {}", stream, shardId, sequenceNumber);
    } catch (SQLException e) {
      throw failure("writing the checkpoint of " + shardId, e);
    }
  }

  private Connection connect() throws SQLException {
    if (connection == null) {
      connection =
          JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-checkpoints");
    }
    if (!tableReady) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql.createTable());
      }
      tableReady = true;
    }
    return connection;
  }

  private TargetUnavailableException failure(String what, SQLException e) {
    close();
    return new TargetUnavailableException(what + " in " + sql.table() + ": " + e.getMessage(), e);
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
