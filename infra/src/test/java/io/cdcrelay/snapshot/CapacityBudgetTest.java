package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CapacityBudgetTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private void advance(double seconds) {
    nanos.addAndGet((long) (seconds * 1e9));
  }

  @Test
  void aRequestWaitsUntilItsEstimateHasAccruedFromZero() {
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    assertThat(budget.tryAcquire(5)).isEqualTo(Duration.ofMillis(500));
    advance(0.5);
    assertThat(budget.tryAcquire(5)).isZero();
    // Paid: the next page waits for its own estimate.
    assertThat(budget.tryAcquire(5)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void consumptionAboveTheEstimateIsADebtTheNextRequestWaitsOut() {
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    advance(1);
    assertThat(budget.tryAcquire(2)).isZero();
    budget.spend(2, 12, 10);
    // 10 units more than estimated, 8 of them covered by what had accrued: 2 units of debt.
    assertThat(budget.tryAcquire(0)).isEqualTo(Duration.ofMillis(200));
    assertThat(budget.consumed()).isEqualTo(12);
  }

  @Test
  void idleTimeIsSavedForAtMostOneSecondOfTheBudget() {
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    advance(60);
    assertThat(budget.tryAcquire(10)).isZero();
    assertThat(budget.tryAcquire(1)).isPositive();
  }

  @Test
  void overAnyRunTheConsumedCapacityStaysWithinRateTimesTime() {
    CapacityBudget budget = CapacityBudget.of(20, nanos::get);
    long start = nanos.get();
    double consumed = 0;
    java.util.Random random = new java.util.Random(7);
    for (int page = 0; page < 500; page++) {
      int limit = budget.limit(100, 4);
      double estimate = budget.estimate(limit);
      Duration wait;
      while (!(wait = budget.tryAcquire(estimate)).isZero()) {
        advance(wait.toNanos() / 1e9);
      }
      double units = limit * (0.2 + random.nextDouble() * 0.6);
      consumed += units;
      advance(0.001);
      budget.spend(estimate, units, limit);
      assertThat(consumed - units).isLessThanOrEqualTo(20 * (nanos.get() - start) / 1e9 + 1e-6);
    }
    Duration wait;
    while (!(wait = budget.tryAcquire(0)).isZero()) {
      advance(wait.toNanos() / 1e9);
    }
    assertThat(consumed).isLessThanOrEqualTo(20 * (nanos.get() - start) / 1e9 + 1e-6);
  }

  @Test
  void pagesAreSizedToAboutASecondOfASegmentsShare() {
    CapacityBudget budget = CapacityBudget.of(40, nanos::get);
    assertThat(budget.limit(1000, 4)).isEqualTo(20);
    advance(10);
    budget.spend(0, 10, 100);
    assertThat(budget.limit(1000, 4)).isEqualTo(100);
    assertThat(budget.limit(50, 4)).isEqualTo(50);
    assertThat(CapacityBudget.of(java.util.OptionalInt.empty()).limit(77, 4)).isEqualTo(77);
  }

  @Test
  void aPageThatCostsMoreThanASecondOfTheBudgetIsReadOnceItHasAccrued() {
    // One item of 100 KB read consistently costs 25 units: more than rcu=10 saves in a second.
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    assertThat(budget.tryAcquire(25)).isEqualTo(Duration.ofMillis(2500));
    advance(2.5);
    assertThat(budget.tryAcquire(25)).isZero();
  }

  @Test
  void aPageHoldsTheItemsThatFitASecondOfTheShareAndAtLeastOne() {
    // No item read yet: half a unit each. 10 units over 3 segments: 3.3 a second, 6 items.
    assertThat(CapacityBudget.of(10, nanos::get).limit(1000, 3)).isEqualTo(6);
    // 1 unit over 16 segments: not one item's worth, and still one item a page.
    assertThat(CapacityBudget.of(1, nanos::get).limit(1000, 16)).isEqualTo(1);
  }

  @Test
  void segmentsAreServedInTurnAndOneThatIsStoppedWhileWaitingPassesItsTurnOn() throws Exception {
    // Nothing accrues on this clock: the first segment waits for its page until it is stopped.
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    io.cdcrelay.local.StopSignal first = new io.cdcrelay.local.StopSignal();
    io.cdcrelay.local.StopSignal second = new io.cdcrelay.local.StopSignal();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<Boolean> waiting = pool.submit(() -> budget.acquire(5, first));
      while (budget.asked() < 1) {
        Thread.sleep(1);
      }
      // Costs nothing and is out of debt, but comes second: it waits for the first.
      java.util.concurrent.Future<Boolean> next = pool.submit(() -> budget.settle(second));
      Thread.sleep(200);
      assertThat(next.isDone()).as("served before the segment that asked first").isFalse();

      first.stop();

      assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
      assertThat(next.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      first.stop();
      second.stop();
      pool.shutdownNow();
    }
  }

  @Test
  void aSegmentWaitingForItsPageIsServedOnceItHasAccrued() throws Exception {
    CapacityBudget budget = CapacityBudget.of(10, nanos::get);
    io.cdcrelay.local.StopSignal stop = new io.cdcrelay.local.StopSignal();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<Boolean> waiting = pool.submit(() -> budget.acquire(5, stop));
      Thread.sleep(100);
      assertThat(waiting.isDone()).isFalse();

      advance(0.5);

      assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(budget.tryAcquire(5)).as("paid: nothing left").isEqualTo(Duration.ofMillis(500));
    } finally {
      stop.stop();
      pool.shutdownNow();
    }
  }

  @Test
  void withoutABudgetEveryRequestIsServedAtOnce() {
    CapacityBudget none = CapacityBudget.of(java.util.OptionalInt.empty());
    io.cdcrelay.local.StopSignal stopped = new io.cdcrelay.local.StopSignal();
    stopped.stop();
    assertThat(none.limited()).isFalse();
    assertThat(none.acquire(1e9, stopped)).isTrue();
    assertThat(none.settle(stopped)).isTrue();
  }
}
