package io.cdcrelay.snapshot;

import io.cdcrelay.local.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The parallel readers of a full load (Scan segments, export data files) on daemon threads, with
 * the load's progress display running, under a stop signal of their own: the load's signal reaches
 * it, and a reader stops it when the others cannot go on; closing stops them all.
 */
final class LoadWorkers<T> implements AutoCloseable {

  private final StopSignal workersStop = new StopSignal();
  private final ExecutorService pool;
  private final SnapshotProgress progress;
  private final List<Future<T>> running = new ArrayList<>();

  /**
   * Starts the watcher of {@code stop}, the pool and the progress display.
   *
   * @param watcher the name of the thread that passes {@code stop} on to the readers
   * @param worker the name of each reader's thread
   */
  LoadWorkers(
      StopSignal stop, int threads, String watcher, String worker, SnapshotProgress progress) {
    this.progress = progress;
    Thread relayStop =
        new Thread(
            () -> {
              while (!workersStop.isStopped()) {
                if (stop.sleep(Duration.ofMillis(200))) {
                  workersStop.stop();
                }
              }
            },
            watcher);
    relayStop.setDaemon(true);
    relayStop.start();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, worker);
              t.setDaemon(true);
              return t;
            });
    progress.start();
  }

  /** The readers' stop signal: each reader watches it, and stops it when the others must stop. */
  StopSignal stop() {
    return workersStop;
  }

  /** Starts a reader; one that throws stops the others at once. */
  void submit(Callable<T> reader) {
    running.add(
        pool.submit(
            () -> {
              try {
                return reader.call();
              } catch (Exception | Error e) {
                // Now, not once its result is awaited: results come in order, and an earlier
                // reader still at work would otherwise read to its end first.
                workersStop.stop();
                throw e;
              }
            }));
  }

  /**
   * Waits for every reader, in the order they were submitted; a reader's exception stops the others
   * and is thrown (a checked one wrapped in an {@link IllegalStateException}).
   */
  List<T> results() throws InterruptedException {
    List<T> results = new ArrayList<>(running.size());
    for (Future<T> future : running) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        workersStop.stop();
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    return results;
  }

  /** Stops the readers, their threads and the progress display. */
  @Override
  public void close() {
    workersStop.stop();
    pool.shutdownNow();
    progress.close();
  }
}
