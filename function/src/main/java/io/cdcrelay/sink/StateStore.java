package io.cdcrelay.sink;

import io.cdcrelay.route.DeleteMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The relay's own state per target table: its binding, delete mode and purge horizon. */
final class StateStore {

  private final TargetSession session;

  StateStore(TargetSession session) {
    this.session = session;
  }

  /**
   * The table's entry in the state schema, read from the database; created on first use with this
   * source table and delete mode (insert-if-absent: parallel writers cannot bind it differently).
   */
  Target.Binding bind(TableName table, String sourceTable, DeleteMode deletes) {
    session.connectState();
    try {
      try (PreparedStatement insert =
          session.connection().prepareStatement(session.state().bind())) {
        insert.setString(1, table.toString());
        insert.setString(2, sourceTable);
        insert.setString(3, deletes.label());
        insert.setTimestamp(4, Timestamp.from(session.clock().instant()));
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          session.connection().prepareStatement(session.state().binding())) {
        select.setString(1, table.toString());
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new TargetUnavailableException(
                "the entry of " + table + " in " + session.state().tables() + " was not stored",
                null);
          }
          String mode = rs.getString(2);
          Timestamp purged = rs.getTimestamp(3);
          return new Target.Binding(
              rs.getString(1),
              mode == null
                  ? deletes
                  : DeleteMode.parse(session.state().tables() + ".delete_mode", mode),
              purged == null ? null : purged.toInstant());
        }
      }
    } catch (SQLException e) {
      throw session.failure("binding " + table + " in " + session.state().tables(), e);
    }
  }

  /**
   * The DynamoDB table bound to the target table, read only: none when the state schema has no
   * entry for it (or no table of entries, which is then not created), or the entry names none.
   */
  Optional<String> boundSourceIfAny(TableName table) {
    session.connect();
    try {
      if (!session.tableExists(session.state().tables())) {
        return Optional.empty();
      }
      try (PreparedStatement select =
          session.connection().prepareStatement(session.state().binding())) {
        select.setString(1, table.toString());
        try (ResultSet rs = select.executeQuery()) {
          return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
      }
    } catch (SQLException e) {
      throw session.failure("reading the entry of " + table + " in " + session.state().tables(), e);
    }
  }

  /** Moves the table's purge horizon forward; changes created before it are refused from now on. */
  void advancePurgeHorizon(TableName table, Instant horizon) {
    session.connectState();
    try (PreparedStatement update =
        session.connection().prepareStatement(session.state().advancePurgeHorizon())) {
      update.setTimestamp(1, Timestamp.from(horizon));
      update.setTimestamp(2, Timestamp.from(horizon));
      update.setString(3, table.toString());
      update.executeUpdate();
    } catch (SQLException e) {
      throw session.failure("moving the purge horizon of " + table, e);
    }
  }

  /** Removes the table's tombstones of changes created before the horizon; returns how many. */
  int purgeTombstones(TableName table, Instant horizon) {
    session.connectState();
    try (PreparedStatement delete =
        session.connection().prepareStatement(session.state().purgeTombstones())) {
      delete.setString(1, table.toString());
      delete.setTimestamp(2, Timestamp.from(horizon));
      return Math.max(0, delete.executeUpdate());
    } catch (SQLException e) {
      throw session.failure("purging tombstones of " + table, e);
    }
  }

  /** Every target table in the state schema, with its delete mode. */
  Map<TableName, DeleteMode> boundTables() {
    session.connectState();
    return readBoundTables();
  }

  /**
   * The same, read only: none when the state schema has no table of bound tables, which is then not
   * created (a first look at a database no relay has written yet, a user who may only read).
   */
  Map<TableName, DeleteMode> boundTablesIfAny() {
    session.connect();
    try {
      if (!session.tableExists(session.state().tables())) {
        return new LinkedHashMap<>();
      }
    } catch (SQLException e) {
      throw session.failure("looking for " + session.state().tables(), e);
    }
    return readBoundTables();
  }

  private Map<TableName, DeleteMode> readBoundTables() {
    Map<TableName, DeleteMode> all = new LinkedHashMap<>();
    try {
      // Not a primary-key lookup: CrateDB sees only refreshed rows (a table bound a moment ago).
      session.refresh(session.state().tables());
    } catch (SQLException e) {
      throw session.failure("refreshing " + session.state().tables(), e);
    }
    try (Statement statement = session.connection().createStatement();
        ResultSet rs = statement.executeQuery(session.state().allTables())) {
      while (rs.next()) {
        // Stored as TableName.toString(): schema and table, neither of which holds a dot.
        String name = rs.getString(1);
        int dot = name.indexOf('.');
        all.put(
            new TableName(name.substring(0, dot), name.substring(dot + 1)),
            DeleteMode.parse(session.state().tables() + ".delete_mode", rs.getString(2)));
      }
      return all;
    } catch (SQLException e) {
      throw session.failure("reading " + session.state().tables(), e);
    }
  }

  private static final java.util.Comparator<Target.Status> STATUS_KEY_ORDER =
      java.util.Comparator.comparing(Target.Status::source)
          .thenComparing(Target.Status::shardId)
          .thenComparing(row -> row.table().toString());

  /** Adds one batch's status rows (see {@link Target#recordStatus}). */
  void recordStatus(List<Target.Status> rows) {
    if (rows.isEmpty()) {
      return;
    }
    session.connectState();
    // In key order: PostgreSQL locks each status row it updates, and two writers (the lanes of a
    // shard, two relays) updating the same rows in different orders deadlocked; the loser's counts
    // were lost, its batch being applied all the same.
    List<Target.Status> ordered = new java.util.ArrayList<>(rows);
    ordered.sort(STATUS_KEY_ORDER);
    try (PreparedStatement upsert =
        session.connection().prepareStatement(session.state().upsertStatus())) {
      for (Target.Status row : ordered) {
        int i = 1;
        upsert.setString(i++, row.source());
        upsert.setString(i++, row.shardId());
        upsert.setString(i++, row.table().toString());
        upsert.setString(i++, row.lastSequenceNumber());
        upsert.setTimestamp(i++, Timestamp.from(row.newestChangeAt()));
        upsert.setTimestamp(i++, Timestamp.from(row.appliedAt()));
        upsert.setLong(i++, row.lag().toMillis());
        for (long count :
            new long[] {
              row.received(),
              row.upserted(),
              row.deleted(),
              row.expired(),
              row.deadLettered(),
              row.rerouted(),
              row.stale()
            }) {
          upsert.setLong(i++, count);
        }
        upsert.addBatch();
      }
      upsert.executeBatch();
    } catch (SQLException e) {
      throw session.failure("recording the status in " + session.state().status(), e);
    }
  }

  /** Every status row, by target table, source and shard. */
  List<Target.Status> status() {
    // Read only: a monitoring user may SELECT and nothing else, and a first look at a database
    // no relay has written yet must not create the state tables in it.
    session.connect();
    List<Target.Status> rows = new java.util.ArrayList<>();
    try {
      if (!session.tableExists(session.state().status())) {
        return rows;
      }
      // Not a primary-key lookup: CrateDB sees only refreshed rows.
      session.refresh(session.state().status());
      try (Statement statement = session.connection().createStatement();
          ResultSet rs = statement.executeQuery(session.state().selectStatus())) {
        while (rs.next()) {
          String name = rs.getString(3);
          int dot = name.indexOf('.');
          rows.add(
              new Target.Status(
                  rs.getString(1),
                  rs.getString(2),
                  new TableName(name.substring(0, dot), name.substring(dot + 1)),
                  rs.getString(4),
                  rs.getTimestamp(5).toInstant(),
                  rs.getTimestamp(6).toInstant(),
                  rs.getLong(7),
                  rs.getLong(8),
                  rs.getLong(9),
                  rs.getLong(10),
                  rs.getLong(11),
                  rs.getLong(12),
                  rs.getLong(13)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw session.failure("reading " + session.state().status(), e);
    }
  }
}
