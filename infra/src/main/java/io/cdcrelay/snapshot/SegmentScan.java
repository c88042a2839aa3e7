package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one segment of a parallel Scan: reads a page, applies it with the relay core, then records
 * the page's {@code LastEvaluatedKey} as the segment's cursor — so a restart re-reads at most the
 * page that was being applied, and re-applying it changes nothing. A failed read or write is
 * retried with exponential backoff until {@code giveUpAfter} has passed without success; then the
 * segment ends as failed, at its last recorded cursor.
 */
final class SegmentScan implements Callable<SegmentScan.Outcome> {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentScan.class);

  /** How a segment ended. */
  enum Status {
    DONE,
    STOPPED,
    FAILED
  }

  /**
   * Where a segment got to.
   *
   * @param items items the segment applied, in this run and before it
   * @param lastKey the cursor of its last applied page (empty at its start, or when done)
   * @param failure why it failed, if it did
   */
  record Outcome(
      int segment, Status status, long items, Optional<String> lastKey, Optional<String> failure) {}

  private final TableSource source;
  private final Relay relay;
  private final SnapshotCursors cursors;
  private final SnapshotCursors.Load load;
  private final SnapshotCursors.Segment start;
  private final SnapshotChanges changes;
  private final CapacityBudget budget;
  private final SnapshotProgress progress;
  private final StopSignal stop;
  private final int batchSize;
  private final boolean consistentRead;
  private final Duration giveUpAfter;

  SegmentScan(
      TableSource source,
      Relay relay,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      SnapshotCursors.Segment start,
      SnapshotChanges changes,
      CapacityBudget budget,
      SnapshotProgress progress,
      StopSignal stop,
      int batchSize,
      boolean consistentRead,
      Duration giveUpAfter) {
    this.source = source;
    this.relay = relay;
    this.cursors = cursors;
    this.load = load;
    this.start = start;
    this.changes = changes;
    this.budget = budget;
    this.progress = progress;
    this.stop = stop;
    this.batchSize = batchSize;
    this.consistentRead = consistentRead;
    this.giveUpAfter = giveUpAfter;
  }

  /** Thrown when an attempt cannot be retried, or retries ran out. */
  private static final class GiveUp extends Exception {
    GiveUp(String message) {
      super(message);
    }
  }

  @Override
  public Outcome call() {
    int segment = start.segment();
    Optional<String> cursor = start.lastKey();
    Map<String, AttributeValue> from = cursor.map(ItemJson::parse).orElse(Map.of());
    long items = start.items();
    try (relay) {
      while (true) {
        int limit = budget.limit(batchSize, load.totalSegments());
        double estimate = budget.estimate(limit);
        if (stop.isStopped() || !budget.acquire(estimate, stop)) {
          return new Outcome(segment, Status.STOPPED, items, cursor, Optional.empty());
        }
        Map<String, AttributeValue> pageStart = from;
        ScanPage page =
            retrying(
                "reading segment " + segment,
                () -> source.scan(segment, load.totalSegments(), pageStart, limit, consistentRead));
        if (page == null) {
          return new Outcome(segment, Status.STOPPED, items, cursor, Optional.empty());
        }
        budget.spend(estimate, page.consumedCapacity(), page.items().size());
        int deadLettered = 0;
        if (!page.items().isEmpty()) {
          BatchResult result = apply(changes.upserts(page.items()));
          if (result == null) {
            return new Outcome(segment, Status.STOPPED, items, cursor, Optional.empty());
          }
          deadLettered = result.deadLettered();
        }
        long applied = items + page.items().size();
        String next = page.isLast() ? null : ItemJson.text(page.lastKey());
        Boolean written =
            retrying(
                "recording the cursor of segment " + segment,
                () -> {
                  cursors.advance(load, segment, next, applied);
                  return Boolean.TRUE;
                });
        if (written == null) {
          return new Outcome(segment, Status.STOPPED, items, cursor, Optional.empty());
        }
        items = applied;
        cursor = Optional.ofNullable(next);
        progress.pageApplied(page.items().size(), deadLettered);
        if (page.isLast()) {
          progress.segmentDone();
          LOG.info("segment {} of {} done: {} items", segment, load.totalSegments(), items);
          return new Outcome(segment, Status.DONE, items, Optional.empty(), Optional.empty());
        }
        from = page.lastKey();
      }
    } catch (GiveUp e) {
      return new Outcome(segment, Status.FAILED, items, cursor, Optional.of(e.getMessage()));
    }
  }

  /** Applies the page until it is applied; {@code null} when stopped first. */
  private BatchResult apply(List<Decoded> page) throws GiveUp {
    try {
      return Retry.untilStopped(
              stop,
              Retry.standardBackoff(),
              Retry.after(giveUpAfter),
              e -> e instanceof BatchNotApplied,
              (e, pause) ->
                  LOG.warn(
                      "a page of segment {} not applied yet, retrying in {} ms: {}",
                      start.segment(),
                      pause.toMillis(),
                      e.getMessage()),
              () -> {
                BatchResult result = relay.applyDecoded(page);
                LOG.info(BatchLog.text(result));
                if (!result.succeeded()) {
                  throw new BatchNotApplied(result);
                }
                return result;
              })
          .orElse(null);
    } catch (BatchNotApplied e) {
      throw new GiveUp(
          "writing a page of segment " + start.segment() + " failed: " + e.getMessage());
    }
  }

  /**
   * Runs the attempt until it succeeds; retries a retryable failure with backoff until {@code
   * giveUpAfter} passes; {@code null} when stopped first.
   */
  private <T> T retrying(String what, Supplier<T> attempt) throws GiveUp {
    try {
      return Retry.untilStopped(
              stop,
              Retry.standardBackoff(),
              Retry.after(giveUpAfter),
              e ->
                  e instanceof TargetUnavailableException
                      || (e instanceof SourceReadException read && read.retryable()),
              (e, pause) ->
                  LOG.warn(
                      "{} failed, retrying in {} ms: {}", what, pause.toMillis(), e.getMessage()),
              attempt)
          .orElse(null);
    } catch (SourceReadException e) {
      if (!e.retryable()) {
        throw new GiveUp(e.getMessage());
      }
      throw new GiveUp(what + " failed for " + giveUpAfter.toSeconds() + " s: " + e.getMessage());
    } catch (TargetUnavailableException e) {
      throw new GiveUp(what + " failed for " + giveUpAfter.toSeconds() + " s: " + e.getMessage());
    }
  }
}
