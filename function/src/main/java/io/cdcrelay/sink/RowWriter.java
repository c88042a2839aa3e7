package io.cdcrelay.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import java.io.StringWriter;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows and deletions to the target tables: bulk upserts with every row's outcome checked,
 * tombstones in the state schema, and deletes that never remove a newer row.
 */
final class RowWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RowWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectReader PK_READER =
      JSON.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final int REVISION_RETRIES = 10;

  private final TargetSession session;
  private final TableSchemas schemas;
  // Tables whose marker (StateSql#tombstonesMarker) this writer wrote or found: it is never
  // removed, so from then on the writer looks up its rows' tombstones without asking for it.
  private final java.util.Set<TableName> marked =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Tables without a marker in which a writer of this process found no tombstone of a build before
  // the marker ("<database> <table>"), and a lock per table for that look: one look per table and
  // process, not one per segment of a load or lane of a shard.
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> UNMARKED_CHECKING =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.Set<String> UNMARKED_CHECKED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  // How often writers of this process searched a table for rows flagged deleted (for tests).
  static final java.util.concurrent.atomic.AtomicLong MIGRATION_SEARCHES =
      new java.util.concurrent.atomic.AtomicLong();
  // How often writers of this process looked for tombstones without a marker (for tests).
  static final java.util.concurrent.atomic.AtomicLong UNMARKED_LOOKS =
      new java.util.concurrent.atomic.AtomicLong();

  /** Runs between reading the revisions of rows to delete and deleting them (for tests). */
  Runnable beforeBulkDelete = () -> {};

  RowWriter(TargetSession session, TableSchemas schemas) {
    this.session = session;
    this.schemas = schemas;
  }

  /**
   * Upserts all rows: first as one statement of arrays, the fastest bulk write; when that writes
   * fewer rows than given, again as one bulk request that reports every row's outcome.
   */
  Target.RowResults upsert(TableName table, List<PlannedRow> rows) {
    if (rows.isEmpty()) {
      return new Target.RowResults(List.of(), null);
    }
    session.connect();
    TableSchemas.TableState known = schemas.known(table);
    String columnsMissing = schemas.ensureDataColumns(table, newColumns(rows));
    if (columnsMissing != null) {
      return Target.RowResults.wholeBatchFailed(rows.size(), columnsMissing);
    }
    if (rows.size() > 1) {
      Map<String, String> written = writeArrays(table, rows);
      if (written != null) {
        return new Target.RowResults(
            new ArrayList<>(Collections.nCopies(rows.size(), null)), null, written);
      }
    }
    try (PreparedStatement statement = session.connection().prepareStatement(known.upsertSql)) {
      for (PlannedRow row : rows) {
        bindRow(statement, row, known.expiry);
        statement.addBatch();
      }
      return RowCounts.check(statement.executeBatch());
    } catch (BatchUpdateException e) {
      session.throwIfUnavailable("writing " + rows.size() + " rows to " + table, e);
      // Nothing in the counts can be trusted: CrateDB fails a bulk whose row fails while planning
      // as a whole (-3 for all, nothing written); PostgreSQL rolls the whole batch back. Replaying
      // it is harmless, the writes being idempotent.
      return Target.RowResults.wholeBatchFailed(rows.size(), SqlErrors.describe(e));
    } catch (SQLException e) {
      session.throwIfUnavailable("writing " + rows.size() + " rows to " + table, e);
      return Target.RowResults.wholeBatchFailed(rows.size(), SqlErrors.describe(e));
    }
  }

  /**
   * Writes the rows as one statement of arrays; when it wrote every one of them, the version each
   * holds after the write (by planned {@code pk}), else {@code null}. It does not say why a row
   * failed (CrateDB skips a failing row silently, PostgreSQL fails the whole statement), so on
   * anything short of every row the caller writes the batch again in a form that tells; the writes
   * being idempotent and ordering-safe, rows written twice come to no harm.
   */
  Map<String, String> upsertArrays(TableName table, List<PlannedRow> rows) {
    session.connect();
    if (schemas.ensureDataColumns(table, newColumns(rows)) != null) {
      return null;
    }
    return writeArrays(table, rows);
  }

  /** {@link #upsertArrays} once the rows' new sub-columns exist. */
  private Map<String, String> writeArrays(TableName table, List<PlannedRow> rows) {
    TableSchemas.TableState known = schemas.known(table);
    int size = rows.size();
    java.sql.Connection connection = session.connection();
    try (PreparedStatement statement = connection.prepareStatement(known.upsertArraysSql)) {
      UpsertArrays.bind(connection, statement, session.sql().jsonType(), rows, known.expiry);
      Map<String, String> versions = new HashMap<>(size * 2);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          versions.put(rs.getString(1), rs.getString(2));
        }
      }
      // A planned pk is canonical already, and CrateDB returns objects as compact JSON: the keys
      // come back as the very same text, and are parsed only where one does not.
      boolean asPlanned = versions.size() == size;
      for (int i = 0; asPlanned && i < size; i++) {
        asPlanned = versions.containsKey(rows.get(i).pkJson());
      }
      if (!asPlanned) {
        Map<String, String> canonical = new HashMap<>(size * 2);
        versions.forEach((pk, version) -> canonical.put(canonicalPk(known.keys, pk), version));
        versions = canonical;
      }
      for (PlannedRow row : rows) {
        if (!versions.containsKey(row.pkJson())) {
          LOG.debug(
              "{} of {} rows written to {} in one statement, not {}; writing them as a batch",
              versions.size(),
              size,
              table,
              row.pkJson());
          return null;
        }
      }
      return versions;
    } catch (SQLException e) {
      session.throwIfUnavailable("writing " + size + " rows to " + table, e);
      LOG.debug("writing {} rows to {} in one statement failed: {}", size, table, e.getMessage());
      return null;
    }
  }

  /** The new sub-columns the rows need, all of them. */
  private static Map<List<String>, io.cdcrelay.plan.ColumnType> newColumns(List<PlannedRow> rows) {
    Map<List<String>, io.cdcrelay.plan.ColumnType> needed = null;
    for (PlannedRow row : rows) {
      if (!row.newColumns().isEmpty()) {
        needed = needed == null ? new java.util.LinkedHashMap<>() : needed;
        needed.putAll(row.newColumns());
      }
    }
    return needed == null ? Map.of() : needed;
  }

  /** Upserts the rows one statement each, to learn which of them fail and why. */
  Target.RowResults upsertEach(TableName table, List<PlannedRow> rows) {
    session.connect();
    List<String> errors = new ArrayList<>(rows.size());
    TableSchemas.TableState known = schemas.known(table);
    try (PreparedStatement statement = session.connection().prepareStatement(known.upsertSql)) {
      for (PlannedRow row : rows) {
        String columnsMissing = schemas.ensureDataColumns(table, row.newColumns());
        if (columnsMissing != null) {
          errors.add(columnsMissing);
          continue;
        }
        try {
          bindRow(statement, row, known.expiry);
          errors.add(RowCounts.error(statement.executeUpdate()));
        } catch (SQLException e) {
          session.throwIfUnavailable("writing a row to " + table, e);
          errors.add(SqlErrors.describe(e));
        }
      }
    } catch (SQLException e) {
      throw session.failure("writing rows to " + table, e);
    }
    return new Target.RowResults(errors, null);
  }

  /**
   * Records the key and version of deleted items in the tombstone table, keeping the newest version
   * of each key. The first step of a {@code hard} delete: from here on, a writer that upserts an
   * older change of the item finds the tombstone and removes its row again.
   */
  void tombstone(TableName table, List<Target.Removal> removals) {
    if (removals.isEmpty()) {
      return;
    }
    session.connectState();
    try {
      markTombstones(table);
    } catch (SQLException e) {
      throw session.failure("marking " + table + " in " + session.state().tombstones(), e);
    }
    // In key order: PostgreSQL locks each tombstone as it writes it, and two writers taking the
    // same tombstones in different orders deadlock (seen with a load's segments beside a stream).
    try (PreparedStatement statement =
        session.connection().prepareStatement(session.state().upsertTombstone())) {
      for (Target.Removal removal : inKeyOrder(removals)) {
        statement.setString(1, StateSql.tombstoneId(table, removal.pkJson()));
        statement.setString(2, table.toString());
        statement.setString(3, removal.pkJson());
        statement.setString(4, removal.version());
        statement.setTimestamp(5, Timestamp.from(createdAt(removal.version())));
        statement.addBatch();
      }
      int[] counts = statement.executeBatch();
      for (int count : counts) {
        if (count != 1) {
          throw new TargetUnavailableException(
              session.state().tombstones()
                  + " did not store a tombstone ("
                  + RowCounts.error(count)
                  + ")",
              null);
        }
      }
    } catch (SQLException e) {
      throw session.failure("storing " + removals.size() + " tombstones of " + table, e);
    }
  }

  /** The stored tombstone versions of the given keys ({@code pk} objects) of the table. */
  Map<String, String> tombstoneVersions(TableName table, Collection<String> pkJsons) {
    Map<String, String> versions = new HashMap<>();
    if (pkJsons.isEmpty()) {
      return versions;
    }
    session.connectState();
    String prefix = StateSql.tombstoneId(table, "");
    try {
      // Read after the rows were written: a writer storing the table's first tombstone wrote the
      // marker before it, so without it no tombstone can be newer than these rows.
      if (!marked.contains(table) && !marked(table)) {
        return versions;
      }
      List<String> ids = new ArrayList<>(pkJsons.size());
      pkJsons.forEach(pk -> ids.add(prefix + pk));
      for (String lookup : session.state().selectTombstones(ids)) {
        try (Statement select = session.connection().createStatement()) {
          try (ResultSet rs = select.executeQuery(lookup)) {
            while (rs.next()) {
              versions.put(rs.getString(1).substring(prefix.length()), rs.getString(2));
            }
          }
        }
      }
      return versions;
    } catch (SQLException e) {
      throw session.failure("reading tombstones of " + table, e);
    }
  }

  /**
   * Writes the table's marker ({@link StateSql#tombstonesMarker}) unless this writer already wrote
   * or found it: before the table's first tombstone, so that a writer that finds no marker after
   * its upsert knows that no tombstone can be newer than its rows.
   */
  private void markTombstones(TableName table) throws SQLException {
    if (marked.contains(table)) {
      return;
    }
    int written;
    try (PreparedStatement insert =
        session.connection().prepareStatement(session.state().markTombstones())) {
      insert.setString(1, StateSql.tombstonesMarker(table));
      insert.setTimestamp(2, Timestamp.from(session.clock().instant()));
      written = insert.executeUpdate();
    }
    // 0: already there (the insert keeps an existing row), which the lookup confirms.
    if (written != 1 && !markerExists(table)) {
      throw new TargetUnavailableException(
          session.state().tombstones() + " did not store the marker of " + table, null);
    }
    marked.add(table);
  }

  /** Whether the table's marker is stored: a lookup by key, answered in real time. */
  private boolean markerExists(TableName table) throws SQLException {
    String lookup =
        session.state().selectTombstones(List.of(StateSql.tombstonesMarker(table))).get(0);
    try (Statement select = session.connection().createStatement();
        ResultSet rs = select.executeQuery(lookup)) {
      return rs.next();
    }
  }

  /**
   * Whether the table has its marker: stored, or written now for tombstones that a build before the
   * marker stored without one. The writers of this process look for those once per table, before
   * the first of them skips a lookup; a build before the marker must not write to the table from
   * then on.
   */
  private boolean marked(TableName table) throws SQLException {
    if (markerExists(table)) {
      marked.add(table);
      return true;
    }
    String key = session.database() + " " + table;
    if (UNMARKED_CHECKED.contains(key)) {
      return false;
    }
    synchronized (UNMARKED_CHECKING.computeIfAbsent(key, k -> new Object())) {
      if (UNMARKED_CHECKED.contains(key)) {
        return false;
      }
      UNMARKED_LOOKS.incrementAndGet();
      // Not a lookup by key: CrateDB sees only refreshed tombstones.
      session.refresh(session.state().tombstones());
      boolean any;
      try (PreparedStatement select =
          session.connection().prepareStatement(session.state().anyTombstone())) {
        select.setString(1, table.toString());
        try (ResultSet rs = select.executeQuery()) {
          any = rs.next();
        }
      }
      if (any) {
        LOG.info("marking the tombstones of {} stored without a marker", table);
        markTombstones(table);
        return true;
      }
      UNMARKED_CHECKED.add(key);
      return false;
    }
  }

  /** The versions stored in the rows of the given keys of the table (see {@link Target}). */
  Map<String, String> rowVersions(TableName table, Collection<String> pkJsons) {
    Map<String, String> versions = new HashMap<>();
    if (pkJsons.isEmpty()) {
      return versions;
    }
    session.connect();
    KeySchema keys = schemas.known(table).keys;
    java.util.Set<String> wanted = new java.util.HashSet<>(pkJsons);
    try {
      lookUp(
          session.sql().selectRowVersions(table, keys, List.copyOf(wanted)),
          keys,
          wanted,
          (pk, rs) -> versions.put(pk, rs.getString(2)));
      return versions;
    } catch (SQLException e) {
      throw session.failure("reading the row versions of " + table, e);
    }
  }

  /**
   * A {@code pk} object as the database gives it back (its own key order, spacing and number text)
   * in the form {@link KeySchema#toJson} writes: the key attributes in schema order, numbers in
   * canonical form.
   */
  static String canonicalPk(KeySchema keys, String pkJson) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      JsonNode pk = PK_READER.readTree(pkJson);
      json.writeStartObject();
      for (KeySchema.KeyColumn column : keys.columns()) {
        JsonNode value = pk.get(column.name());
        json.writeFieldName(column.name());
        if (value == null || value.isNull()) {
          json.writeNull();
        } else if (value.isNumber()) {
          json.writeNumber(KeySchema.canonical(value.decimalValue()));
        } else {
          json.writeString(value.asText());
        }
      }
      json.writeEndObject();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a pk object: " + pkJson, e);
    }
    return out.toString();
  }

  /**
   * Deletes the row of each key unless it carries a newer version than the removal's. Returns how
   * many rows were deleted.
   */
  int removeIfNotNewer(TableName table, List<Target.Removal> unordered) {
    if (unordered.isEmpty()) {
      return 0;
    }
    // In key order, as tombstones: PostgreSQL locks each row it deletes, and two writers of one
    // table (parts or batches in flight) deleting the same keys in different orders deadlock.
    List<Target.Removal> removals = inKeyOrder(unordered);
    session.connect();
    KeySchema keys = schemas.known(table).keys;
    try {
      Optional<String> conditional = session.sql().conditionalDelete(table);
      if (conditional.isPresent()) {
        try (PreparedStatement delete = session.connection().prepareStatement(conditional.get())) {
          for (Target.Removal removal : removals) {
            delete.setObject(1, session.json(removal.pkJson()));
            delete.setString(2, removal.version());
            delete.addBatch();
          }
          int deleted = 0;
          for (int count : delete.executeBatch()) {
            deleted += Math.max(count, 0);
          }
          return deleted;
        }
      }
      // The revisions of all rows read in a few key lookups and deleted in one bulk request; a row
      // another writer changed in between is read and deleted again on its own.
      Map<String, Revision> revisions = rowRevisions(table, keys, removals);
      int deleted = 0;
      try (PreparedStatement select =
              session.connection().prepareStatement(session.sql().selectRowVersion(table, keys));
          PreparedStatement delete =
              session.connection().prepareStatement(session.sql().deleteRowRevision(table, keys))) {
        List<Target.Removal> batched = new ArrayList<>();
        for (Target.Removal removal : removals) {
          Revision revision = revisions.get(removal.pkJson());
          if (revision == null
              || (revision.version() != null
                  && revision.version().compareTo(removal.version()) > 0)) {
            continue;
          }
          List<Object> keyValues = keyValues(keys, removal.pkJson());
          bindKeys(delete, keyValues);
          delete.setLong(keyValues.size() + 1, revision.seqNo());
          delete.setLong(keyValues.size() + 2, revision.primaryTerm());
          delete.addBatch();
          batched.add(removal);
        }
        beforeBulkDelete.run();
        int[] counts = batched.isEmpty() ? new int[0] : deleteBatch(delete, batched.size());
        for (int i = 0; i < counts.length; i++) {
          deleted +=
              counts[i] == 1 ? 1 : removeRevision(table, keys, batched.get(i), select, delete);
        }
      }
      return deleted;
    } catch (SQLException e) {
      throw session.failure("deleting rows of " + table, e);
    }
  }

  private static List<Target.Removal> inKeyOrder(List<Target.Removal> removals) {
    List<Target.Removal> ordered = new ArrayList<>(removals);
    ordered.sort(java.util.Comparator.comparing(Target.Removal::pkJson));
    return ordered;
  }

  /** A row's revision, for deleting exactly it, and the version it holds. */
  private record Revision(long seqNo, long primaryTerm, String version) {}

  /** The revisions of the rows of the removals' keys that exist, by planned {@code pk}. */
  private Map<String, Revision> rowRevisions(
      TableName table, KeySchema keys, List<Target.Removal> removals) throws SQLException {
    java.util.Set<String> wanted = new java.util.HashSet<>();
    removals.forEach(removal -> wanted.add(removal.pkJson()));
    Map<String, Revision> revisions = new HashMap<>();
    lookUp(
        session.sql().selectRowRevisions(table, keys, List.copyOf(wanted)),
        keys,
        wanted,
        (pk, rs) -> revisions.put(pk, new Revision(rs.getLong(2), rs.getLong(3), rs.getString(4))));
    return revisions;
  }

  /** Reads the result row of a key lookup whose first column is {@code pk}. */
  @FunctionalInterface
  private interface LookedUp {
    void read(String pk, ResultSet rs) throws SQLException;
  }

  /** Runs the lookups; hands each row of a wanted key (planned {@code pk}) to {@code row}. */
  private void lookUp(
      List<TargetSql.RowLookup> lookups, KeySchema keys, java.util.Set<String> wanted, LookedUp row)
      throws SQLException {
    for (TargetSql.RowLookup lookup : lookups) {
      try (PreparedStatement select = session.connection().prepareStatement(lookup.sql())) {
        for (int i = 0; i < lookup.jsonValues().size(); i++) {
          select.setObject(i + 1, session.json(lookup.jsonValues().get(i)));
        }
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            String pk = canonicalPk(keys, rs.getString(1));
            if (wanted.contains(pk)) {
              row.read(pk, rs);
            }
          }
        }
      }
    }
  }

  /**
   * The counts of a bulk delete by revision; on a failure of the bulk as a whole, a count of 0 for
   * each row, which sends every row on to be deleted alone.
   */
  private static int[] deleteBatch(PreparedStatement delete, int rows) throws SQLException {
    try {
      return delete.executeBatch();
    } catch (BatchUpdateException e) {
      LOG.debug("a bulk delete by revision failed, deleting row by row: {}", e.getMessage());
      return new int[rows];
    }
  }

  /** Reads the row's revision and deletes exactly that revision, again if another writer won. */
  private int removeRevision(
      TableName table,
      KeySchema keys,
      Target.Removal removal,
      PreparedStatement select,
      PreparedStatement delete)
      throws SQLException {
    List<Object> keyValues = keyValues(keys, removal.pkJson());
    for (int attempt = 0; attempt < REVISION_RETRIES; attempt++) {
      bindKeys(select, keyValues);
      long seqNo;
      long primaryTerm;
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        seqNo = rs.getLong(1);
        primaryTerm = rs.getLong(2);
        String version = rs.getString(3);
        if (version != null && version.compareTo(removal.version()) > 0) {
          return 0;
        }
      }
      bindKeys(delete, keyValues);
      delete.setLong(keyValues.size() + 1, seqNo);
      delete.setLong(keyValues.size() + 2, primaryTerm);
      if (delete.executeUpdate() == 1) {
        return 1;
      }
      LOG.debug("row {} of {} changed while being deleted; reading it again", removal, table);
    }
    throw new TargetUnavailableException(
        "the row " + removal.pkJson() + " of " + table + " kept changing while being deleted",
        null);
  }

  private static List<Object> keyValues(KeySchema keys, String pkJson) {
    JsonNode pk;
    try {
      pk = JSON.readTree(pkJson);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a pk object: " + pkJson, e);
    }
    List<Object> values = new ArrayList<>(keys.columns().size());
    for (KeySchema.KeyColumn column : keys.columns()) {
      JsonNode value = pk.get(column.name());
      values.add(value.isNumber() ? (Object) value.decimalValue() : value.asText());
    }
    return values;
  }

  private static void bindKeys(PreparedStatement statement, List<Object> values)
      throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      if (value instanceof java.math.BigDecimal number) {
        statement.setLong(i + 1, number.longValueExact());
      } else {
        statement.setString(i + 1, (String) value);
      }
    }
  }

  /**
   * Moves the rows flagged deleted (written by a {@code soft} relay or an earlier release) to the
   * tombstone table and out of the table, when the table is first used in {@code hard} mode.
   */
  int migrateTombstoneRows(TableName table) {
    session.connect();
    if (schemas.createdForHardDeletes(table)) {
      // A full load creates its table and its writers come here at once: a REFRESH and a search
      // that find nothing stood between the table's creation and its first write.
      return 0;
    }
    MIGRATION_SEARCHES.incrementAndGet();
    try {
      session.refresh(table);
      List<Target.Removal> removals = new ArrayList<>();
      KeySchema keys = schemas.known(table).keys;
      try (Statement statement = session.connection().createStatement();
          ResultSet rs = statement.executeQuery(session.sql().selectTombstoneRows(table))) {
        while (rs.next()) {
          String version = rs.getString(2);
          // The key as the relay plans it (its columns in order, numbers as canonical text), not
          // as stored: PostgreSQL's JSONB reorders keys, and a tombstone keyed otherwise is never
          // found again.
          removals.add(
              new Target.Removal(
                  canonicalPk(keys, rs.getString(1)), version == null ? "" : version));
        }
      }
      if (removals.isEmpty()) {
        return 0;
      }
      LOG.info(
          "moving {} rows flagged deleted in {} to {}",
          removals.size(),
          table,
          session.state().tombstones());
      tombstone(table, removals);
      return removeIfNotNewer(table, removals);
    } catch (SQLException e) {
      throw session.failure("moving deleted rows of " + table, e);
    }
  }

  private void bindRow(PreparedStatement statement, PlannedRow row, boolean expiry)
      throws SQLException {
    statement.setObject(1, session.json(row.pkJson()));
    statement.setObject(2, session.json(row.dataJson()));
    statement.setObject(3, session.json(row.auxJson()));
    statement.setString(4, row.version().encode());
    statement.setBoolean(5, row.deleted());
    if (expiry) {
      statement.setTimestamp(6, row.expiredAt().map(Timestamp::from).orElse(null));
    }
  }

  /** When the change of an encoded version was made; the epoch for a row that had none. */
  private static Instant createdAt(String encodedVersion) {
    try {
      return io.cdcrelay.change.ChangeVersion.decode(encodedVersion).createdAt();
    } catch (IllegalArgumentException e) {
      return Instant.EPOCH;
    }
  }
}
