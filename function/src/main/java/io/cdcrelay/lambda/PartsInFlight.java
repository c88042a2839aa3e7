package io.cdcrelay.lambda;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.relay.BatchResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a batch as parts of equal size on several lanes at once (each lane a relay with its own
 * connection), the calling thread being one of them: each lane takes the next part in stream order
 * when it has finished one, so while one part is written the next is decoded and planned. Once a
 * part fails no lane takes another; every part not taken comes after every part taken, so the first
 * record not applied of the failed parts is the first record not applied of the batch.
 */
final class PartsInFlight {

  /** Applies one part: decodes, plans and writes it; never throws for a database failure. */
  @FunctionalInterface
  interface Lane {
    BatchResult apply(List<SourceRecord> part);
  }

  private final ExecutorService helpers;
  private final Clock clock;

  /** For {@code lanes} lanes: the caller's thread and {@code lanes - 1} daemon threads. */
  PartsInFlight(int lanes, Clock clock) {
    this.helpers =
        lanes <= 1
            ? null
            : Executors.newFixedThreadPool(
                lanes - 1,
                task -> {
                  Thread thread = new Thread(task, "part-in-flight");
                  thread.setDaemon(true);
                  return thread;
                });
    this.clock = clock;
  }

  /**
   * Applies {@code records} in {@code parts} parts of equal size (the last may be smaller) on the
   * lanes, and merges the parts' results. An exception of a lane (a bug, not a database failure) is
   * thrown once every lane has stopped.
   */
  BatchResult apply(List<Lane> lanes, List<SourceRecord> records, int parts) {
    Instant started = clock.instant();
    int size = (records.size() + parts - 1) / parts;
    BatchResult[] results = new BatchResult[(records.size() + size - 1) / size];
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<?>> helping = new ArrayList<>();
    for (Lane lane : lanes.subList(1, lanes.size())) {
      helping.add(helpers.submit(() -> takeParts(lane, records, size, results, next, failed)));
    }
    RuntimeException error = null;
    try {
      takeParts(lanes.get(0), records, size, results, next, failed);
    } catch (RuntimeException e) {
      error = e;
    }
    for (Future<?> lane : helping) {
      try {
        lane.get();
      } catch (ExecutionException e) {
        if (error == null) {
          error =
              e.getCause() instanceof RuntimeException runtime
                  ? runtime
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = error == null ? new IllegalStateException("interrupted", e) : error;
      }
    }
    if (error != null) {
      throw error;
    }
    List<BatchResult> done = new ArrayList<>(results.length);
    for (BatchResult part : results) {
      if (part != null) {
        done.add(part);
      }
    }
    return BatchResult.merge(done, records.size(), Duration.between(started, clock.instant()));
  }

  /** One lane's work: the next part in order, until none is left or one has failed. */
  private static void takeParts(
      Lane lane,
      List<SourceRecord> records,
      int size,
      BatchResult[] results,
      AtomicInteger next,
      AtomicBoolean failed) {
    int part;
    while (!failed.get() && (part = next.getAndIncrement()) < results.length) {
      BatchResult result;
      try {
        result =
            lane.apply(records.subList(part * size, Math.min(records.size(), (part + 1) * size)));
      } catch (RuntimeException e) {
        failed.set(true);
        throw e;
      }
      results[part] = result;
      if (!result.succeeded()) {
        failed.set(true);
      }
    }
  }
}
