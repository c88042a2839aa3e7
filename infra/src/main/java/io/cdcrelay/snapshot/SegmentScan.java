package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one segment of a parallel Scan: a thread of the segment's own reads its pages ahead into a
 * {@link PageQueue}, while the segment hands the pages read so far (up to {@link
 * SnapshotLoad#WRITE_ITEMS} items) to the load's {@link SharedWrites}, which apply them with other
 * segments' pages with the relay core, then records the last one's {@code LastEvaluatedKey} as the
 * segment's cursor — at most every {@link #CURSOR_EVERY}, at the segment's end and when it is
 * stopped — so a restart re-reads at most that long of pages, and re-applying them changes nothing.
 * A failed read or write is retried with exponential backoff until {@code giveUpAfter} has passed
 * without success; then the segment ends as failed, at its last recorded cursor.
 */
final class SegmentScan implements Callable<SegmentScan.Outcome> {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentScan.class);

  /**
   * How often a segment writes its cursor at most (and at its end, and when stopped): each write is
   * a statement the database runs, and a page of a hundred items takes a few milliseconds. A {@code
   * kill -9} costs at most this long of pages read and applied again, changing nothing.
   */
  static final Duration CURSOR_EVERY = Duration.ofSeconds(1);

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
  private final SharedWrites writes;
  private final SnapshotCursors cursors;
  private final SnapshotCursors.Load load;
  private final SnapshotCursors.Segment start;
  private final SnapshotChanges changes;
  private final CapacityBudget budget;
  private final ReadAllowance allowance;
  private final SnapshotProgress progress;
  private final StopSignal stop;
  private final int batchSize;
  private final long writeBytes;
  private final boolean consistentRead;
  private final Duration giveUpAfter;

  SegmentScan(
      TableSource source,
      SharedWrites writes,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      SnapshotCursors.Segment start,
      SnapshotChanges changes,
      CapacityBudget budget,
      ReadAllowance allowance,
      SnapshotProgress progress,
      StopSignal stop,
      int batchSize,
      long writeBytes,
      boolean consistentRead,
      Duration giveUpAfter) {
    this.source = source;
    this.writes = writes;
    this.cursors = cursors;
    this.load = load;
    this.start = start;
    this.changes = changes;
    this.budget = budget;
    this.allowance = allowance;
    this.progress = progress;
    this.stop = stop;
    this.batchSize = batchSize;
    this.writeBytes = writeBytes;
    this.consistentRead = consistentRead;
    this.giveUpAfter = giveUpAfter;
  }

  /**
   * The most items of a segment's first page in a run: the writes begin once a first page is read,
   * and on a fresh target the first of them adds the table's columns; a small first page starts
   * that while the larger ones of {@code batch-size} are read.
   */
  static final int FIRST_PAGE = 100;

  /**
   * How many hand-overs of pages a segment has unsettled while it takes the next pages: its pages
   * join other segments' writes while its earlier ones are written.
   */
  static final int HANDED_OVER = 2;

  /**
   * Pages handed over to the writes: their changes, their bytes, the write's result once applied
   * ({@code null} when there is nothing to write), their items, and the last of them.
   */
  private record HandedOver(
      List<Decoded> changes,
      long bytes,
      CompletableFuture<BatchResult> applied,
      int items,
      ScanPage last) {}

  /** Thrown when an attempt cannot be retried, or retries ran out. */
  private static final class GiveUp extends Exception {
    GiveUp(String message) {
      super(message);
    }
  }

  @Override
  public Outcome call() {
    int segment = start.segment();
    // Where a resume would start: the cursor last written, and the items applied before it.
    Optional<String> recorded = start.lastKey();
    long recordedItems = start.items();
    long recordedAt = System.nanoTime();
    Map<String, AttributeValue> from = recorded.map(ItemJson::parse).orElse(Map.of());
    long items = start.items();
    PageQueue<GiveUp> queue =
        new PageQueue<>(Math.max(1, SnapshotLoad.WRITE_ITEMS / Math.max(1, batchSize)));
    Map<String, AttributeValue> readFrom = from;
    ReadAllowance.Lease lease = allowance.lease();
    Thread reader =
        new Thread(() -> readAll(queue, lease, readFrom), "segment-" + segment + "-read");
    reader.setDaemon(true);
    // Pages handed over to the writes and not settled yet, in the order read.
    ArrayDeque<HandedOver> handedOver = new ArrayDeque<>();
    GiveUp readFailure = null;
    try {
      reader.start();
      while (true) {
        List<ScanPage> pages;
        try {
          pages = take(queue);
        } catch (GiveUp e) {
          readFailure = e;
          pages = List.of();
        }
        if (pages.isEmpty()) {
          // Stopped, or the read failed: what the writes applied of the pages handed over counts,
          // in order, so that the cursor recorded at the end covers every row written.
          for (int n = appliedBeforeEnd(handedOver); n > 0; n--) {
            HandedOver next = handedOver.poll();
            items += next.items();
            from = next.last().lastKey();
            progress.pageApplied(next.items(), 0);
          }
          if (readFailure != null) {
            throw readFailure;
          }
          return stopped(segment, items, from, recorded, recordedItems);
        }
        ScanPage last = pages.get(pages.size() - 1);
        List<Map<String, AttributeValue>> read = items(pages);
        long bytes = pages.stream().mapToLong(ScanPage::bytes).sum();
        List<Decoded> upserts = read.isEmpty() ? List.of() : changes.upserts(read);
        CompletableFuture<BatchResult> applied = null;
        if (upserts.isEmpty()) {
          lease.give(0, bytes);
        } else {
          applied = writes.handOver(upserts, bytes);
          // The pages' share of the read allowance comes back once their write is done, whatever
          // its outcome: a page written again after a failure is this segment's to hold.
          int share = read.size();
          applied.whenComplete((result, failure) -> lease.give(share, bytes));
        }
        handedOver.add(new HandedOver(upserts, bytes, applied, read.size(), last));
        // Settled in order: the first once it is applied, or waited for when it is one too many
        // or the segment is read.
        while (!handedOver.isEmpty()
            && (handedOver.size() > HANDED_OVER
                || last.isLast()
                || handedOver.peek().applied() == null
                || handedOver.peek().applied().isDone())) {
          HandedOver next = handedOver.poll();
          if (next.applied() != null
              && apply(next.changes(), next.bytes(), next.applied()) == null) {
            return stopped(segment, items, from, recorded, recordedItems);
          }
          items += next.items();
          from = next.last().lastKey();
          // Its dead letters are counted by the write that applied it (SharedWrites).
          progress.pageApplied(next.items(), 0);
          boolean end = next.last().isLast();
          if (end || System.nanoTime() - recordedAt >= CURSOR_EVERY.toNanos()) {
            String cursor = end ? null : ItemJson.text(next.last().lastKey());
            if (!record(segment, cursor, items)) {
              return stopped(segment, items, from, recorded, recordedItems);
            }
            recorded = Optional.ofNullable(cursor);
            recordedItems = items;
            recordedAt = System.nanoTime();
          }
          if (end) {
            progress.segmentDone();
            LOG.info(
                "segment {} of {} done: {} item{}",
                segment,
                load.totalSegments(),
                items,
                items == 1 ? "" : "s");
            return new Outcome(segment, Status.DONE, items, Optional.empty(), Optional.empty());
          }
        }
      }
    } catch (GiveUp e) {
      return ended(
          Status.FAILED,
          segment,
          items,
          from,
          recorded,
          recordedItems,
          Optional.of(e.getMessage()));
    } finally {
      // A page still being read is left to end by itself, not interrupted: an interrupted wait
      // stops the load's signal (StopSignal.sleep), and a segment ends before its last page only
      // when the load stops anyway, which ends the read's waits and retries. Closing the queue
      // drops the pages read ahead, and the reader ends once its read returns.
      queue.close();
      lease.close();
      writes.segmentEnded();
    }
  }

  /**
   * The reader: reads the segment's pages from {@code from} on, within the read-capacity budget and
   * the load's read allowance, into the queue until the last page, a stop, or a failure that
   * retries could not overcome.
   */
  private void readAll(
      PageQueue<GiveUp> queue, ReadAllowance.Lease lease, Map<String, AttributeValue> from) {
    int segment = start.segment();
    try {
      Map<String, AttributeValue> next = from;
      int pageSize = Math.min(batchSize, FIRST_PAGE);
      while (true) {
        int limit = budget.limit(pageSize, load.totalSegments());
        pageSize = batchSize;
        int taken = lease.take(limit, stop::isStopped);
        if (taken == 0) {
          // Stopped, or the segment ended.
          break;
        }
        double estimate = budget.estimate(limit);
        if (stop.isStopped() || !budget.acquire(estimate, stop)) {
          lease.give(taken);
          break;
        }
        Map<String, AttributeValue> after = next;
        ScanPage page;
        try {
          page =
              retrying(
                  "reading segment " + segment,
                  () ->
                      source.scan(
                          segment,
                          load.totalSegments(),
                          after,
                          limit,
                          consistentRead,
                          budget.limited()));
        } catch (GiveUp | RuntimeException | Error e) {
          lease.give(taken);
          throw e;
        }
        if (page == null) {
          lease.give(taken);
          break;
        }
        // What the page did not fill goes back at once; the rest, and its bytes, once its write is
        // done.
        lease.give(taken - page.items().size());
        lease.charge(page.bytes());
        budget.spend(estimate, page.consumedCapacity(), page.items().size());
        if (!queue.put(page) || page.isLast()) {
          break;
        }
        next = page.lastKey();
      }
      queue.end(null);
    } catch (InterruptedException e) {
      queue.end(null);
    } catch (GiveUp | RuntimeException | Error e) {
      queue.end(e);
    }
  }

  /**
   * The pages read and not yet written; empty when stopped first; a read that gave up is thrown.
   */
  private List<ScanPage> take(PageQueue<GiveUp> queue) throws GiveUp {
    try {
      return queue.take(SnapshotLoad.WRITE_ITEMS, writeBytes, GiveUp.class);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static List<Map<String, AttributeValue>> items(List<ScanPage> pages) {
    if (pages.size() == 1) {
      return pages.get(0).items();
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (ScanPage page : pages) {
      items.addAll(page.items());
    }
    return items;
  }

  /** Writes the segment's cursor, retrying; {@code false} when stopped first. */
  private boolean record(int segment, String next, long items) throws GiveUp {
    return retrying(
            "recording the cursor of segment " + segment,
            () -> {
              cursors.advance(load, segment, next, items);
              return Boolean.TRUE;
            })
        != null;
  }

  private Outcome stopped(
      int segment,
      long items,
      Map<String, AttributeValue> from,
      Optional<String> recorded,
      long recordedItems) {
    return ended(Status.STOPPED, segment, items, from, recorded, recordedItems, Optional.empty());
  }

  /**
   * The outcome of a segment that ends before its last page (stopped, or failed): the pages applied
   * since its cursor was last written are recorded first, in one attempt, so that a resume does not
   * read them again; if that fails too, the resume reads them again, changing nothing.
   *
   * @param items items applied, {@code from} the cursor after them
   * @param recorded the cursor last written, {@code recordedItems} the items applied before it
   */
  private Outcome ended(
      Status status,
      int segment,
      long items,
      Map<String, AttributeValue> from,
      Optional<String> recorded,
      long recordedItems,
      Optional<String> failure) {
    if (items > recordedItems) {
      // No key to go on from: the segment's last page is applied, and its end is what to record
      // (a cursor of "{}" would make a resume read the whole segment again, counting it twice).
      String next = from.isEmpty() ? null : ItemJson.text(from);
      try {
        cursors.advance(load, segment, next, items);
        if (next == null) {
          progress.segmentDone();
          return new Outcome(segment, Status.DONE, items, Optional.empty(), Optional.empty());
        }
        return new Outcome(segment, status, items, Optional.of(next), failure);
      } catch (RuntimeException e) {
        LOG.warn(
            "segment {} ended; its last {} items are applied but its cursor could not be"
                + " written, so a resume reads them again: {}",
            segment,
            items - recordedItems,
            e.getMessage());
      }
    }
    return new Outcome(segment, status, recordedItems, recorded, failure);
  }

  /**
   * How many of the first hand-overs were applied, once a segment ends early: waits for their
   * writes, without retrying one that failed.
   */
  private int appliedBeforeEnd(ArrayDeque<HandedOver> handedOver) {
    int applied = 0;
    for (HandedOver handed : handedOver) {
      try {
        if (handed.applied() != null && !writes.await(handed.applied()).succeeded()) {
          break;
        }
      } catch (RuntimeException e) {
        break;
      }
      applied++;
    }
    return applied;
  }

  /**
   * Applies the page until it is applied, its first attempt the write it was handed over to; {@code
   * null} when stopped first.
   */
  private BatchResult apply(
      List<Decoded> page, long bytes, CompletableFuture<BatchResult> handedOver) throws GiveUp {
    AtomicReference<CompletableFuture<BatchResult>> first = new AtomicReference<>(handedOver);
    long began = System.nanoTime();
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
                CompletableFuture<BatchResult> attempt = first.getAndSet(null);
                BatchResult result =
                    writes.await(attempt != null ? attempt : writes.handOver(page, bytes));
                if (!result.succeeded()) {
                  throw new BatchNotApplied(result);
                }
                return result;
              })
          .orElse(null);
    } catch (BatchNotApplied e) {
      throw new GiveUp(
          LoadSteps.gaveUp("writing a page of segment " + start.segment(), giveUpAfter, began, e));
    }
  }

  /**
   * Runs the attempt until it succeeds; retries a retryable failure with backoff until {@code
   * giveUpAfter} passes; {@code null} when stopped first.
   */
  private <T> T retrying(String what, Supplier<T> attempt) throws GiveUp {
    long began = System.nanoTime();
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
      throw new GiveUp(LoadSteps.gaveUp(what, giveUpAfter, began, e));
    } catch (TargetUnavailableException e) {
      throw new GiveUp(LoadSteps.gaveUp(what, giveUpAfter, began, e));
    }
  }
}
