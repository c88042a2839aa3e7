package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.local.StopSignal;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadWorkersTest {

  /** Longer than any wait for a stop should take; reached only when the stop never comes. */
  private static final Duration NEVER = Duration.ofSeconds(30);

  private static SnapshotProgress progress() {
    return new SnapshotProgress(0, 0, 2, 0, null, line -> {}, Clock.systemUTC());
  }

  private static LoadWorkers<String> workers(StopSignal stop, int threads) {
    return new LoadWorkers<>(stop, threads, "test-stop", "test-reader", progress());
  }

  @Test
  void resultsComeInTheOrderTheReadersWereSubmittedFromDaemonThreadsOfTheGivenName()
      throws Exception {
    try (LoadWorkers<String> workers = workers(new StopSignal(), 2)) {
      for (String name : List.of("first", "second", "third")) {
        workers.submit(
            () -> {
              Thread thread = Thread.currentThread();
              return name + " on " + thread.getName() + (thread.isDaemon() ? " (daemon)" : "");
            });
      }
      assertThat(workers.results())
          .containsExactly(
              "first on test-reader (daemon)",
              "second on test-reader (daemon)",
              "third on test-reader (daemon)");
      assertThat(workers.stop().isStopped()).isFalse();
    }
  }

  @Test
  void theLoadsStopReachesTheReaders() throws Exception {
    StopSignal stop = new StopSignal();
    try (LoadWorkers<String> workers = workers(stop, 1)) {
      workers.submit(() -> workers.stop().sleep(NEVER) ? "stopped" : "not stopped");
      stop.stop();
      assertThat(workers.results()).containsExactly("stopped");
    }
  }

  @Test
  void aReaderStoppingTheReadersStopsTheOthersButNotTheLoad() throws Exception {
    StopSignal stop = new StopSignal();
    try (LoadWorkers<String> workers = workers(stop, 2)) {
      workers.submit(() -> workers.stop().sleep(NEVER) ? "stopped" : "not stopped");
      workers.submit(
          () -> {
            workers.stop().stop();
            return "failed";
          });
      assertThat(workers.results()).containsExactly("stopped", "failed");
      assertThat(stop.isStopped()).isFalse();
    }
  }

  @Test
  void aReadersExceptionIsThrownAndStopsTheOthers() throws Exception {
    try (LoadWorkers<String> workers = workers(new StopSignal(), 2)) {
      workers.submit(
          () -> {
            throw new IllegalArgumentException("a bad reader");
          });
      workers.submit(() -> workers.stop().sleep(NEVER) ? "stopped" : "not stopped");
      assertThatThrownBy(workers::results)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a bad reader");
      assertThat(workers.stop().isStopped()).isTrue();
    }
  }

  @Test
  void aLaterReadersExceptionStopsTheEarlierOnesAtOnceNotWhenTheirResultsAreAwaited()
      throws Exception {
    // Results are awaited in order: a segment that failed after another, still reading, must not
    // wait for that one to read its whole segment before the load hears of the failure.
    java.util.concurrent.atomic.AtomicReference<String> earlier =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (LoadWorkers<String> workers = workers(new StopSignal(), 2)) {
      workers.submit(
          () -> {
            earlier.set(workers.stop().sleep(NEVER) ? "stopped" : "not stopped");
            return earlier.get();
          });
      workers.submit(
          () -> {
            throw new IllegalStateException("a segment failed");
          });
      assertThatThrownBy(workers::results).hasMessage("a segment failed");
      assertThat(earlier.get()).isEqualTo("stopped");
    }
  }

  @Test
  void aCheckedExceptionIsThrownWrapped() throws Exception {
    try (LoadWorkers<String> workers = workers(new StopSignal(), 1)) {
      workers.submit(
          () -> {
            throw new IOException("gone");
          });
      assertThatThrownBy(workers::results)
          .isInstanceOf(IllegalStateException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessage("gone");
    }
  }

  @Test
  void closingStopsTheReaders() throws Exception {
    LoadWorkers<String> workers = workers(new StopSignal(), 1);
    StopSignal readers = workers.stop();
    workers.close();
    assertThat(readers.isStopped()).isTrue();
  }
}
