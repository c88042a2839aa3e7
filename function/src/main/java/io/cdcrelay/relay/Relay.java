package io.cdcrelay.relay;

import io.cdcrelay.change.Change;
import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.plan.BatchPlan;
import io.cdcrelay.plan.BatchPlanner;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay core: applies one batch of Kinesis records to the target table. Records are decoded,
 * reduced to the newest change per item, written in one bulk upsert, and every row's outcome is
 * checked: a rejected row is written again with the offending attributes in {@code aux}, and set
 * aside as a dead letter only if it still fails. The Lambda handler and the local relay both call
 * {@link #apply}.
 */
public final class Relay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  private static final Pattern QUOTED = Pattern.compile("`([^`]+)`|'([^']+)'|\"([^\"]+)\"");

  private final DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();
  private final JdbcTarget target;
  private final Clock clock;
  private BatchPlanner planner;
  private KeySchema tableKeys;
  private ColumnTypes plannedTypes;

  public Relay(JdbcTarget target, Clock clock) {
    this.target = target;
    this.clock = clock;
  }

  /** Applies a batch of records of one shard, given in stream order. */
  public BatchResult apply(List<SourceRecord> records) {
    Instant started = clock.instant();
    if (records.isEmpty()) {
      return result(records, 0, 0, 0, 0, 0, started, Optional.empty(), Optional.empty());
    }
    Progress progress = new Progress(records);
    List<Decoded> decoded = new ArrayList<>(records.size());
    for (SourceRecord record : records) {
      decoded.add(decoder.decode(record));
    }
    try {
      BatchPlan plan = plan(decoded);
      List<DeadLetter> deadLetters = new ArrayList<>(plan.deadLetters());
      int rerouted = write(plan.rows(), deadLetters, progress);
      if (rerouted == 0 && plannedTypes != null) {
        // The sub-columns this batch created exist now: plan the next batch against them.
        target.remember(plannedTypes);
      }
      target.deadLetter(deadLetters);
      progress.deadLettersStored();
      int deleted = (int) plan.rows().stream().filter(PlannedRow::deleted).count();
      int failedRows = deadLetters.size() - plan.deadLetters().size();
      return result(
          records,
          plan.rows().size() - deleted - failedRows,
          deleted,
          plan.coalesced(),
          deadLetters.size(),
          rerouted,
          started,
          Optional.empty(),
          Optional.empty());
    } catch (TargetUnavailableException e) {
      target.reset();
      String from = progress.firstUnapplied();
      LOG.warn("batch failed from sequence number {}: {}", from, e.getMessage());
      return result(
          records, 0, 0, 0, 0, 0, started, Optional.ofNullable(from), Optional.of(e.getMessage()));
    }
  }

  private BatchPlan plan(List<Decoded> decoded) {
    KeySchema keys = null;
    for (Decoded record : decoded) {
      if (record instanceof Decoded.Ok ok) {
        keys = proposedKeys(ok.change());
        if (keys != null) {
          break;
        }
      }
    }
    if (planner == null) {
      planner =
          new BatchPlanner(new ItemMapper(target.sql().strictNames(), target.sql().maxTextBytes()));
    }
    if (keys == null) {
      // No record with usable keys: nothing to write but dead letters.
      plannedTypes = null;
      return planner.plan(decoded, null, null);
    }
    tableKeys = target.prepare(keys);
    plannedTypes = target.columnTypes();
    return planner.plan(decoded, tableKeys, plannedTypes);
  }

  private static KeySchema proposedKeys(Change change) {
    try {
      return KeySchema.fromKeys(change.keys());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Writes the rows in one bulk request, then retries what failed: after a whole-batch failure with
   * fresh column types, then row by row; a rejected row with the attributes its error names in
   * {@code aux}, then with all of them. Rows that still fail become dead letters.
   */
  private int write(List<PlannedRow> planned, List<DeadLetter> deadLetters, Progress progress) {
    if (planned.isEmpty()) {
      return 0;
    }
    KeySchema keys = tableKeys;
    List<PlannedRow> rows = planned;
    JdbcTarget.RowResults results = target.upsert(rows);
    if (results.batchFailed()) {
      LOG.info(
          "bulk write failed as a whole, retrying with fresh column types: {}",
          results.batchError());
      target.refreshColumnTypes();
      rows = replan(rows, keys, target.columnTypes(), false);
      results = target.upsert(rows);
      if (results.batchFailed()) {
        results = target.upsertEach(rows);
      }
    }
    int rerouted = 0;
    List<PlannedRow> failed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String error = results.errors().get(i);
      if (error == null) {
        progress.applied(rows.get(i));
        if (!rows.get(i).inAux().equals(planned.get(i).inAux())) {
          rerouted++;
        }
      } else {
        failed.add(rows.get(i));
        errors.add(error);
      }
    }
    if (failed.isEmpty()) {
      return rerouted;
    }
    target.refreshColumnTypes();
    for (int i = 0; i < failed.size(); i++) {
      PlannedRow row = failed.get(i);
      String error = errors.get(i);
      Set<String> named = namedAttributes(row, error);
      List<PlannedRow> attempts = new ArrayList<>();
      if (!named.isEmpty()) {
        Set<String> toAux = new HashSet<>(row.inAux());
        toAux.addAll(named);
        attempts.add(planner.reroute(row, keys, target.columnTypes(), toAux, false));
      }
      attempts.add(planner.reroute(row, keys, target.columnTypes(), Set.of(), true));
      boolean written = false;
      for (PlannedRow attempt : attempts) {
        String attemptError = target.upsertEach(List.of(attempt)).errors().get(0);
        if (attemptError == null) {
          LOG.info(
              "row {} written with attributes {} in aux after: {}",
              abbreviate(attempt.pkJson()),
              attempt.inAux(),
              error);
          written = true;
          rerouted++;
          progress.applied(row);
          break;
        }
        error = attemptError;
      }
      if (!written) {
        LOG.warn("row {} rejected, dead-lettered: {}", abbreviate(row.pkJson()), error);
        deadLetters.add(new DeadLetter(row.winner().source(), "write", error));
      }
    }
    return rerouted;
  }

  private List<PlannedRow> replan(
      List<PlannedRow> rows, KeySchema keys, ColumnTypes types, boolean allToAux) {
    List<PlannedRow> replanned = new ArrayList<>(rows.size());
    for (PlannedRow row : rows) {
      replanned.add(planner.reroute(row, keys, types, Set.of(), allToAux));
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
    for (String attribute : row.winner().newImage().keySet()) {
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
      List<SourceRecord> records,
      int upserted,
      int deleted,
      int coalesced,
      int deadLettered,
      int rerouted,
      Instant started,
      Optional<String> failedFrom,
      Optional<String> failure) {
    Instant now = clock.instant();
    Instant oldest = null;
    for (SourceRecord record : records) {
      if (!record.arrivedAt().equals(Instant.EPOCH)
          && (oldest == null || record.arrivedAt().isBefore(oldest))) {
        oldest = record.arrivedAt();
      }
    }
    return new BatchResult(
        records.size(),
        upserted,
        deleted,
        coalesced,
        deadLettered,
        rerouted,
        Duration.between(started, now),
        oldest == null ? Duration.ZERO : Duration.between(oldest, now),
        failedFrom,
        failure);
  }

  @Override
  public void close() {
    target.close();
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

    /** Every record not written is now a stored dead letter. */
    void deadLettersStored() {
      unapplied.clear();
    }

    String firstUnapplied() {
      return records.isEmpty()
          ? null
          : records.stream()
              .map(SourceRecord::sequenceNumber)
              .filter(unapplied::contains)
              .min(SequenceNumbers.ORDER)
              .orElse(null);
    }
  }
}
