package io.cdcrelay.snapshot;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.RelayLease;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetSql;
import io.cdcrelay.text.Count;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full load of a DynamoDB table: its target table made ready from {@code DescribeTable}, then
 * every segment of a parallel Scan loaded ({@link SegmentScan}), resuming each where an earlier run
 * left it unless told to restart, with every row dated by the start of the run that read it ({@link
 * ChangeVersion#ofRead}) so that the stream's changes win over it.
 */
public final class SnapshotLoad {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoad.class);

  /**
   * The most items a segment writes at once: the pages it read while the target wrote are written
   * together, up to this many items (one key lookup of {@link TargetSql#LOOKUP_KEYS}).
   */
  public static final int WRITE_ITEMS = TargetSql.LOOKUP_KEYS;

  /** How a load ended. */
  public enum Status {
    /** Every segment read to its end and applied. */
    DONE,
    /** Stopped by a signal before the end; the same command resumes it. */
    STOPPED,
    /** A segment could not go on; the same command resumes it once the cause is gone. */
    FAILED,
    /** Refused before any row was written: the summary says why, and what to do instead. */
    REFUSED
  }

  /**
   * The outcome, with a summary a user can act on: counts, rate, and where each segment got to.
   *
   * @param items items applied, in this run and before it
   * @param deadLettered items this run set aside as dead letters (they are not in the table)
   */
  public record Result(Status status, long items, String summary, long deadLettered) {

    public Result(Status status, long items, String summary) {
      this(status, items, summary, 0);
    }

    /**
     * This result, of a load that the stream relay beside it stopped by failing (a handover): a
     * stopped load's summary says so, rather than advising the same command as if the load were
     * what stopped.
     */
    public Result stoppedByTheRelay() {
      if (status != Status.STOPPED) {
        return this;
      }
      return new Result(
          status,
          items,
          summary.replace(
              RESUME,
              " because the stream relay failed (its error above); once that is fixed, the same"
                  + " command resumes both:"),
          deadLettered);
    }
  }

  /**
   * What ends the summary of a load that set items aside as dead letters: that the table lacks
   * them, and how to see why and apply them; nothing when it set none aside.
   */
  public static String setAside(long deadLettered, TableName target) {
    if (deadLettered == 0) {
      return "";
    }
    boolean one = deadLettered == 1;
    return System.lineSeparator()
        + Count.of(deadLettered, "item")
        + (one ? " set aside as a dead letter is" : " set aside as dead letters are")
        + " not in "
        + target
        + ": relay dead-letters list TARGET says why, relay dead-letters replay TARGET applies "
        + (one ? "it" : "them")
        + " once that is fixed";
  }

  /** What ends the summary of a load stopped or failed before its end: where each part got to. */
  static final String RESUME = "; run the same command to resume:";

  private final SnapshotSettings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final TableSource source;
  private final Supplier<Relay> relays;
  private final PrintStream terminal;
  private final StopSignal stop;
  private final Clock clock;

  /**
   * @param stateSchema where the cursors are kept
   * @param relays a relay core per writer of the load (each with its own connection)
   * @param terminal where the live progress line goes, or {@code null} for log lines
   */
  public SnapshotLoad(
      SnapshotSettings settings,
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      TableSource source,
      Supplier<Relay> relays,
      PrintStream terminal,
      StopSignal stop,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.password = password;
    this.stateSchema = stateSchema;
    this.source = source;
    this.relays = relays;
    this.terminal = terminal;
    this.stop = stop;
    this.clock = clock;
  }

  /** Loads the table. */
  public Result run() throws InterruptedException {
    Instant runStart = clock.instant();
    TableDescription table = describe();
    if (table == null) {
      return new Result(Status.STOPPED, 0, "stopped before the table was described");
    }
    // The target table is made ready beside the lease, the cursors and the first pages' reading;
    // nothing is written, to it or to the cursors, before it is ready, and a table it refuses ends
    // the load with that refusal, as when it came first.
    TargetPreparation preparation =
        TargetPreparation.start(config, password, clock, table, settings.tableOptions());
    Result result;
    try {
      result = load(runStart, table, preparation);
    } catch (RuntimeException | InterruptedException e) {
      Optional<RuntimeException> refused = preparation.awaitFailure();
      if (refused.isPresent()) {
        LOG.debug("the load ended as its target table was refused: {}", e.toString());
        throw refused.get();
      }
      throw e;
    }
    preparation.await();
    return result;
  }

  private Result load(Instant runStart, TableDescription table, TargetPreparation preparation)
      throws InterruptedException {
    TableName target = preparation.name();
    int segments = settings.source().segments();
    LoadLease lease;
    try {
      lease =
          LoadLease.take(config, password, stateSchema, table.arn(), table.name(), target, clock);
    } catch (RelayLease.HeldException e) {
      return new Result(Status.REFUSED, 0, e.getMessage() + "; nothing was loaded");
    }
    try (lease;
        SnapshotCursors cursors =
            LoadSteps.openCursors(config, password, stateSchema, table.arn(), target, clock)) {
      Optional<SnapshotCursors.Load> earlier =
          settings.restart() ? Optional.empty() : cursors.read();
      if (earlier.isPresent()) {
        // Only a resume waits for the table here; a fresh load reads its first pages meanwhile.
        LoadSteps.requireEarlierRows(preparation.await(), earlier, table.name());
      }
      if (earlier.isPresent() && earlier.get().done()) {
        return new Result(
            Status.DONE,
            earlier.get().items(),
            String.format(
                Locale.ROOT,
                "the load of %s into %s begun at %s is complete (%s); --restart loads it again",
                table.name(),
                target,
                earlier.get().startedAt(),
                Count.of(earlier.get().items(), "item")));
      }
      if (earlier.isPresent() && earlier.get().totalSegments() != segments) {
        throw new io.cdcrelay.sink.BadTargetException(
            "the load of "
                + table.name()
                + " into "
                + target
                + " was begun with segments="
                + earlier.get().totalSegments()
                + ": resume it with segments="
                + earlier.get().totalSegments()
                + ", or start over with --restart");
      }
      SnapshotCursors.Load load =
          earlier.isPresent() ? earlier.get() : SnapshotCursors.fresh(segments, runStart);
      if (earlier.isPresent()) {
        LOG.info(
            "resuming the load of {} into {} begun at {}: {} items applied before",
            table.name(),
            target,
            load.startedAt(),
            load.items());
      }
      // The rows this run reads are dated by its own start, not the load's first: a row's version
      // only has to be at or before its read, and a resume days later would otherwise date its
      // rows before the table's purge horizon, every one a dead letter too-old. The cursors keep
      // the first start: it names the load.
      ChangeVersion version = ChangeVersion.ofRead(runStart, settings.clockSkew());
      LOG.info(
          "loading {} (~{} items, {} bytes) into {} in {} segment{}, rows dated {} ({} before this"
              + " run began)",
          table.name(),
          table.itemCount(),
          table.sizeBytes(),
          target,
          segments,
          segments == 1 ? "" : "s",
          version.createdAt(),
          settings.clockSkew());
      return scan(
          table,
          target,
          cursors,
          load,
          earlier.isEmpty(),
          preparation,
          new SnapshotChanges(table.name(), table.keyNames(), version));
    }
  }

  private Result scan(
      TableDescription table,
      TableName target,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      boolean fresh,
      TargetPreparation preparation,
      SnapshotChanges changes)
      throws InterruptedException {
    CapacityBudget budget = CapacityBudget.of(settings.source().rcu());
    List<SegmentScan.Outcome> outcomes = new ArrayList<>();
    long doneBefore = load.segments().stream().filter(SnapshotCursors.Segment::done).count();
    SnapshotProgress progress =
        new SnapshotProgress(
            load.items(), table.itemCount(), load.totalSegments(), (int) doneBefore, terminal);
    int running = (int) (load.totalSegments() - doneBefore);
    int writers = Math.max(1, Math.min(running, SharedWrites.MAX_WRITERS));
    // The items read and not yet written, all segments together: every writer busy, one write's
    // worth waiting — a write's or a page's, the larger: a reader takes a page's worth before it
    // reads, and pages of the whole allowance (batch-size=5000) would be read one at a time, none
    // beside a write. The bytes bound the memory either way.
    ReadAllowance allowance =
        ReadAllowance.forWriters(
            writers, Math.max(WRITE_ITEMS, settings.source().batchSize()), settings.writeBytes());
    // Opened once the target table is ready and a fresh load's cursors are recorded: the segments
    // read their first pages meanwhile, and the writers wait. They get ready for the table (its
    // columns, its key types) once it is ready, while the cursors are recorded.
    CompletableFuture<Void> ready = new CompletableFuture<>();
    CompletableFuture<Void> writable = new CompletableFuture<>();
    RuntimeException refused = null;
    // Another segment's failure stops the others after their page; a signal stops them too.
    try (LoadWorkers<SegmentScan.Outcome> workers =
            new LoadWorkers<>(
                stop, Math.max(1, load.totalSegments()), "snapshot-stop", "segment", progress);
        SharedWrites writes =
            new SharedWrites(
                writers,
                () -> writer(relays.get(), table, ready, writable),
                running,
                WRITE_ITEMS,
                settings.writeBytes(),
                SharedWrites.LINGER,
                progress)) {
      StopSignal segmentsStop = workers.stop();
      for (SnapshotCursors.Segment segment : load.segments()) {
        if (segment.done()) {
          outcomes.add(
              new SegmentScan.Outcome(
                  segment.segment(),
                  SegmentScan.Status.DONE,
                  segment.items(),
                  Optional.empty(),
                  Optional.empty()));
          continue;
        }
        SegmentScan scan =
            new SegmentScan(
                source,
                writes,
                cursors,
                load,
                segment,
                changes,
                budget,
                allowance,
                progress,
                segmentsStop,
                settings.source().batchSize(),
                settings.writeBytes(),
                settings.source().consistentRead(),
                settings.giveUpAfter());
        workers.submit(
            () -> {
              SegmentScan.Outcome outcome = scan.call();
              if (outcome.status() == SegmentScan.Status.FAILED) {
                segmentsStop.stop();
              }
              return outcome;
            });
      }
      refused = open(ready, writable, preparation, fresh ? () -> cursors.begin(load) : () -> {});
      if (refused != null) {
        segmentsStop.stop();
      }
      outcomes.addAll(workers.results());
    }
    if (refused != null) {
      throw refused;
    }
    outcomes.sort(java.util.Comparator.comparingInt(SegmentScan.Outcome::segment));
    // What the last pages consumed is paid for before the load ends: the budget holds end to end.
    budget.settle(stop);
    return result(table, target, cursors, load, outcomes, progress, budget);
  }

  /**
   * Readies the load's writers once the target table is ready, and opens their writes once {@code
   * begin} (a fresh load's cursors recorded) is done too; returns the failure of either, with which
   * the writes fail instead.
   */
  private static RuntimeException open(
      CompletableFuture<Void> ready,
      CompletableFuture<Void> writable,
      TargetPreparation preparation,
      Runnable begin)
      throws InterruptedException {
    try {
      preparation.await();
      ready.complete(null);
      begin.run();
      writable.complete(null);
      return null;
    } catch (RuntimeException e) {
      ready.completeExceptionally(e);
      writable.completeExceptionally(e);
      return e;
    } catch (InterruptedException | Error e) {
      ready.completeExceptionally(e);
      writable.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * A writer of the load's shared writes: a relay core of its own, readied for the table once it is
   * {@code ready}, writing once the load is {@code writable}.
   */
  private static SharedWrites.Writer writer(
      Relay relay,
      TableDescription table,
      CompletableFuture<Void> ready,
      CompletableFuture<Void> writable) {
    return new SharedWrites.Writer() {
      @Override
      public void prepare() {
        await(ready);
        relay.prepare(table.name(), table.keySchema());
      }

      @Override
      public BatchResult apply(List<Decoded> changes) {
        await(writable);
        return relay.applyDecoded(changes);
      }

      @Override
      public void close() {
        relay.close();
      }

      private void await(CompletableFuture<Void> opened) {
        try {
          opened.join();
        } catch (java.util.concurrent.CompletionException e) {
          throw TargetPreparation.unwrapped(e);
        }
      }
    };
  }

  private Result result(
      TableDescription table,
      TableName target,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      List<SegmentScan.Outcome> outcomes,
      SnapshotProgress progress,
      CapacityBudget budget) {
    long items = outcomes.stream().mapToLong(SegmentScan.Outcome::items).sum();
    boolean failed = outcomes.stream().anyMatch(o -> o.status() == SegmentScan.Status.FAILED);
    boolean done = outcomes.stream().allMatch(o -> o.status() == SegmentScan.Status.DONE);
    StringBuilder summary = new StringBuilder();
    String rate = progress.runSummary();
    // Without a budget DynamoDB was not asked: the pages' capacity is computed from their items.
    String capacity =
        budget.limited()
            ? String.format(
                Locale.ROOT,
                "%.1f read capacity units consumed (%.1f per second, budget %.0f)",
                budget.consumed(),
                budget.consumed() / progress.seconds(),
                budget.perSecond())
            : String.format(
                Locale.ROOT,
                "about %.1f read capacity units consumed (from the items' sizes)",
                budget.consumed());
    if (done) {
      TargetTable.refresh(config, password, clock, target, "the load", LOG);
      LoadSteps.recordEnd(cursors, load, items, LOG);
      summary.append(
          String.format(
              Locale.ROOT,
              "loaded %s into %s: %s in %s (DynamoDB's estimate: %d), %s; %d dead-lettered; %s",
              table.name(),
              target,
              Count.of(items, "item"),
              Count.of(load.totalSegments(), "segment"),
              table.itemCount(),
              rate,
              progress.deadLettered(),
              capacity));
      summary.append(setAside(progress.deadLettered(), target));
      return new Result(Status.DONE, items, summary.toString(), progress.deadLettered());
    }
    summary.append(
        String.format(
            Locale.ROOT,
            "the load of %s into %s %s after %s (%s)" + RESUME,
            table.name(),
            target,
            failed ? "FAILED" : "was stopped",
            Count.of(items, "item"),
            rate));
    for (SegmentScan.Outcome o : outcomes) {
      summary.append(
          String.format(
              Locale.ROOT,
              "%n  segment %d: %s, %s%s%s",
              o.segment(),
              o.status() == SegmentScan.Status.DONE
                  ? "done"
                  : o.status().name().toLowerCase(Locale.ROOT),
              Count.of(o.items(), "item"),
              o.status() == SegmentScan.Status.DONE
                  ? ""
                  : o.lastKey().map(k -> ", applied up to key " + k).orElse(", at its start"),
              o.failure().map(f -> ": " + f).orElse("")));
    }
    return new Result(failed ? Status.FAILED : Status.STOPPED, items, summary.toString());
  }

  /** Describes the table, retrying what may pass; {@code null} when stopped first. */
  private TableDescription describe() {
    return Retry.untilStopped(
            stop,
            Retry.standardBackoff(),
            Retry.after(clock, settings.giveUpAfter()),
            e -> e instanceof SourceReadException read && read.retryable(),
            (e, pause) -> LOG.warn("{}; retrying in {} ms", e.getMessage(), pause.toMillis()),
            source::describe)
        .orElse(null);
  }
}
