package io.cdcrelay.local;

import io.cdcrelay.relay.BatchResult;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local relay's counters (records read, applied, dead-lettered; the lag: the furthest a shard
 * is behind its stream's head, or the age of the changes being applied or waiting to be applied if
 * greater) and their display: a live line redrawn on a terminal, a plain log line every ten seconds
 * otherwise.
 */
public final class RelayProgress implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RelayProgress.class);
  private static final long RECENT_MILLIS = 10_000;
  static final long RATE_WINDOW_MILLIS = 30_000;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  // Changes of DynamoDB tables not relayed (CRATEDB_TABLES): read, neither applied nor set aside.
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final Map<String, Long> lagMillis = new ConcurrentHashMap<>();
  // The age of the oldest record of the last applied batch, and when it was applied: the lag of a
  // stream that reports none (DynamoDB Streams), and of records read but still waiting to apply.
  private volatile long lastBatchAgeMillis;
  private volatile long lastBatchAtMillis = Long.MIN_VALUE;
  // Per batch being applied, when its oldest record reached the stream: while the target is down
  // the batch waits, reads stop, and no other figure grows.
  private final Map<Long, Long> waitingSinceMillis = new ConcurrentHashMap<>();
  private final AtomicLong tickets = new AtomicLong();
  private volatile boolean completed;
  private final Consumer<String> log;
  private final Clock clock;
  private final long startedMillis;
  private final ProgressDisplay display;
  // (millis, records received) each time a line was made, the first at least the rate's window
  // old once the run is that old: the rate is that of the window.
  private final java.util.LinkedList<long[]> samples = new java.util.LinkedList<>();

  /**
   * @param terminal where to redraw the live line, or {@code null} when not on a terminal (then
   *     progress goes to the log)
   */
  public RelayProgress(PrintStream terminal) {
    this(terminal, LOG::info, Clock.systemUTC());
  }

  /**
   * @param terminal where to redraw the live line, or {@code null} when not on a terminal
   * @param log where the plain lines go (the periodic ones when not on a terminal, the final one)
   * @param clock what records/s is measured with
   */
  public RelayProgress(PrintStream terminal, Consumer<String> log, Clock clock) {
    this.display = new ProgressDisplay("relay-progress", terminal, log, this::line);
    this.log = log;
    this.clock = clock;
    this.startedMillis = clock.millis();
    samples.add(new long[] {startedMillis, 0});
  }

  /** Counts a batch once it is applied. */
  public void batchApplied(BatchResult result) {
    lastBatchAgeMillis = result.oldestRecordAge().toMillis();
    lastBatchAtMillis = clock.millis();
    received.addAndGet(result.received());
    applied.addAndGet(result.received() - result.deadLettered() - result.skipped());
    skipped.addAndGet(result.skipped());
    deadLettered.addAndGet(result.deadLettered());
  }

  /**
   * A batch is being applied, its oldest record having reached the stream at {@code oldestArrival}
   * ({@link java.time.Instant#EPOCH} if unknown): until {@link #batchDone} with the ticket
   * returned, the lag is at least its age. Each lane of a shard applies batches of its own.
   */
  public long batchWaiting(java.time.Instant oldestArrival) {
    long ticket = tickets.incrementAndGet();
    if (!oldestArrival.equals(java.time.Instant.EPOCH)) {
      waitingSinceMillis.put(ticket, oldestArrival.toEpochMilli());
    }
    return ticket;
  }

  /** The batch of {@code ticket} is applied, or given up on. */
  public void batchDone(long ticket) {
    waitingSinceMillis.remove(ticket);
  }

  /** The shard's distance to the stream head, from its last read (MillisBehindLatest). */
  public void lag(String shardId, Long millisBehindLatest) {
    if (millisBehindLatest != null) {
      lagMillis.put(shardId, millisBehindLatest);
    }
  }

  /** The shard is done: it no longer counts for the lag. */
  public void shardDone(String shardId) {
    lagMillis.remove(shardId);
  }

  public long applied() {
    return applied.get();
  }

  public long deadLettered() {
    return deadLettered.get();
  }

  /** The progress as one line, its rate that of the last half minute. */
  public String line() {
    return line(false);
  }

  /**
   * @param wholeRun whether the rate is that of the whole run (the final line), else of the last
   *     {@link #RATE_WINDOW_MILLIS} (a relay that has caught up and idles shows 0, not an average
   *     that falls slowly)
   */
  private String line(boolean wholeRun) {
    long now = clock.millis();
    long count = received.get();
    double rate;
    synchronized (samples) {
      samples.addLast(new long[] {now, count});
      while (samples.size() > 2 && samples.get(1)[0] <= now - RATE_WINDOW_MILLIS) {
        samples.removeFirst();
      }
      long[] since = wholeRun ? new long[] {startedMillis, 0} : samples.getFirst();
      rate = (count - since[1]) / Math.max(0.001, (now - since[0]) / 1e3);
    }
    long behindHead = lagMillis.values().stream().mapToLong(Long::longValue).max().orElse(0);
    // A batch applied within the last ten seconds tells how old the changes being applied are;
    // older than that, the relay has had nothing to apply.
    long applying = clock.millis() - lastBatchAtMillis <= RECENT_MILLIS ? lastBatchAgeMillis : 0;
    long waiting =
        waitingSinceMillis.values().stream().mapToLong(since -> now - since).max().orElse(0);
    long lag = Math.max(Math.max(behindHead, applying), waiting);
    long notRelayed = skipped.get();
    return String.format(
        Locale.ROOT,
        "%d records, %.0f records/s, %d applied, %s%d dead-lettered, lag %s",
        count,
        rate,
        applied.get(),
        notRelayed > 0 ? notRelayed + " skipped (not in CRATEDB_TABLES), " : "",
        deadLettered.get(),
        lag(lag));
  }

  /** 400 ms, 2.5 s, 3m 4s, 20h 0m, 875d 22h: a replayed old dump is days behind, not 10^7 s. */
  static String lag(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long s = millis / 1000;
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86400 + "d " + s % 86400 / 3600 + "h";
  }

  /** Starts showing progress in the background. */
  public void start() {
    display.start();
  }

  /** Shows the progress once: redraws the live line on a terminal, else logs a plain line. */
  void report() {
    display.report();
  }

  /** The relay read all it was to read: the final line says {@code done}. */
  public void completed() {
    completed = true;
  }

  /**
   * Stops showing progress and prints the final line: {@code done} after {@link #completed()}, else
   * {@code stopped} (by a signal, or failed: the error is printed beside it). With dead letters it
   * says where to find why: a run whose every record was set aside still exits 0, and its batch
   * lines give counts only.
   */
  @Override
  public void close() {
    display.stop();
    log.accept(
        (completed ? "done: " : "stopped: ")
            + line(true)
            + (deadLettered.get() > 0
                ? " (the dead letters and why: relay dead-letters list TARGET)"
                : ""));
  }
}
