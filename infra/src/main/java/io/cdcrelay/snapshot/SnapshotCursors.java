package io.cdcrelay.snapshot;

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
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a full load of one DynamoDB table into one target table has got to, kept in the state
 * schema's {@code cdc_relay_snapshots} next to the stream checkpoints: per segment the {@code
 * LastEvaluatedKey} of its last applied page (as DynamoDB JSON), its item count and whether it is
 * read to its end; in a row of segment -1, the segment count and the time the load began (of an
 * export: its export time). Rows are read and written by their whole primary key, which CrateDB
 * answers in real time. Any database failure is a {@link TargetUnavailableException}: the caller
 * retries. Thread-safe: the segments share one instance.
 */
public final class SnapshotCursors implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCursors.class);

  /** The table, in the state schema. */
  public static final String TABLE = "cdc_relay_snapshots";

  private static final int META = -1;

  private final TargetUrl url;
  private final Supplier<String> password;
  private final TableName table;
  private final String source;
  private final String target;
  private final Clock clock;
  private final int socketTimeoutSeconds;
  private final String upsert;
  private Connection connection;
  private boolean closed;

  /** One segment's position. */
  public record Segment(int segment, Optional<String> lastKey, boolean done, long items) {}

  /** A load begun earlier: its segment count, its start and each segment's position. */
  public record Load(int totalSegments, Instant startedAt, boolean done, List<Segment> segments) {
    /** Items applied by all segments. */
    public long items() {
      return segments.stream().mapToLong(Segment::items).sum();
    }
  }

  /**
   * A load as {@code relay status} shows it: its source (the table's ARN, or an export's folder),
   * target table, segments (and how many are done), items applied, whether it is complete, when it
   * began and last wrote a cursor.
   */
  public record Summary(
      String source,
      String target,
      int totalSegments,
      int segmentsDone,
      boolean done,
      long items,
      Instant startedAt,
      Instant updatedAt) {}

  /**
   * Every load recorded in the state schema, read only: none when it has no table of cursors (no
   * load ran there), which is then not created.
   */
  public static List<Summary> loads(
      TargetUrl url, Supplier<String> password, String stateSchema, int socketTimeoutSeconds) {
    TableName table = new TableName(stateSchema, TABLE);
    try (Connection c =
        JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-status")) {
      try (PreparedStatement exists =
          c.prepareStatement(
              "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND"
                  + " table_name = ?")) {
        exists.setString(1, stateSchema);
        exists.setString(2, TABLE);
        try (ResultSet rs = exists.executeQuery()) {
          if (!rs.next() || rs.getLong(1) == 0) {
            return List.of();
          }
        }
      }
      if (JdbcConnections.isCrateDb(c)) {
        try (Statement refresh = c.createStatement()) {
          // Not a key lookup: CrateDB sees only refreshed rows (a cursor written a moment ago).
          refresh.execute("REFRESH TABLE " + table.quoted());
        } catch (SQLException mayOnlyRead) {
          // A user who may only read sees the rows of the last periodic refresh (1 s).
        }
      }
      java.util.Map<List<String>, Summary> loads = new java.util.LinkedHashMap<>();
      // The segments of each load's run, from its first row (ordered by segment, META first).
      java.util.Map<List<String>, Integer> metaSegments = new java.util.HashMap<>();
      try (Statement select = c.createStatement();
          ResultSet rs =
              select.executeQuery(
                  "SELECT \"source\", \"target_table\", \"segment\", \"total_segments\","
                      + " \"done\", \"items\", \"started_at\", \"updated_at\" FROM "
                      + table.quoted()
                      + " ORDER BY \"source\", \"target_table\", \"segment\"")) {
        while (rs.next()) {
          List<String> key = List.of(rs.getString(1), rs.getString(2));
          int segment = rs.getInt(3);
          boolean done = rs.getBoolean(5);
          Timestamp started = rs.getTimestamp(7);
          Timestamp updated = rs.getTimestamp(8);
          if (segment != META && segment >= metaSegments.getOrDefault(key, Integer.MAX_VALUE)) {
            // A cursor an earlier run of more segments left (before a restart removed such).
            continue;
          }
          if (segment == META) {
            metaSegments.put(key, rs.getInt(4));
          }
          Summary was =
              loads.getOrDefault(
                  key,
                  new Summary(
                      key.get(0), key.get(1), 0, 0, false, 0, Instant.EPOCH, Instant.EPOCH));
          loads.put(
              key,
              new Summary(
                  was.source(),
                  was.target(),
                  Math.max(was.totalSegments(), rs.getInt(4)),
                  was.segmentsDone() + (segment != META && done ? 1 : 0),
                  was.done() || (segment == META && done),
                  was.items() + (segment == META ? 0 : rs.getLong(6)),
                  started == null ? was.startedAt() : started.toInstant(),
                  updated == null || updated.toInstant().isBefore(was.updatedAt())
                      ? was.updatedAt()
                      : updated.toInstant()));
        }
      }
      return List.copyOf(loads.values());
    } catch (SQLException e) {
      throw new TargetUnavailableException(
          "reading the loads in " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param stateSchema the state schema
   * @param source the DynamoDB table's ARN
   * @param target the target table, {@code schema.table}
   */
  public SnapshotCursors(
      TargetUrl url,
      Supplier<String> password,
      String stateSchema,
      String source,
      String target,
      Clock clock,
      int socketTimeoutSeconds) {
    this.url = url;
    this.password = password;
    this.table = new TableName(stateSchema, TABLE);
    this.source = source;
    this.target = target;
    this.clock = clock;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
    this.upsert =
        "INSERT INTO "
            + table.quoted()
            + " (\"source\", \"target_table\", \"segment\", \"total_segments\", \"last_key\","
            + " \"done\", \"items\", \"started_at\", \"updated_at\")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (\"source\", \"target_table\", \"segment\") DO UPDATE SET"
            + " \"total_segments\" = excluded.\"total_segments\","
            + " \"last_key\" = excluded.\"last_key\", \"done\" = excluded.\"done\","
            + " \"items\" = excluded.\"items\", \"started_at\" = excluded.\"started_at\","
            + " \"updated_at\" = excluded.\"updated_at\"";
  }

  /** The table the cursors are kept in. */
  public TableName table() {
    return table;
  }

  /** The load begun earlier, if any. */
  public synchronized Optional<Load> read() {
    try {
      Connection c = connect();
      Optional<Stored> meta = select(c, META);
      if (meta.isEmpty()) {
        return Optional.empty();
      }
      int total = meta.get().totalSegments();
      List<Segment> segments = new ArrayList<>();
      for (int s = 0; s < total; s++) {
        segments.add(
            select(c, s).map(Stored::segment).orElse(new Segment(s, Optional.empty(), false, 0)));
      }
      return Optional.of(
          new Load(total, meta.get().startedAt(), meta.get().segment().done(), segments));
    } catch (SQLException e) {
      throw failure("reading", e);
    }
  }

  /** A load from the start of every segment, not yet recorded: {@link #begin(Load)} records it. */
  public static Load fresh(int totalSegments, Instant startedAt) {
    List<Segment> segments = new ArrayList<>();
    for (int s = 0; s < totalSegments; s++) {
      segments.add(new Segment(s, Optional.empty(), false, 0));
    }
    return new Load(totalSegments, startedAt, false, List.copyOf(segments));
  }

  /** Begins a load from the start of every segment, replacing any earlier one. */
  public Load begin(int totalSegments, Instant startedAt) {
    Load load = fresh(totalSegments, startedAt);
    begin(load);
    return load;
  }

  /**
   * Records {@code load}, a {@link #fresh} one, replacing any earlier one: every segment at its
   * start.
   */
  public synchronized void begin(Load load) {
    int totalSegments = load.totalSegments();
    Instant startedAt = load.startedAt();
    try {
      // One round trip for all rows (a bulk operation on CrateDB), not one per segment.
      try (PreparedStatement statement = connect().prepareStatement(upsert)) {
        bind(statement, META, null, false, 0, totalSegments, startedAt);
        statement.addBatch();
        for (int s = 0; s < totalSegments; s++) {
          bind(statement, s, null, false, 0, totalSegments, startedAt);
          statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          // CrateDB reports a failed row of a bulk as -2 (SPEC §5), PostgreSQL each row as 1.
          if (counts[i] != 1) {
            throw new TargetUnavailableException(
                "the cursor of segment "
                    + (i - 1)
                    + " was not written (row count "
                    + counts[i]
                    + ")",
                null);
          }
        }
      }
      // A run before this one, of more segments, left cursors beyond this run's.
      try (PreparedStatement stale =
          connect()
              .prepareStatement(
                  "DELETE FROM "
                      + table.quoted()
                      + " WHERE \"source\" = ? AND \"target_table\" = ? AND \"segment\" >= ?")) {
        stale.setString(1, source);
        stale.setString(2, target);
        stale.setInt(3, totalSegments);
        stale.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure("beginning the load", e);
    }
  }

  /** Records that the segment is applied up to {@code lastKey} (null: to its end). */
  public synchronized void advance(Load load, int segment, String lastKey, long items) {
    try {
      upsert(
          connect(),
          segment,
          lastKey,
          lastKey == null,
          items,
          load.totalSegments(),
          load.startedAt());
    } catch (SQLException e) {
      throw failure("writing the cursor of segment " + segment, e);
    }
  }

  /** Records that every segment is read to its end. */
  public synchronized void finish(Load load, long items) {
    try {
      upsert(connect(), META, null, true, items, load.totalSegments(), load.startedAt());
    } catch (SQLException e) {
      throw failure("finishing the load", e);
    }
  }

  /** A row as stored. */
  private record Stored(Segment segment, int totalSegments, Instant startedAt) {}

  private Optional<Stored> select(Connection c, int segment) throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement(
            "SELECT \"last_key\", \"done\", \"items\", \"total_segments\", \"started_at\" FROM "
                + table.quoted()
                + " WHERE \"source\" = ? AND \"target_table\" = ? AND \"segment\" = ?")) {
      statement.setString(1, source);
      statement.setString(2, target);
      statement.setInt(3, segment);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Stored(
                new Segment(
                    segment, Optional.ofNullable(rs.getString(1)), rs.getBoolean(2), rs.getLong(3)),
                rs.getInt(4),
                rs.getTimestamp(5).toInstant()));
      }
    }
  }

  private void upsert(
      Connection c,
      int segment,
      String lastKey,
      boolean done,
      long items,
      int totalSegments,
      Instant startedAt)
      throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(upsert)) {
      bind(statement, segment, lastKey, done, items, totalSegments, startedAt);
      int count = statement.executeUpdate();
      if (count != 1) {
        throw new TargetUnavailableException(
            "the cursor of segment " + segment + " was not written (row count " + count + ")",
            null);
      }
    }
    LOG.debug(
        "cursor {} -> {} segment {}: {} items, done={}", source, target, segment, items, done);
  }

  private void bind(
      PreparedStatement statement,
      int segment,
      String lastKey,
      boolean done,
      long items,
      int totalSegments,
      Instant startedAt)
      throws SQLException {
    statement.setString(1, source);
    statement.setString(2, target);
    statement.setInt(3, segment);
    statement.setInt(4, totalSegments);
    if (lastKey == null) {
      statement.setNull(5, Types.VARCHAR);
    } else {
      statement.setString(5, lastKey);
    }
    statement.setBoolean(6, done);
    statement.setLong(7, items);
    statement.setTimestamp(8, Timestamp.from(startedAt));
    statement.setTimestamp(9, Timestamp.from(clock.instant()));
  }

  private Connection connect() throws SQLException {
    if (closed) {
      throw new SQLException("the load's cursors are closed: the load has ended");
    }
    if (connection == null) {
      connection = JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-snapshot");
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS "
                + table.quoted()
                + " (\"source\" TEXT NOT NULL, \"target_table\" TEXT NOT NULL,"
                + " \"segment\" INTEGER NOT NULL, \"total_segments\" INTEGER, \"last_key\" TEXT,"
                + " \"done\" BOOLEAN, \"items\" BIGINT, \"started_at\" TIMESTAMP WITH TIME ZONE,"
                + " \"updated_at\" TIMESTAMP WITH TIME ZONE,"
                + " PRIMARY KEY (\"source\", \"target_table\", \"segment\"))");
      }
    }
    return connection;
  }

  private TargetUnavailableException failure(String what, SQLException e) {
    disconnect();
    return new TargetUnavailableException(what + " in " + table + ": " + e.getMessage(), e);
  }

  /**
   * Closes the connection for good: a segment still ending after the load gave up (its page under
   * way when another failed) is refused, rather than given a connection nobody closes.
   */
  @Override
  public synchronized void close() {
    closed = true;
    disconnect();
  }

  /** Drops the connection; the next write connects again, unless closed. */
  private synchronized void disconnect() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the cursor connection: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
