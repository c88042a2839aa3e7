package io.cdcrelay.snapshot;

import io.cdcrelay.local.ProgressDisplay;
import io.cdcrelay.text.Count;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full load's counters and their display: items applied (in this run and before it), items per
 * second, the share of the table's estimated item count and the time left, segments done; a live
 * line redrawn on a terminal, a plain log line every ten seconds otherwise.
 */
public final class SnapshotProgress implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);

  private final AtomicLong items = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicInteger segmentsDone = new AtomicInteger();
  private final long itemsBefore;
  private final long estimatedItems;
  private final int segments;
  private String parts = "segments";
  private final Clock clock;
  private final long startedMillis;
  private final ProgressDisplay display;

  /**
   * @param itemsBefore items an earlier run of the same load applied
   * @param estimatedItems the table's {@code ItemCount}, an estimate DynamoDB updates about every
   *     six hours
   * @param segmentsDoneBefore segments an earlier run read to their end
   * @param terminal where to redraw the live line, or {@code null} when not on a terminal
   */
  public SnapshotProgress(
      long itemsBefore,
      long estimatedItems,
      int segments,
      int segmentsDoneBefore,
      PrintStream terminal,
      Consumer<String> log,
      Clock clock) {
    this.itemsBefore = itemsBefore;
    this.estimatedItems = estimatedItems;
    this.segments = segments;
    this.segmentsDone.set(segmentsDoneBefore);
    this.display = new ProgressDisplay("snapshot-progress", terminal, log, this::line);
    this.clock = clock;
    this.startedMillis = clock.millis();
  }

  public SnapshotProgress(
      long itemsBefore,
      long estimatedItems,
      int segments,
      int segmentsDoneBefore,
      PrintStream terminal) {
    this(
        itemsBefore,
        estimatedItems,
        segments,
        segmentsDoneBefore,
        terminal,
        LOG::info,
        Clock.systemUTC());
  }

  /**
   * Names what the load is split into in the progress line ({@code segments} by default; {@code
   * data files} for an export).
   */
  public SnapshotProgress counting(String parts) {
    this.parts = parts;
    return this;
  }

  /** Counts a page once it is applied. */
  public void pageApplied(int pageItems, int pageDeadLettered) {
    items.addAndGet(pageItems);
    deadLettered.addAndGet(pageDeadLettered);
  }

  /** Counts a segment read to its end. */
  public void segmentDone() {
    segmentsDone.incrementAndGet();
  }

  /** Items applied in this run. */
  public long items() {
    return items.get();
  }

  /** Items applied in this run and before it. */
  public long total() {
    return itemsBefore + items.get();
  }

  public long deadLettered() {
    return deadLettered.get();
  }

  /** Seconds since the run began. */
  public double seconds() {
    return Math.max(0.001, (clock.millis() - startedMillis) / 1e3);
  }

  /** Items per second in this run. */
  public double rate() {
    return items.get() / seconds();
  }

  /** This run's items, time and rate, as a load's summary gives them. */
  public String runSummary() {
    return String.format(
        Locale.ROOT,
        "%s in this run in %.1f s (%.0f items/s)",
        Count.of(items(), "item"),
        seconds(),
        rate());
  }

  /** The progress as one line. */
  public String line() {
    long total = total();
    double rate = rate();
    StringBuilder line = new StringBuilder();
    line.append(Count.of(total, "item"));
    if (estimatedItems > 0) {
      line.append(
          String.format(
              Locale.ROOT,
              " (%.1f%% of ~%d)",
              Math.min(100.0, 100.0 * total / estimatedItems),
              estimatedItems));
    }
    line.append(String.format(Locale.ROOT, ", %.0f items/s", rate));
    if (estimatedItems > total && rate > 0) {
      line.append(", ~").append(duration((long) ((estimatedItems - total) / rate))).append(" left");
    }
    line.append(
        String.format(Locale.ROOT, ", %d of %d %s done", segmentsDone.get(), segments, parts));
    if (deadLettered.get() > 0) {
      line.append(", ").append(deadLettered.get()).append(" dead-lettered");
    }
    return line.toString();
  }

  static String duration(long seconds) {
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7200) {
      return (seconds / 60) + " min";
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
  }

  /** Starts showing progress in the background. */
  public void start() {
    display.start();
  }

  /** Shows the progress once: redraws the live line on a terminal, else logs a plain line. */
  void report() {
    display.report();
  }

  /** Stops showing progress. */
  @Override
  public void close() {
    display.stop();
  }
}
