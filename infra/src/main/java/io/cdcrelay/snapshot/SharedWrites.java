package io.cdcrelay.snapshot;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of a full load, shared by its segments: each segment hands over the pages it read, and
 * a few writers (each with its own relay core and connection) apply what the segments handed over
 * together, up to {@code maxItems} items and {@code maxBytes} bytes a statement. A segment's pages
 * were written alone before: while its reader was the slower side, at the pace of one segment's
 * Scan (100 to 500 items a statement in a load of eight segments), and every statement costs the
 * target a share of its own besides its rows — on CrateDB 6.4.3 a hundred-row statement about 2 ms
 * of CPU more than its share of a thousand-row one.
 *
 * <p>A writer writes what waits when it reaches {@code maxItems} or {@code maxBytes}, when every
 * segment still reading waits for a write (nothing more can come), when no other write is under way
 * (the target would wait), or once the oldest handed over has waited {@code linger}. A segment
 * settles its hand-overs in the order it made them, so its cursor and its retries stay its own: a
 * write that fails fails each hand-over in it, and each segment retries its own.
 */
final class SharedWrites implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedWrites.class);

  /** The most writers: on two cores, four writes under way keep the target busy. */
  static final int MAX_WRITERS = 4;

  /**
   * How long what a segment handed over waits for more while other writes are under way: the target
   * has work meanwhile.
   */
  static final Duration LINGER = Duration.ofMillis(50);

  /** Applies changes to the target; one per writer, closed when the writes close. */
  interface Writer extends AutoCloseable {
    /**
     * Readies the writer before its first write (a connection, the table's columns), while the
     * segments read their first pages; a failure here is the first write's to meet and report.
     */
    default void prepare() {}

    BatchResult apply(List<Decoded> changes);

    @Override
    void close();
  }

  private record HandOver(
      List<Decoded> changes, long bytes, long at, CompletableFuture<BatchResult> applied) {}

  private final int maxItems;
  private final long maxBytes;
  private final long lingerNanos;
  private final SnapshotProgress progress;
  private final ArrayDeque<HandOver> waiting = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private int waitingItems;
  private long waitingBytes;
  private int segments;
  private int segmentsAwaiting;
  private int writesUnderWay;
  private boolean closed;

  /**
   * Starts the writers.
   *
   * @param segments the segments that will hand over pages; each calls {@link #segmentEnded()} when
   *     it ends
   */
  SharedWrites(
      int writers,
      Supplier<Writer> newWriter,
      int segments,
      int maxItems,
      long maxBytes,
      Duration linger,
      SnapshotProgress progress) {
    this.segments = segments;
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.lingerNanos = linger.toNanos();
    this.progress = progress;
    for (int i = 0; i < writers; i++) {
      Writer writer = newWriter.get();
      Thread thread = new Thread(() -> run(writer), "load-write-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Hands over a segment's changes, read from {@code bytes} bytes of pages: the result of the write
   * that applies them (with other segments' changes, maybe), once it is done.
   */
  CompletableFuture<BatchResult> handOver(List<Decoded> changes, long bytes) {
    HandOver handOver = new HandOver(changes, bytes, System.nanoTime(), new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the load's writes are closed");
      }
      waiting.add(handOver);
      waitingItems += changes.size();
      waitingBytes += bytes;
      notifyAll();
    }
    return handOver.applied();
  }

  /**
   * Waits, as a segment that hands over nothing meanwhile, for a write's result; an exception of
   * the write is thrown here.
   */
  BatchResult await(CompletableFuture<BatchResult> applied) {
    synchronized (this) {
      segmentsAwaiting++;
      notifyAll();
    }
    try {
      return applied.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    } finally {
      synchronized (this) {
        segmentsAwaiting--;
      }
    }
  }

  /** A segment ended: it hands over nothing more, and no write waits for it. */
  synchronized void segmentEnded() {
    segments--;
    notifyAll();
  }

  private void run(Writer writer) {
    try (writer) {
      try {
        writer.prepare();
      } catch (RuntimeException e) {
        LOG.debug("a writer could not get ready before its first write: {}", e.getMessage());
      }
      while (true) {
        List<HandOver> taken = take();
        if (taken == null) {
          return;
        }
        write(writer, taken);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The hand-overs of the next write, once it is due; {@code null} once closed. */
  private synchronized List<HandOver> take() throws InterruptedException {
    while (true) {
      if (closed) {
        return null;
      }
      if (!waiting.isEmpty()) {
        long waited = System.nanoTime() - waiting.peek().at();
        if (waitingItems >= maxItems
            || waitingBytes >= maxBytes
            || segmentsAwaiting >= segments
            || writesUnderWay == 0
            || waited >= lingerNanos) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, lingerNanos - waited);
      } else {
        wait();
      }
    }
    List<HandOver> taken = new ArrayList<>();
    int items = 0;
    long bytes = 0;
    do {
      HandOver next = waiting.poll();
      taken.add(next);
      items += next.changes().size();
      bytes += next.bytes();
    } while (!waiting.isEmpty()
        && items + waiting.peek().changes().size() <= maxItems
        && bytes + waiting.peek().bytes() <= maxBytes);
    waitingItems -= items;
    waitingBytes -= bytes;
    writesUnderWay++;
    return taken;
  }

  /**
   * A load's write, in the metric line of a batch: on INFO when it set records aside or failed,
   * else on DEBUG, so that a load's progress line and its summary are not lost among a line per
   * write (80 for 50,000 items).
   */
  static void logBatch(org.slf4j.Logger log, BatchResult result) {
    if (worthSaying(result)) {
      log.info(BatchLog.text(result));
    } else {
      log.debug(BatchLog.text(result));
    }
  }

  /** Whether a load's write is worth a line of its own: it set records aside, or failed. */
  static boolean worthSaying(BatchResult result) {
    return !result.succeeded() || result.deadLettered() > 0 || result.rerouted() > 0;
  }

  private void write(Writer writer, List<HandOver> taken) {
    List<Decoded> changes;
    if (taken.size() == 1) {
      changes = taken.get(0).changes();
    } else {
      changes = new ArrayList<>();
      for (HandOver handOver : taken) {
        changes.addAll(handOver.changes());
      }
    }
    BatchResult result = null;
    Throwable failure = null;
    try {
      result = writer.apply(changes);
      logBatch(LOG, result);
      if (result.succeeded()) {
        progress.pageApplied(0, result.deadLettered());
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    synchronized (this) {
      writesUnderWay--;
      notifyAll();
    }
    for (HandOver handOver : taken) {
      if (failure == null) {
        handOver.applied().complete(result);
      } else {
        handOver.applied().completeExceptionally(failure);
      }
    }
  }

  /**
   * Ends the writers once their writes are done; hand-overs still waiting fail, as their segments
   * have stopped.
   */
  @Override
  public void close() {
    List<HandOver> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(waiting);
      waiting.clear();
      notifyAll();
    }
    for (HandOver handOver : dropped) {
      handOver.applied().completeExceptionally(new IllegalStateException("the load stopped"));
    }
    // A write under way ends by itself (its statement has a timeout); then its writer closes.
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
