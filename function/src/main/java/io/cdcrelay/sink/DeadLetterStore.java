package io.cdcrelay.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads and removes dead letters where the relay stores them: {@code "<table>_dead_letters"} next
 * to each target table, and the state schema's {@code cdc_relay_dead_letters} for records that
 * reached no table. Found in the state schema, the target's schema and the schema of every table
 * bound in the state schema. One connection of its own, opened on first use.
 */
public final class DeadLetterStore implements AutoCloseable {

  private final JdbcTarget target;
  private final TargetUrl url;
  private final Supplier<String> password;
  private final int socketTimeoutSeconds;
  private Connection connection;

  /** What is stored of one dead letter besides its key. */
  public record Stored(byte[] payload, String stage, String reason, Instant failedAt) {}

  /**
   * @param target the writer of the same target: its dialect, its default and its state schema
   * @param url the target
   * @param password the password source, as the writer's
   * @param socketTimeoutSeconds how long a statement may take
   */
  public DeadLetterStore(
      JdbcTarget target, TargetUrl url, Supplier<String> password, int socketTimeoutSeconds) {
    this.target = target;
    this.url = url;
    this.password = password;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
  }

  /** How many dead letters of one target table (none: the state schema's) failed at a stage. */
  public record Count(Optional<TableName> target, String stage, long count) {}

  /**
   * Every dead-letter table, the state schema's first. Looking creates no table, not even the state
   * tables: a database no relay wrote yet has none to find, and a user who may only read can look.
   */
  public List<TableName> tables() {
    return tables(target.boundTablesIfAny());
  }

  private List<TableName> tables(Map<TableName, ?> bound) {
    StateSql state = target.state();
    TreeSet<String> schemas = new TreeSet<>();
    schemas.add(state.schema());
    schemas.add(target.table(null, "probe").schema());
    bound.keySet().forEach(table -> schemas.add(table.schema()));
    List<TableName> tables = new ArrayList<>();
    try (PreparedStatement select =
        connection().prepareStatement(DeadLetterSql.selectTables(schemas.size()))) {
      int i = 1;
      for (String schema : schemas) {
        select.setString(i++, schema);
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(2);
          if (name.endsWith(JdbcTarget.DEAD_LETTER_SUFFIX)
              && name.length() > JdbcTarget.DEAD_LETTER_SUFFIX.length()) {
            tables.add(new TableName(rs.getString(1), name));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("looking for dead-letter tables", e);
    }
    tables.sort(
        (a, b) ->
            a.equals(state.deadLetters())
                ? -1
                : b.equals(state.deadLetters()) ? 1 : a.toString().compareTo(b.toString()));
    return tables;
  }

  /** The target table of a dead-letter table; empty for the state schema's. */
  public Optional<TableName> targetOf(TableName deadLetters) {
    if (deadLetters.equals(target.state().deadLetters())) {
      return Optional.empty();
    }
    String name = deadLetters.table();
    return Optional.of(
        new TableName(
            deadLetters.schema(),
            name.substring(0, name.length() - JdbcTarget.DEAD_LETTER_SUFFIX.length())));
  }

  /** The dead letters the filter takes, without payloads. */
  public List<StoredDeadLetter> select(DeadLetterFilter filter) {
    List<StoredDeadLetter> letters = new ArrayList<>();
    for (TableName table : tables(filter)) {
      Optional<TableName> meantFor = targetOf(table);
      refresh(table);
      String sql = DeadLetterSql.select(table, filter.stages().size(), filter.since().isPresent());
      try (PreparedStatement select = connection().prepareStatement(sql)) {
        bind(select, filter);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            Timestamp failedAt = rs.getTimestamp(5);
            letters.add(
                new StoredDeadLetter(
                    table,
                    meantFor,
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    failedAt == null ? Instant.EPOCH : failedAt.toInstant()));
          }
        }
      } catch (SQLException e) {
        throw failure("reading " + table, e);
      }
    }
    return letters;
  }

  /**
   * How many dead letters the filter's table scope takes, per dead-letter table and stage (its
   * stages and time are not applied). Reads only: creates no table, not even the state tables.
   */
  public List<Count> countByStage(DeadLetterFilter filter) {
    String defaultSchema = target.table(null, "probe").schema();
    List<Count> counts = new ArrayList<>();
    for (TableName table : tables()) {
      Optional<TableName> meantFor = targetOf(table);
      if (!filter.takes(meantFor, defaultSchema)) {
        continue;
      }
      refresh(table);
      try (Statement select = connection().createStatement();
          ResultSet rs = select.executeQuery(DeadLetterSql.countByStage(table))) {
        while (rs.next()) {
          String stage = rs.getString(1);
          counts.add(new Count(meantFor, stage == null ? "-" : stage, rs.getLong(2)));
        }
      } catch (SQLException e) {
        throw failure("counting the dead letters of " + table, e);
      }
    }
    return counts;
  }

