package io.cdcrelay.relay;

import io.cdcrelay.change.Change;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.plan.BatchPlan;
import io.cdcrelay.plan.BatchPlanner;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.Route;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay core: applies one batch of changes. Each change is routed to the target table of its
 * DynamoDB table; per table the changes are reduced to the newest per item, written in one bulk
 * upsert, deletions applied per the delete mode, and every row's outcome checked: a rejected row is
 * written again with the offending attributes in {@code aux}, and set aside as a dead letter only
 * if it still fails. The Lambda handler and the local relay both call it.
 */
public final class Relay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  private static final Pattern QUOTED = Pattern.compile("`([^`]+)`|'([^']+)'|\"([^\"]+)\"");
  // How often a process re-reads a table's purge horizon, and at most moves it itself.
  private static final Duration BINDING_TTL = Duration.ofMinutes(10);
  private static final Duration PURGE_STEP = Duration.ofHours(1);
  // The youngest a purge horizon is when it is set: `relay purge --older-than` takes no less, and a
  // relay's own purge trails its newest change by the tombstone retention (an hour at least).
  private static final Duration YOUNGEST_HORIZON = Duration.ofHours(1);
  // How old a binding may be to judge a change older than that: about one batch.
  private static final Duration FRESH_BINDING = Duration.ofSeconds(1);
  private static final java.util.Comparator<PlannedRow> BY_KEY =
      java.util.Comparator.comparing(PlannedRow::pkJson);

  private final DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();
  private final Target target;
  private final RelaySettings settings;
  private final Clock clock;
  private BatchPlanner planner;
  // What this relay shares with the other relays of its target in this process (lanes, segments).
  private final Shared shared;

  public Relay(Target target, RelaySettings settings, Clock clock) {
    this(target, settings, clock, new Shared());
  }

  /**
   * A relay that shares with the others of the same target and settings in this process what they
   * learnt of each table ({@link Shared}), so that they do once what one relay does once.
   */
  public Relay(Target target, RelaySettings settings, Clock clock, Shared shared) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.shared = shared;
  }

  /** State for the relays of one target to share (each relay runs on its own thread). */
  public static Shared sharedState() {
    return new Shared();
  }

  /**
   * What relays of one target share, per table: that its rows flagged deleted by an earlier release
   * were moved to the tombstones ({@link Target#migrateTombstoneRows}; one migration, with its
   * REFRESH, per table and process, not one per lane or segment), and its entry in the state schema
   * with when it was read (one binding, and one purge per {@link #PURGE_STEP}, per table and
   * process: eight segments of a load each bound the table and purged its tombstones). Thread-safe.
   */
  public static final class Shared {
    private final Set<TableName> migrated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<TableName, TableEntry> tables =
        new java.util.concurrent.ConcurrentHashMap<>();

    private TableEntry table(TableName table) {
      return tables.computeIfAbsent(table, t -> new TableEntry());
    }
  }

  /** A table's binding and when it was read; {@code null} until read, or once stale. */
  private static final class TableEntry {
    private Target.Binding binding;
    private Instant readAt;
  }

  /** Decodes Kinesis records ("Kinesis Data Streams for DynamoDB") and applies them. */
  public BatchResult apply(List<SourceRecord> records) {
    return apply(records, null);
  }

  /** As {@link #apply(List)}, recording the batch in the status table under {@code source}. */
  public BatchResult apply(List<SourceRecord> records, String source) {
    List<Decoded> decoded = new ArrayList<>(records.size());
    for (SourceRecord record : records) {
      decoded.add(decoder.decode(record));
    }
    return applyDecoded(decoded, source);
  }

  /**
   * Applies a batch of decoded records of one shard, given in stream order.
   *
   * @throws BadTargetException when the configuration disagrees with the state schema
   */
  public BatchResult applyDecoded(List<Decoded> decoded) {
    return applyDecoded(decoded, null);
  }

  /**
   * As {@link #applyDecoded(List)}; when the batch is applied, adds it to the status table's rows
   * of {@code source} (the stream's ARN), its shard and each target table. No status is kept for a
   * {@code null} source.
   */
  public BatchResult applyDecoded(List<Decoded> decoded, String source) {
    return applyDecoded(decoded, source, this::recordStatus);
  }

  /**
   * As {@link #applyDecoded(List, String)}, but hands the applied batch's status rows to {@code
   * status} instead of storing them: a caller that applies one batch in parts stores the rows of
   * all parts in one statement ({@link Target.Status#merge}, {@link #recordStatus(List)}).
   */
  public BatchResult applyDecoded(
      List<Decoded> decoded, String source, Consumer<List<Target.Status>> status) {
    Instant started = clock.instant();
    List<SourceRecord> records = new ArrayList<>(decoded.size());
    decoded.forEach(d -> records.add(d.source()));
    Progress progress = new Progress(records);
    Counts totals = new Counts("*");
    totals.received = records.size();
    List<BatchResult.TableCounts> perTable = new ArrayList<>();
    try {
      List<DeadLetter> unrouted = new ArrayList<>();
      Map<TableName, Group> groups = route(decoded, unrouted, totals, progress);
      Map<TableName, Counts> perTableCounts = new LinkedHashMap<>();
      for (Group group : groups.values()) {
        Counts counts = applyTable(group, unrouted, progress);
        totals.add(counts);
        perTable.add(counts.toTableCounts());
        perTableCounts.put(group.table, counts);
      }
      target.deadLetter(null, unrouted);
      totals.deadLettered += unrouted.size();
      progress.allSettled();
      BatchResult result =
          result(totals, perTable, records, started, Optional.empty(), Optional.empty(), false);
      status.accept(statusRows(source, groups.values(), perTableCounts));
      return result;
    } catch (TargetUnavailableException e) {
      target.reset();
      String from = progress.firstUnapplied();
      LOG.warn("batch failed from sequence number {}: {}", from, e.getMessage());
      Counts none = new Counts("*");
      none.received = records.size();
      return result(
          none,
          List.of(),
          records,
          started,
          Optional.ofNullable(from),
          Optional.of(e.getMessage()),
          e.unreachable());
    }
  }

  /**
   * The applied batch's rows of the status table: per target table, the last record, the newest
   * change and the counts; none without a source.
   */
  private List<Target.Status> statusRows(
      String source, Collection<Group> groups, Map<TableName, Counts> counts) {
    if (source == null || source.isBlank()) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Target.Status> rows = new ArrayList<>();
    for (Group group : groups) {
      Counts c = counts.get(group.table);
      if (c == null || c.received == 0 || group.changes.isEmpty()) {
        continue;
      }
      String last = null;
      Instant newest = Instant.EPOCH;
      for (Change change : group.changes) {
        String seq = change.source().sequenceNumber();
        last = last == null || SequenceNumbers.ORDER.compare(seq, last) > 0 ? seq : last;
        Instant created = change.createdAt();
        newest = created.isAfter(newest) ? created : newest;
      }
      rows.add(
          new Target.Status(
              source,
              group.changes.get(0).source().shardId(),
              group.table,
              last,
              newest,
              now,
              c.received,
              c.upserted,
              c.deleted,
              c.expired,
              c.deadLettered,
              c.rerouted,
              c.stale));
    }
    return rows;
  }

  /**
   * Adds applied batches to the status table. The batches are applied whether or not their status
   * can be stored: a failure here is logged, not retried.
   */
  public void recordStatus(List<Target.Status> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      target.recordStatus(rows);
    } catch (TargetUnavailableException e) {
      target.reset();
      LOG.warn("the batch is applied, but its status could not be stored: {}", e.getMessage());
    }
  }

  /** The changes of one target table in a batch. */
  private static final class Group {
    final TableName table;
    final String sourceTable;
    final boolean checkBinding;
    final List<Change> changes = new ArrayList<>();

    Group(TableName table, String sourceTable, boolean checkBinding) {
      this.table = table;
      this.sourceTable = sourceTable;
      this.checkBinding = checkBinding;
    }
  }

  private Map<TableName, Group> route(
      List<Decoded> decoded, List<DeadLetter> unrouted, Counts totals, Progress progress) {
    Map<TableName, Group> groups = new LinkedHashMap<>();
    // A route's table, named and checked once per batch, not once per record.
    Map<Route.To, TableName> tables = new HashMap<>();
    for (Decoded record : decoded) {
      if (record instanceof Decoded.Poison poison) {
        unrouted.add(new DeadLetter(poison.source(), "decode", poison.reason()));
        continue;
      }
      Change change = ((Decoded.Ok) record).change();
      Route route = settings.routes().route(change.tableName());
      if (route instanceof Route.Skip) {
        totals.skipped++;
        progress.done(change.source());
      } else if (route instanceof Route.Refuse refuse) {
        unrouted.add(new DeadLetter(change.source(), "route", refuse.reason()));
      } else {
        Route.To to = (Route.To) route;
        TableName table = tables.computeIfAbsent(to, this::targetTable);
        Group group =
            groups.computeIfAbsent(
                table,
                t ->
                    new Group(
                        t,
                        change.tableName().isEmpty() ? null : change.tableName(),
                        to.checkBinding()));
        group.changes.add(change);
      }
    }
    return groups;
  }

  private TableName targetTable(Route.To to) {
    try {
      return target.table(to.schema(), to.table());
    } catch (IllegalArgumentException e) {
      throw new BadTargetException("the target table " + to.display() + ": " + e.getMessage());
    }
  }

  private Counts applyTable(Group group, List<DeadLetter> unrouted, Progress progress) {
    TableName table = group.table;
    Counts counts = new Counts(table.toString());
    counts.received = group.changes.size();
    Target.Binding binding = binding(group);
    if (binding.deletes() != settings.deletes()) {
      throw new BadTargetException(
          "table "
              + table
              + " is relayed with deletes="
              + binding.deletes().label()
              + " (see "
              + target.bindings()
              + "); this relay is set to deletes="
              + settings.deletes().label()
              + ": set CRATEDB_DELETES="
              + binding.deletes().label()
              + " for every writer of the table");
    }
    List<Change> changes = group.changes;
    if (group.checkBinding && binding.sourceTable() != null) {
      // Each change on its own: a batch may hold several DynamoDB tables, and the binding may
      // have been made by this very batch, with the table of its first change.
      changes = new ArrayList<>(group.changes.size());
      for (Change change : group.changes) {
        if (change.tableName().isEmpty() || binding.sourceTable().equals(change.tableName())) {
          changes.add(change);
        } else {
          counts.received--;
          unrouted.add(
              new DeadLetter(
                  change.source(),
                  "route",
                  "the change is of DynamoDB table \""
                      + change.tableName()
                      + "\", but the target table "
                      + table
                      + " is bound to DynamoDB table \""
                      + binding.sourceTable()
                      + "\" (see "
                      + target.bindings()
                      + "); route it with CRATEDB_TABLE_MAP or a schema-only target URL"));
        }
      }
      if (changes.isEmpty()) {
        return counts;
      }
    }
    List<DeadLetter> deadLetters = new ArrayList<>();
    List<Decoded> accepted = new ArrayList<>(changes.size());
    for (Change change : changes) {
      if (isTooOld(change, binding)) {
        deadLetters.add(
            new DeadLetter(
                change.source(),
                "too-old",
                "the change was made at "
                    + change.createdAt()
                    + ", before the purge horizon "
                    + binding.purgedBefore()
                    + " of "
                    + table
                    + ": its item's tombstone may be gone, so it cannot be ordered safely"
                    + " (CRATEDB_ACCEPT_TOO_OLD=true applies it anyway)"));
      } else if (change.operation() == Operation.REMOVE
          && change.ttlDeletion()
          && (settings.ttl() == TtlPolicy.KEEP
              || (settings.ttl() == TtlPolicy.MARK && change.oldImage().isEmpty()))) {
        counts.expired++;
        progress.done(change.source());
      } else {
        accepted.add(new Decoded.Ok(change));
      }
    }
    if (!accepted.isEmpty()) {
      writeTable(table, accepted, deadLetters, counts, progress);
    }
    target.deadLetter(table, deadLetters);
    deadLetters.forEach(letter -> progress.done(letter.source()));
    counts.deadLettered += deadLetters.size();
    purgeIfDue(group);
    return counts;
  }

  /**
   * Readies this relay's writes to the target table of DynamoDB table {@code dynamoDbTable} (key
   * schema {@code keys}) before its first batch, doing what that batch would do first: connect,
   * bind the table, read its columns and recorded key types, and on a table of hard deletes move
   * the tombstone rows of an earlier build. A full load's writers do it while its first pages are
   * read, not after. A table the routes skip or refuse is left alone: its changes say why.
   */
  public void prepare(String dynamoDbTable, KeySchema keys) {
    if (!(settings.routes().route(dynamoDbTable) instanceof Route.To to)) {
      return;
    }
    try {
      Group group = new Group(targetTable(to), dynamoDbTable, to.checkBinding());
      binding(group);
      prepareTable(group.table, keys);
    } catch (TargetUnavailableException e) {
      target.reset();
      throw e;
    }
  }

  /**
   * Makes the table ready for writes ({@link Target#prepare}), moving a hard-delete table's
   * tombstone rows once per process; its key schema.
   */
  private KeySchema prepareTable(TableName table, KeySchema proposed) {
    KeySchema keys =
        target.prepare(table, proposed, settings.ttl() == TtlPolicy.MARK, settings.deletes());
    if (settings.deletes() == DeleteMode.HARD && shared.migrated.add(table)) {
      try {
        target.migrateTombstoneRows(table);
      } catch (RuntimeException e) {
        // Not moved: the next batch, of this relay or another, tries again.
        shared.migrated.remove(table);
        throw e;
      }
    }
    return keys;
  }

  /**
   * The table's binding: cached for {@link #BINDING_TTL}, but read again (unless read within {@link
   * #FRESH_BINDING}) for a group holding a change that a purge horizon may have passed since:
   * another process may have moved the horizon and removed the tombstone that would have ordered
   * the change, which a horizon cached for minutes would let through to bring a deleted item back.
   */
  private Target.Binding binding(Group group) {
    TableEntry entry = shared.table(group.table);
    synchronized (entry) {
      return current(entry, group, mayBeBehindAHorizon(group) ? FRESH_BINDING : BINDING_TTL);
    }
  }

  /**
   * Whether the group holds a change older than any purge horizon is when set, in a table whose
   * horizon is checked at all.
   */
  private boolean mayBeBehindAHorizon(Group group) {
    if (settings.acceptTooOld() || settings.deletes() != DeleteMode.HARD) {
      return false;
    }
    Instant youngest = clock.instant().minus(YOUNGEST_HORIZON);
    for (Change change : group.changes) {
      if (change.createdAt().isBefore(youngest)) {
        return true;
      }
    }
    return false;
  }

  /** The entry's binding, read again when never read or older than {@link #BINDING_TTL}. */
  private Target.Binding current(TableEntry entry, Group group) {
    return current(entry, group, BINDING_TTL);
  }

  /** The entry's binding, read again when never read or older than {@code ttl}. */
  private Target.Binding current(TableEntry entry, Group group, Duration ttl) {
    Instant now = clock.instant();
    if (entry.readAt == null || entry.readAt.plus(ttl).isBefore(now)) {
      entry.binding = target.bind(group.table, group.sourceTable, settings.deletes());
      entry.readAt = now;
    }
    return entry.binding;
  }

  private boolean isTooOld(Change change, Target.Binding binding) {
    return !settings.acceptTooOld()
        && binding.purgedBefore() != null
        && change.createdAt().isBefore(binding.purgedBefore());
  }

  /**
   * Moves the table's purge horizon to the newest change applied minus the tombstone retention, at
   * most once per {@link #PURGE_STEP} of it, and removes the tombstones before it: a bounded cost,
   * one keyed update and one delete per step. Measured from the stream's changes, not the clock, so
   * a relay that lags behind its stream never purges what the stream may still deliver; a full
   * load's rows (read versions, {@link ChangeVersion#LOWEST_SEQUENCE}) move nothing: purging is the
   * stream's maintenance, and a load's writers would wait for it. A change dated after the clock (a
   * producer's clock far ahead) counts as now: it must not move the horizon past the changes the
   * stream still delivers, which would all be dead letters {@code too-old}.
   */
  private void purgeIfDue(Group group) {
    if (settings.deletes() != DeleteMode.HARD || group.changes.isEmpty()) {
      return;
    }
    Instant newest = Instant.EPOCH;
    for (Change change : group.changes) {
      if (ChangeVersion.LOWEST_SEQUENCE.equals(change.source().sequenceNumber())) {
        continue;
      }
      Instant created = change.createdAt();
      newest = created.isAfter(newest) ? created : newest;
    }
    Instant now = clock.instant();
    newest = newest.isAfter(now) ? now : newest;
    Instant horizon = newest.minus(settings.tombstoneRetention());
    if (horizon.isBefore(Instant.EPOCH.plus(Duration.ofDays(1)))) {
      return;
    }
    TableEntry entry = shared.table(group.table);
    // One relay of the process purges; the others, waiting, find the horizon it moved.
    synchronized (entry) {
      Target.Binding binding = current(entry, group);
      if (binding.purgedBefore() != null
          && horizon.isBefore(binding.purgedBefore().plus(PURGE_STEP))) {
        return;
      }
      entry.readAt = null;
      try {
        target.advancePurgeHorizon(group.table, horizon);
        int purged = target.purgeTombstones(group.table, horizon);
        if (purged > 0) {
          LOG.info("purged {} tombstones of {} older than {}", purged, group.table, horizon);
        } else {
          LOG.debug("no tombstones of {} older than {}", group.table, horizon);
        }
      } catch (TargetUnavailableException | BadTargetException e) {
        // Maintenance: the batch is applied, and failing it would apply it all again and again.
        // Until the horizon moves, the next batch tries again; the tombstones are only kept.
        target.reset();
        LOG.warn(
            "could not purge the tombstones of {} older than {} (the batch is applied): {}",
            group.table,
            horizon,
            e.getMessage());
      }
    }
  }

  private void writeTable(
      TableName table,
      List<Decoded> accepted,
      List<DeadLetter> deadLetters,
      Counts counts,
      Progress progress) {
    if (planner == null) {
      planner =
          new BatchPlanner(
              new ItemMapper(target.strictNames(), target.maxTextBytes()),
              settings.ttl() == TtlPolicy.MARK);
    }
    KeySchema proposed = null;
    for (Decoded record : accepted) {
      proposed = proposedKeys(((Decoded.Ok) record).change());
      if (proposed != null) {
        break;
      }
    }
    if (proposed == null) {
      // No change with usable keys: nothing to write but dead letters.
      deadLetters.addAll(planner.plan(accepted, null, null).deadLetters());
      return;
    }
    KeySchema keys = prepareTable(table, proposed);
    ColumnTypes types = target.columnTypes(table);
    BatchPlan plan = planner.plan(accepted, keys, types);
    deadLetters.addAll(plan.deadLetters());
    counts.coalesced += plan.coalesced();
    List<PlannedRow> live = new ArrayList<>();
    List<PlannedRow> removed = new ArrayList<>();
    for (PlannedRow row : plan.rows()) {
      (row.deleted() && settings.deletes() == DeleteMode.HARD ? removed : live).add(row);
    }
    // Upserted in key order: PostgreSQL locks rows as a statement writes them, and two writers of
    // one table (parts or batches in flight) taking the same keys in different orders deadlock.
    // (The writer orders deletions and tombstones itself; an upsert's results follow its rows.)
    live.sort(BY_KEY);
    if (!removed.isEmpty()) {
      // Tombstone first, then the row: a writer upserting an older change of one of these items
      // meanwhile finds the tombstone after its own write and removes the row again.
      List<Target.Removal> removals = new ArrayList<>(removed.size());
      for (PlannedRow row : removed) {
        removals.add(new Target.Removal(row.pkJson(), row.version().encode()));
      }
      target.tombstone(table, removals);
      target.removeIfNotNewer(table, removals);
      removed.forEach(progress::applied);
    }
    Write write = write(table, keys, live, deadLetters);
    List<PlannedRow> landed = new ArrayList<>(write.written);
    landed.addAll(removed);
    Map<String, String> tombstones = Map.of();
    if (settings.deletes() == DeleteMode.HARD && !landed.isEmpty()) {
      // Every row: one found in place may be one a writer left that stopped between its write and
      // this check, and the changes written over it since may be older than the item's delete.
      List<String> landedKeys = new ArrayList<>(landed.size());
      for (PlannedRow row : landed) {
        landedKeys.add(row.pkJson());
      }
      tombstones = target.tombstoneVersions(table, landedKeys);
      resurrectNothing(table, write.written, tombstones);
    }
    // Applied once no tombstone can be newer; counting them (a read) may still fail the batch.
    write.written.forEach(progress::applied);
    Set<String> stale = stale(table, landed, tombstones, write.versions);
    for (PlannedRow row : landed) {
      if (stale.contains(row.pkJson())) {
        counts.stale++;
      } else if (row.deleted() || row.expiredAt().isPresent()) {
        countRemoval(row, counts);
      } else {
        counts.upserted++;
      }
    }
    counts.rerouted += write.rerouted;
  }

  /**
   * The keys of the rows the ordering guard left alone: after the writes, their item holds a newer
   * version than theirs — in its row (the guarded upsert or delete kept it) or in its tombstone (a
   * newer delete). The row versions are those the write returned, and one key lookup of the other
   * rows' (deleted ones, rows written one by one); the tombstones are those the caller read. Where
   * the versions are read after the write, a newer change written by another writer in between
   * counts this one as stale.
   */
  private Set<String> stale(
      TableName table,
      List<PlannedRow> landed,
      Map<String, String> tombstones,
      Map<String, String> written) {
    Set<String> stale = new HashSet<>();
    if (landed.isEmpty()) {
      return stale;
    }
    List<String> unknown = new ArrayList<>();
    for (PlannedRow row : landed) {
      if (!written.containsKey(row.pkJson())) {
        unknown.add(row.pkJson());
      }
    }
    Map<String, String> stored = written;
    if (!unknown.isEmpty()) {
      stored = new HashMap<>(written);
      stored.putAll(target.rowVersions(table, unknown));
    }
    ChangeVersion.Encoder versions = new ChangeVersion.Encoder();
    for (PlannedRow row : landed) {
      String version = versions.encode(row.version());
      String inRow = stored.get(row.pkJson());
      String inTombstone = tombstones.get(row.pkJson());
      if ((inRow != null && inRow.compareTo(version) > 0)
          || (inTombstone != null && inTombstone.compareTo(version) > 0)) {
        stale.add(row.pkJson());
      }
    }
    return stale;
  }

  /**
   * After upserting rows in {@code hard} mode: a row whose item has a newer tombstone (a delete
   * that another writer applied before this write landed) is removed again.
   */
  private void resurrectNothing(
      TableName table, List<PlannedRow> written, Map<String, String> tombstones) {
    if (written.isEmpty() || tombstones.isEmpty()) {
      return;
    }
    List<Target.Removal> stale = new ArrayList<>();
    ChangeVersion.Encoder versions = new ChangeVersion.Encoder();
    for (PlannedRow row : written) {
      String tombstone = tombstones.get(row.pkJson());
      if (tombstone != null && tombstone.compareTo(versions.encode(row.version())) >= 0) {
        stale.add(new Target.Removal(row.pkJson(), tombstone));
      }
    }
    if (!stale.isEmpty()) {
      int removed = target.removeIfNotNewer(table, stale);
      // Changes delivered out of order: the delete wins, as it should.
      String rows = stale.size() == 1 ? "1 row" : stale.size() + " rows";
      LOG.info(
          "{}: {} written from changes older than their item's delete (delivered out of order)"
              + " {}",
          table,
          rows,
          removed == stale.size()
              ? "removed again"
              : "checked: " + removed + " removed again, the others were gone or newer already");
    }
  }

  /** A removal by DynamoDB's time to live counts as expired, any other as deleted. */
  private static void countRemoval(PlannedRow row, Counts counts) {
    if (row.winner().ttlDeletion()) {
      counts.expired++;
    } else {
      counts.deleted++;
    }
  }

  private static KeySchema proposedKeys(Change change) {
    try {
      return KeySchema.fromKeys(change.keys());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The rows a write landed (as finally planned, with a count of those rerouted to aux) and the
   * versions they hold after it, where the write said so.
   */
  private record Write(List<PlannedRow> written, int rerouted, Map<String, String> versions) {}

  /**
   * Writes the rows in one bulk request, then retries what failed: after a whole-batch failure with
   * fresh column types (another writer may have created a planned column with another type), then
   * row by row; a rejected row with the attributes its error names in {@code aux}, then with all of
   * them. Rows that still fail become dead letters.
   */
  private Write write(
      TableName table, KeySchema keys, List<PlannedRow> planned, List<DeadLetter> deadLetters) {
    List<PlannedRow> written = new ArrayList<>(planned.size());
    if (planned.isEmpty()) {
      return new Write(written, 0, Map.of());
    }
    List<PlannedRow> rows = planned;
    Target.RowResults results = target.upsert(table, rows);
    if (results.batchFailed()) {
      // Not an error yet: another writer (a segment, a lane) may have added columns meanwhile.
      LOG.info(
          "{}: the bulk write was refused as a whole ({}); writing again with the table's column"
              + " types read anew (rows that fail again become dead letters)",
          table,
          results.batchError());
      target.refreshColumnTypes(table);
      rows = replan(rows, keys, target.columnTypes(table));
      results = target.upsert(table, rows);
      if (results.batchFailed()) {
        results = target.upsertEach(table, rows);
      }
    }
    int rerouted = 0;
    List<PlannedRow> failed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String error = results.errors().get(i);
      if (error == null) {
        written.add(rows.get(i));
        if (!planned.get(i).inAux().containsAll(rows.get(i).inAux())) {
          rerouted++;
        }
      } else {
        failed.add(rows.get(i));
        errors.add(error);
      }
    }
    if (failed.isEmpty()) {
      return new Write(written, rerouted, results.storedVersions());
    }
    target.refreshColumnTypes(table);
    for (int i = 0; i < failed.size(); i++) {
      PlannedRow row = failed.get(i);
      String error = errors.get(i);
      Set<String> named = namedAttributes(row, error);
      List<PlannedRow> attempts = new ArrayList<>();
      if (!named.isEmpty()) {
        Set<String> toAux = new HashSet<>(row.inAux());
        toAux.addAll(named);
        attempts.add(planner.reroute(row, keys, target.columnTypes(table), toAux, false));
      }
      attempts.add(planner.reroute(row, keys, target.columnTypes(table), Set.of(), true));
      boolean landed = false;
      for (PlannedRow attempt : attempts) {
        String attemptError = target.upsertEach(table, List.of(attempt)).errors().get(0);
        if (attemptError == null) {
          LOG.info(
              "row {} written with attributes {} in aux after: {}",
              abbreviate(attempt.pkJson()),
              attempt.inAux(),
              error);
          landed = true;
          rerouted++;
          written.add(attempt);
          break;
        }
        error = attemptError;
      }
      if (!landed) {
        LOG.warn("row {} rejected, dead-lettered: {}", abbreviate(row.pkJson()), error);
        deadLetters.add(new DeadLetter(row.winner().source(), "write", error));
      }
    }
    return new Write(written, rerouted, results.storedVersions());
  }

  private List<PlannedRow> replan(List<PlannedRow> rows, KeySchema keys, ColumnTypes types) {
    List<PlannedRow> replanned = new ArrayList<>(rows.size());
    for (PlannedRow row : rows) {
      replanned.add(planner.reroute(row, keys, types, Set.of(), false));
    }
    return replanned;
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "… (" + text.length() + " chars)";
  }

  /** Top-level attributes of the row's item that an error message names. */
  static Set<String> namedAttributes(PlannedRow row, String error) {
    Set<String> named = new LinkedHashSet<>();
    if (error == null || row.deleted()) {
      return named;
    }
    Matcher m = QUOTED.matcher(error);
    List<String> tokens = new ArrayList<>();
    while (m.find()) {
      for (int g = 1; g <= 3; g++) {
        if (m.group(g) != null) {
          tokens.add(m.group(g));
        }
      }
    }
    for (String attribute : row.image().keySet()) {
      for (String token : tokens) {
        if (token.equals(attribute)
            || token.startsWith(attribute + "[")
            || token.startsWith(attribute + ".")
            || token.startsWith("data['" + attribute + "'")) {
          named.add(attribute);
        }
      }
    }
    return named;
  }

  private BatchResult result(
      Counts totals,
      List<BatchResult.TableCounts> tables,
      List<SourceRecord> records,
      Instant started,
      Optional<String> failedFrom,
      Optional<String> failure,
      boolean targetUnreachable) {
    Instant now = clock.instant();
    Instant oldest = null;
    for (SourceRecord record : records) {
      if (!record.arrivedAt().equals(Instant.EPOCH)
          && (oldest == null || record.arrivedAt().isBefore(oldest))) {
        oldest = record.arrivedAt();
      }
    }
    return new BatchResult(
        totals.received,
        totals.upserted,
        totals.deleted,
        totals.expired,
        totals.coalesced,
        totals.deadLettered,
        totals.rerouted,
        totals.stale,
        totals.skipped,
        Duration.between(started, now),
        oldest == null ? Duration.ZERO : Duration.between(oldest, now),
        failedFrom,
        failure,
        tables,
        targetUnreachable);
  }

  @Override
  public void close() {
    target.close();
  }

  /** Counts of one table, or of the whole batch. */
  private static final class Counts {
    final String table;
    int received;
    int upserted;
    int deleted;
    int expired;
    int coalesced;
    int deadLettered;
    int rerouted;
    int stale;
    int skipped;

    Counts(String table) {
      this.table = table;
    }

    void add(Counts other) {
      upserted += other.upserted;
      deleted += other.deleted;
      expired += other.expired;
      coalesced += other.coalesced;
      deadLettered += other.deadLettered;
      rerouted += other.rerouted;
      stale += other.stale;
    }

    BatchResult.TableCounts toTableCounts() {
      return new BatchResult.TableCounts(
          table, received, upserted, deleted, expired, coalesced, deadLettered, rerouted, stale);
    }
  }

  /** Which records of the batch are applied, to report the first that is not. */
  private static final class Progress {
    private final List<SourceRecord> records;
    private final Set<String> unapplied = new HashSet<>();

    Progress(List<SourceRecord> records) {
      this.records = records;
      records.forEach(r -> unapplied.add(r.sequenceNumber()));
    }

    /** The row is written: its change and every change it superseded are applied. */
    void applied(PlannedRow row) {
      row.sequenceNumbers().forEach(unapplied::remove);
    }

    /** The record needs nothing more: skipped, kept, or stored as a dead letter. */
    void done(SourceRecord record) {
      unapplied.remove(record.sequenceNumber());
    }

    /** Every record is written or stored as a dead letter. */
    void allSettled() {
      unapplied.clear();
    }

    String firstUnapplied() {
      return records.stream()
          .map(SourceRecord::sequenceNumber)
          .filter(unapplied::contains)
          .min(SequenceNumbers.ORDER)
          .orElse(null);
    }
  }
}
