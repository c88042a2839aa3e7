package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.relay.BatchResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedWritesTest {

  // A thread per task: each waits, and the common pool may have a single thread.
  private static final java.util.concurrent.Executor THREADS =
      task -> {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
      };

  /**
   * A writer that records the size of each write, and holds the first until released; shared by the
   * writers of a test.
   */
  private static final class Recording implements SharedWrites.Writer {
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch releaseFirst;
    final AtomicInteger closed = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean();
    volatile RuntimeException failWith;
    volatile int deadLetters;

    Recording(boolean holdFirst) {
      releaseFirst = new CountDownLatch(holdFirst ? 1 : 0);
    }

    @Override
    public BatchResult apply(List<Decoded> changes) {
      sizes.add(changes.size());
      if (held.compareAndSet(false, true)) {
        firstStarted.countDown();
        try {
          releaseFirst.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failWith != null) {
        throw failWith;
      }
      return result(changes.size(), deadLetters);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void aWriteIsWorthALineOfItsOwnOnlyWhenItSetRecordsAsideOrFailed() {
    assertThat(SharedWrites.worthSaying(result(100, 0))).isFalse();
    assertThat(SharedWrites.worthSaying(result(100, 1))).isTrue();
    BatchResult failed =
        new BatchResult(
            100,
            40,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            Duration.ZERO,
            Duration.ZERO,
            Optional.of("41"),
            Optional.of("the database went away"),
            List.of(),
            true);
    assertThat(SharedWrites.worthSaying(failed)).isTrue();
  }

  private static BatchResult result(int received, int deadLettered) {
    return new BatchResult(
        received,
        received - deadLettered,
        0,
        0,
        0,
        deadLettered,
        0,
        0,
        0,
        Duration.ZERO,
        Duration.ZERO,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        false);
  }

  private static List<Decoded> changes(int count) {
    return Collections.nCopies(count, (Decoded) null);
  }

  private static SnapshotProgress progress() {
    return new SnapshotProgress(0, 0, 4, 0, null);
  }

  @Test
  void theSegmentsHandOversWaitingMeanwhileAreWrittenTogether() throws Exception {
    Recording writer = new Recording(true);
    try (SharedWrites writes =
        new SharedWrites(
            1, () -> writer, 3, 1000, Long.MAX_VALUE, Duration.ofSeconds(30), progress())) {
      CompletableFuture<BatchResult> first = writes.handOver(changes(10), 0);
      assertThat(writer.firstStarted.await(10, TimeUnit.SECONDS))
          .as("with no write under way, the first is written at once")
          .isTrue();
      CompletableFuture<BatchResult> second = writes.handOver(changes(20), 0);
      CompletableFuture<BatchResult> third = writes.handOver(changes(30), 0);
      writer.releaseFirst.countDown();

      assertThat(writes.await(first).received()).isEqualTo(10);
      assertThat(writes.await(second).received()).as("the write that held both").isEqualTo(50);
      assertThat(writes.await(third).received()).isEqualTo(50);
      assertThat(writer.sizes).containsExactly(10, 50);
    }
    assertThat(writer.closed).hasValue(1);
  }

  /** Writers that count down {@code ready} as they get ready, the first of them failing to. */
  private static java.util.function.Supplier<SharedWrites.Writer> readying(
      CountDownLatch ready, List<Integer> sizes) {
    AtomicInteger made = new AtomicInteger();
    return () -> {
      boolean failing = made.incrementAndGet() == 1;
      return new SharedWrites.Writer() {
        @Override
        public void prepare() {
          ready.countDown();
          if (failing) {
            throw new IllegalStateException("the target is not there yet");
          }
        }

        @Override
        public BatchResult apply(List<Decoded> changes) {
          sizes.add(changes.size());
          return result(changes.size(), 0);
        }

        @Override
        public void close() {}
      };
    };
  }

  @Test
  void everyWriterGetsReadyBeforeAnythingIsHandedOver() throws Exception {
    CountDownLatch ready = new CountDownLatch(3);
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    try (SharedWrites writes =
        new SharedWrites(
            3, readying(ready, sizes), 1, 1000, Long.MAX_VALUE, Duration.ZERO, progress())) {
      assertThat(ready.await(10, TimeUnit.SECONDS))
          .as("every writer got ready with nothing handed over")
          .isTrue();
      assertThat(sizes).isEmpty();
      assertThat(writes.await(writes.handOver(changes(5), 0)).received()).isEqualTo(5);
    }
  }

  @Test
  void aWriterThatCouldNotGetReadyStillWrites() throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    try (SharedWrites writes =
        new SharedWrites(
            1, readying(ready, sizes), 1, 1000, Long.MAX_VALUE, Duration.ZERO, progress())) {
      assertThat(writes.handOver(changes(5), 0).get(10, TimeUnit.SECONDS).received()).isEqualTo(5);
    }
    assertThat(sizes).containsExactly(5);
  }

  @Test
  void aWriteHoldsAtMostItsItemsAndAtLeastOneHandOver() throws Exception {
    Recording writer = new Recording(true);
    try (SharedWrites writes =
        new SharedWrites(
            1, () -> writer, 4, 25, Long.MAX_VALUE, Duration.ofSeconds(30), progress())) {
      CompletableFuture<BatchResult> first = writes.handOver(changes(1), 0);
      writer.firstStarted.await(10, TimeUnit.SECONDS);
      List<CompletableFuture<BatchResult>> later =
          List.of(
              writes.handOver(changes(10), 0),
              writes.handOver(changes(10), 0),
              writes.handOver(changes(10), 0),
              writes.handOver(changes(40), 0));
      writer.releaseFirst.countDown();
      writes.await(first);
      for (CompletableFuture<BatchResult> applied : later) {
        writes.await(applied);
      }
    }
    assertThat(writer.sizes).containsExactly(1, 20, 10, 40);
  }

  @Test
  void aWriteHoldsAtMostItsBytesAndWhatWaitsIsWrittenOnceItReachesThem() throws Exception {
    Recording writer = new Recording(true);
    try (SharedWrites writes =
        new SharedWrites(2, () -> writer, 4, 1000, 1000, Duration.ofSeconds(30), progress())) {
      CompletableFuture<BatchResult> first = writes.handOver(changes(1), 10);
      writer.firstStarted.await(10, TimeUnit.SECONDS);
      CompletableFuture<BatchResult> second = writes.handOver(changes(2), 400);
      CompletableFuture<BatchResult> third = writes.handOver(changes(3), 400);
      Thread.sleep(200);
      assertThat(second).as("800 of 1,000 bytes wait; the linger is long").isNotDone();
      CompletableFuture<BatchResult> fourth = writes.handOver(changes(4), 400);

      assertThat(second.get(10, TimeUnit.SECONDS).received())
          .as("1,200 bytes wait: the first two of them, 800 bytes, are written at once")
          .isEqualTo(5);
      assertThat(writes.await(third).received()).isEqualTo(5);
      writer.releaseFirst.countDown();
      writes.await(first);
      writes.await(fourth);
    }
    assertThat(writer.sizes).containsExactly(1, 5, 4);
  }

  @Test
  void whatWaitsIsWrittenOnceEverySegmentStillReadingWaitsForAWrite() throws Exception {
    Recording writer = new Recording(true);
    try (SharedWrites writes =
        new SharedWrites(
            2, () -> writer, 3, 1000, Long.MAX_VALUE, Duration.ofSeconds(30), progress())) {
      CompletableFuture<BatchResult> first = writes.handOver(changes(5), 0);
      writer.firstStarted.await(10, TimeUnit.SECONDS);
      CompletableFuture<BatchResult> second = writes.handOver(changes(5), 0);
      CompletableFuture<BatchResult> awaitingFirst =
          CompletableFuture.supplyAsync(() -> writes.await(first), THREADS);
      CompletableFuture<BatchResult> awaitingSecond =
          CompletableFuture.supplyAsync(() -> writes.await(second), THREADS);
      Thread.sleep(200);
      assertThat(second)
          .as("two segments of three wait; the third may still hand over, the linger is long")
          .isNotDone();
      writes.segmentEnded();

      assertThat(awaitingSecond.get(10, TimeUnit.SECONDS).received()).isEqualTo(5);
      assertThat(first).as("written beside the write still under way").isNotDone();
      writer.releaseFirst.countDown();
      assertThat(awaitingFirst.get(10, TimeUnit.SECONDS).received()).isEqualTo(5);
    }
    assertThat(writer.closed).as("both writers closed").hasValue(2);
  }

  @Test
  void whatWaitsIsWrittenOnceItLingered() throws Exception {
    Recording writer = new Recording(true);
    try (SharedWrites writes =
        new SharedWrites(
            2, () -> writer, 8, 1000, Long.MAX_VALUE, Duration.ofMillis(300), progress())) {
      CompletableFuture<BatchResult> first = writes.handOver(changes(5), 0);
      writer.firstStarted.await(10, TimeUnit.SECONDS);
      long handedOverAt = System.nanoTime();
      CompletableFuture<BatchResult> second = writes.handOver(changes(5), 0);

      assertThat(second.get(10, TimeUnit.SECONDS).received()).isEqualTo(5);
      assertThat(System.nanoTime() - handedOverAt)
          .as("with a write under way, it waited for more until the linger passed")
          .isGreaterThanOrEqualTo(300_000_000L);
      assertThat(first).isNotDone();
      writer.releaseFirst.countDown();
      assertThat(writes.await(first).received()).isEqualTo(5);
    }
  }

  @Test
  void aFailedWriteFailsEveryHandOverInItAndDeadLettersCountOncePerWrite() throws Exception {
    Recording writer = new Recording(true);
    SnapshotProgress progress = progress();
    try (SharedWrites writes =
        new SharedWrites(
            1, () -> writer, 3, 1000, Long.MAX_VALUE, Duration.ofSeconds(30), progress)) {
      writer.deadLetters = 2;
      CompletableFuture<BatchResult> first = writes.handOver(changes(10), 0);
      writer.firstStarted.await(10, TimeUnit.SECONDS);
      CompletableFuture<BatchResult> second = writes.handOver(changes(10), 0);
      CompletableFuture<BatchResult> third = writes.handOver(changes(10), 0);
      writer.failWith = null;
      writer.releaseFirst.countDown();
      writes.await(first);
      writes.await(second);
      writes.await(third);
      assertThat(progress.deadLettered()).as("two writes, two dead letters each").isEqualTo(4);

      writer.failWith = new IllegalStateException("the target refused");
      CompletableFuture<BatchResult> fourth = writes.handOver(changes(1), 0);
      assertThatThrownBy(() -> writes.await(fourth)).hasMessage("the target refused");
    }
  }

  @Test
  void closingFailsWhatStillWaitsAndClosesTheWritersOnceTheirWritesAreDone() throws Exception {
    Recording writer = new Recording(true);
    SharedWrites writes =
        new SharedWrites(
            1, () -> writer, 8, 1000, Long.MAX_VALUE, Duration.ofSeconds(30), progress());
    CompletableFuture<BatchResult> underWay = writes.handOver(changes(1), 0);
    writer.firstStarted.await(10, TimeUnit.SECONDS);
    CompletableFuture<BatchResult> waiting = writes.handOver(changes(1), 0);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(writes::close, THREADS);
    Thread.sleep(200);
    assertThat(closing).as("the write under way is not cut off").isNotDone();
    assertThat(waiting).isCompletedExceptionally();
    writer.releaseFirst.countDown();
    closing.get(10, TimeUnit.SECONDS);

    assertThat(underWay.get(10, TimeUnit.SECONDS).received()).isEqualTo(1);
    assertThat(writer.closed).hasValue(1);
    assertThat(writer.sizes).containsExactly(1);
    assertThatThrownBy(() -> writes.handOver(changes(1), 0))
        .isInstanceOf(IllegalStateException.class);
  }
}