  /** One dead letter as it is stored now, read by its key (in real time on CrateDB). */
  public Optional<Stored> read(TableName table, String shardId, String sequenceNumber) {
    try (PreparedStatement select = connection().prepareStatement(DeadLetterSql.selectOne(table))) {
      select.setString(1, shardId);
      select.setString(2, sequenceNumber);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String base64 = rs.getString(1);
        Timestamp failedAt = rs.getTimestamp(4);
        return Optional.of(
            new Stored(
                base64 == null ? new byte[0] : Base64.getDecoder().decode(base64),
                rs.getString(2),
                rs.getString(3),
                failedAt == null ? Instant.EPOCH : failedAt.toInstant()));
      }
    } catch (SQLException e) {
      throw failure("reading a dead letter of " + table, e);
    }
  }

  /** Removes one dead letter by its key; whether it was there. */
  public boolean delete(TableName table, String shardId, String sequenceNumber) {
    try (PreparedStatement delete = connection().prepareStatement(DeadLetterSql.deleteOne(table))) {
      delete.setString(1, shardId);
      delete.setString(2, sequenceNumber);
      return delete.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure("removing a dead letter of " + table, e);
    }
  }

  /** Removes the dead letters the filter takes; how many, per dead-letter table. */
  public Map<TableName, Integer> discard(DeadLetterFilter filter) {
    Map<TableName, Integer> removed = new LinkedHashMap<>();
    for (TableName table : tables(filter)) {
      refresh(table);
      String sql = DeadLetterSql.delete(table, filter.stages().size(), filter.since().isPresent());
      try (PreparedStatement delete = connection().prepareStatement(sql)) {
        bind(delete, filter);
        removed.put(table, Math.max(0, delete.executeUpdate()));
      } catch (SQLException e) {
        throw failure("discarding dead letters of " + table, e);
      }
    }
    return removed;
  }

  /** Removes the dead letters that failed before {@code before}; how many, per table. */
  public Map<TableName, Integer> expire(Instant before) {
    Map<TableName, Integer> removed = new LinkedHashMap<>();
    for (TableName table : tables()) {
      refresh(table);
      try (PreparedStatement delete = connection().prepareStatement(DeadLetterSql.expire(table))) {
        delete.setTimestamp(1, Timestamp.from(before));
        int count = Math.max(0, delete.executeUpdate());
        if (count > 0) {
          removed.put(table, count);
        }
      } catch (SQLException e) {
        throw failure("removing expired dead letters of " + table, e);
      }
    }
    return removed;
  }

  /** Makes every write to the table visible to queries (CrateDB); nothing on PostgreSQL. */
  public void refresh(TableName table) {
    Optional<String> refresh = target.sql().refresh(table);
    if (refresh.isEmpty()) {
      return;
    }
    try (Statement statement = connection().createStatement()) {
      statement.execute(refresh.get());
    } catch (SQLException e) {
      throw failure("refreshing " + table, e);
    }
  }

  private List<TableName> tables(DeadLetterFilter filter) {
    String defaultSchema = target.table(null, "probe").schema();
    List<TableName> taken = new ArrayList<>();
    for (TableName table : tables()) {
      if (filter.takes(targetOf(table), defaultSchema)) {
        taken.add(table);
      }
    }
    return taken;
  }

  private static void bind(PreparedStatement statement, DeadLetterFilter filter)
      throws SQLException {
    int i = 1;
    for (String stage : new TreeSet<>(filter.stages())) {
      statement.setString(i++, stage);
    }
    if (filter.since().isPresent()) {
      statement.setTimestamp(i, Timestamp.from(filter.since().get()));
    }
  }

  private Connection connection() {
    if (connection == null) {
      try {
        connection =
            JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-dead-letters");
      } catch (SQLException e) {
        throw new TargetUnavailableException(
            "cannot connect to " + url.displayUrl() + ": " + SqlErrors.describe(e), e);
      }
    }
    return connection;
  }

  private TargetUnavailableException failure(String what, SQLException e) {
    close();
    return new TargetUnavailableException(what + ": " + SqlErrors.describe(e), e);
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing after a failure: nothing more to do.
      }
      connection = null;
    }
  }
}
