package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.SourceRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchPipelineTest {

  private static List<SourceRecord> batch(String sequenceNumber) {
    return List.of(
        new SourceRecord(
            "shard-1", sequenceNumber, new byte[] {(byte) 123, (byte) 125}, Instant.EPOCH));
  }

  private static String first(List<SourceRecord> batch) {
    return batch.get(0).sequenceNumber();
  }

  @Test
  void theReaderHandsOnWhileABatchIsAppliedAndBatchesApplyInOrderOnAnotherThread()
      throws Exception {
    List<String> applied = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            1,
            batch -> {
              threads.add(Thread.currentThread().getName());
              if (first(batch).equals("1")) {
                firstStarted.countDown();
                await(release);
              }
              applied.add(first(batch));
              return true;
            })) {
      assertThat(pipeline.hand(batch("1"))).isTrue();
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pipeline.hand(batch("2")))
          .as("handed over while the first batch is still being applied")
          .isTrue();
      assertThat(applied).isEmpty();
      release.countDown();
      assertThat(pipeline.drain()).isTrue();
      assertThat(applied).containsExactly("1", "2");
      assertThat(threads).containsOnly("apply-test");
    }
  }

  @Test
  void aReaderFasterThanTheDatabaseWaitsOnceCapacityBatchesWait() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> applied = new CopyOnWriteArrayList<>();
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            1,
            batch -> {
              firstStarted.countDown();
              await(release);
              applied.add(first(batch));
              return true;
            })) {
      pipeline.hand(batch("1"));
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      pipeline.hand(batch("2")); // waits in the queue: capacity 1
      Thread reader = new Thread(() -> pipeline.hand(batch("3")));
      reader.start();
      while (reader.getState() != Thread.State.WAITING) {
        assertThat(reader.isAlive()).as("the third hand-over must wait, not return").isTrue();
        Thread.onSpinWait();
      }
      release.countDown();
      reader.join(10_000);
      assertThat(pipeline.drain()).isTrue();
      assertThat(applied).containsExactly("1", "2", "3");
    }
  }

  @Test
  void nothingAfterABatchThatWasNotAppliedIsApplied() {
    List<String> applied = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            4,
            batch -> {
              await(release);
              if (first(batch).equals("2")) {
                return false; // stopped before it was applied and checkpointed
              }
              applied.add(first(batch));
              return true;
            })) {
      pipeline.hand(batch("1"));
      pipeline.hand(batch("2"));
      pipeline.hand(batch("3"));
      release.countDown();
      assertThat(pipeline.drain()).isFalse();
      assertThat(pipeline.hand(batch("4"))).isFalse();
      assertThat(pipeline.drain()).isFalse();
      assertThat(applied).as("the checkpoint never passes a gap").containsExactly("1");
    }
  }

  @Test
  void whatAnApplyThrowsReachesTheReaderAndEndsTheApplying() {
    List<String> applied = new CopyOnWriteArrayList<>();
    IllegalStateException broken = new IllegalStateException("the target table is gone");
    CountDownLatch release = new CountDownLatch(1);
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            4,
            batch -> {
              await(release);
              if (first(batch).equals("1")) {
                throw broken;
              }
              applied.add(first(batch));
              return true;
            })) {
      pipeline.hand(batch("1"));
      pipeline.hand(batch("2"));
      release.countDown();
      assertThatThrownBy(pipeline::drain).isSameAs(broken);
      assertThatThrownBy(pipeline::check).isSameAs(broken);
      assertThatThrownBy(() -> pipeline.hand(batch("3"))).isSameAs(broken);
      assertThat(applied).isEmpty();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30) // a lane that dies of an Error would leave drain() waiting
  void anErrorInAnApplyFailsTheBatchInsteadOfLeavingTheReaderWaiting() {
    OutOfMemoryError error = new OutOfMemoryError("Java heap space (injected)");
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            4,
            batch -> {
              throw error;
            })) {
      pipeline.hand(batch("1"));
      assertThatThrownBy(pipeline::drain)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Java heap space (injected)")
          .hasCause(error);
    }
  }

  @Test
  void twoLanesApplyTwoBatchesAtOnceAndTheCheckpointCoversOnlyAppliedPrefixesInOrder()
      throws Exception {
    List<String> checkpoints = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch releaseSecond = new CountDownLatch(1);
    java.util.function.Predicate<List<SourceRecord>> lane =
        batch -> {
          threads.add(Thread.currentThread().getName());
          if (!first(batch).equals("3")) {
            bothStarted.countDown();
            await(first(batch).equals("1") ? releaseFirst : releaseSecond);
          }
          return true;
        };
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test", 4, List.of(lane, lane), last -> checkpoints.add(first(last)))) {
      pipeline.hand(batch("1"));
      pipeline.hand(batch("2"));
      assertThat(bothStarted.await(10, TimeUnit.SECONDS))
          .as("the second batch starts while the first is being applied")
          .isTrue();
      releaseSecond.countDown();
      // The second batch is applied, the first is not yet: no checkpoint may cover the second.
      while (threads.size() < 2) {
        Thread.onSpinWait();
      }
      pipeline.hand(batch("3"));
      Thread.sleep(200);
      assertThat(checkpoints).as("nothing is checkpointed past a batch still applying").isEmpty();
      releaseFirst.countDown();
      assertThat(pipeline.drain()).isTrue();
      assertThat(checkpoints).last().isEqualTo("3");
      assertThat(checkpoints).isSubsetOf("2", "3").doesNotHaveDuplicates();
      assertThat(threads).contains("apply-test-1", "apply-test-2");
    }
  }

  @Test
  void withTwoLanesABatchAppliedAfterOneThatWasNotIsNeverCheckpointed() {
    List<String> checkpoints = new CopyOnWriteArrayList<>();
    CountDownLatch secondApplied = new CountDownLatch(1);
    try (BatchPipeline pipeline =
        new BatchPipeline(
            "apply-test",
            4,
            List.of(
                batch -> {
                  if (first(batch).equals("1")) {
                    await(secondApplied);
                    return false; // stopped before it was applied
                  }
                  secondApplied.countDown();
                  return true;
                },
                batch -> {
                  if (first(batch).equals("1")) {
                    await(secondApplied);
                    return false;
                  }
                  secondApplied.countDown();
                  return true;
                }),
            last -> checkpoints.add(first(last)))) {
      pipeline.hand(batch("1"));
      pipeline.hand(batch("2"));
      assertThat(pipeline.drain()).isFalse();
      assertThat(checkpoints).isEmpty();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
