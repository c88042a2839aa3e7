package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotBenchTest {

  @Test
  void referencePageSizeIsTheBatchSizeWhenItLeavesAPartialLastPage() {
    assertThat(SnapshotBench.referencePageSize(20_001, 100)).isEqualTo(100);
    assertThat(SnapshotBench.referencePageSize(50, 100)).isEqualTo(100);
  }

  @Test
  void referencePageSizeAvoidsAnEmptyLastPage() {
    assertThat(SnapshotBench.referencePageSize(20_000, 100)).isEqualTo(101);
    assertThat(SnapshotBench.referencePageSize(3_000, 100)).isEqualTo(101);
    assertThat(SnapshotBench.referencePageSize(100, 100)).isEqualTo(101);
    assertThat(SnapshotBench.referencePageSize(1, 1)).isEqualTo(2);
    for (int items = 1; items < 500; items++) {
      assertThat(items % SnapshotBench.referencePageSize(items, 10)).isNotZero();
    }
  }

  @Test
  void theCeilingKeepsEveryCoreBusyUntilTheFinalRefreshWhichRunsAlone() {
    // 2.2 s of CPU in all, 0.4 s of it the REFRESH: 1.8 s over 2 cores, then 0.4 s.
    assertThat(SnapshotBench.ceiling(20_000, 2.2, 0.4, 2)).isCloseTo(20_000 / 1.3, within(1e-6));
    // One core: nothing overlaps.
    assertThat(SnapshotBench.ceiling(20_000, 2.2, 0.4, 1)).isCloseTo(20_000 / 2.2, within(1e-6));
    // No REFRESH (PostgreSQL): the CPU over the cores.
    assertThat(SnapshotBench.ceiling(1_000, 0.5, 0, 4)).isCloseTo(8_000, within(1e-6));
    // A REFRESH timed longer than the CPU measured (another round's): the REFRESH alone.
    assertThat(SnapshotBench.ceiling(1_000, 0.1, 0.5, 2)).isCloseTo(2_000, within(1e-6));
    assertThatThrownBy(() -> SnapshotBench.ceiling(1_000, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cores 0");
  }

  /** The CPU seconds of a load's processes: the relay, dynalite and CrateDB. */
  private static java.util.Map<String, java.util.Optional<Double>> aLoadsCpu() {
    java.util.Map<String, java.util.Optional<Double>> all = new java.util.LinkedHashMap<>();
    all.put("relay", java.util.Optional.of(0.4));
    all.put("dynalite", java.util.Optional.of(0.45));
    all.put("CrateDB", java.util.Optional.of(1.5));
    return all;
  }

  @Test
  void theCpuOfEveryProcessIsAddedOnlyWhenEachWasMeasured() {
    java.util.Map<String, java.util.Optional<Double>> all = aLoadsCpu();
    assertThat(SnapshotBench.totalSeconds(all).getAsDouble()).isCloseTo(2.35, within(1e-9));
    all.put("CrateDB", java.util.Optional.empty());
    assertThat(SnapshotBench.totalSeconds(all)).isEmpty();
  }

  @Test
  void aCeilingWithoutAProcessIsTheCeilingOfTheOthersCpu() {
    java.util.Map<String, java.util.Optional<Double>> all = aLoadsCpu();
    // 2.35 s in all, 0.4 s of it the REFRESH: 1.95 s over 2 cores, then 0.4 s.
    assertThat(SnapshotBench.ceilingWithout(20_000, all, "", 0.4, 2).getAsDouble())
        .isCloseTo(20_000 / (1.95 / 2 + 0.4), within(1e-6));
    assertThat(SnapshotBench.ceilingWithout(20_000, all, "relay", 0.4, 2).getAsDouble())
        .isCloseTo(20_000 / (1.55 / 2 + 0.4), within(1e-6));
    assertThat(SnapshotBench.ceilingWithout(20_000, all, "dynalite", 0.4, 2).getAsDouble())
        .isCloseTo(20_000 / (1.5 / 2 + 0.4), within(1e-6));
    all.put("CrateDB", java.util.Optional.empty());
    assertThat(SnapshotBench.ceilingWithout(20_000, all, "relay", 0.4, 2)).isEmpty();
    assertThat(SnapshotBench.ceilingWithout(20_000, all, "CrateDB", 0.4, 2)).isPresent();
  }

  @Test
  void theRelaysBudgetIsTheCpuThatLeavesTheCeilingAtTheGoal() {
    java.util.Map<String, java.util.Optional<Double>> all = aLoadsCpu();
    double ceiling = SnapshotBench.ceilingWithout(20_000, all, "", 0.4, 2).getAsDouble();
    // At the load's own ceiling, the relay may spend what it spent: 0.4 s over 20,000 items.
    assertThat(SnapshotBench.relayBudget(20_000, all, "relay", 0.4, 2, ceiling).getAsDouble())
        .isCloseTo(20.0, within(1e-6));
    // A goal 10 % higher: 20,000 / goal = 1.25 s = (cpu - 0.4) / 2 + 0.4, cpu = 2.1 s, of which
    // dynalite and CrateDB take 1.95.
    assertThat(SnapshotBench.relayBudget(20_000, all, "relay", 0.4, 2, 20_000 / 1.25).getAsDouble())
        .isCloseTo(7.5, within(1e-6));
    // A goal the other processes alone miss: below zero.
    assertThat(SnapshotBench.relayBudget(20_000, all, "relay", 0.4, 2, 20_000 / 1.1).getAsDouble())
        .isNegative();
    all.put("dynalite", java.util.Optional.empty());
    assertThat(SnapshotBench.relayBudget(20_000, all, "relay", 0.4, 2, 10_000)).isEmpty();
  }

  @Test
  void eachRoundsLoadIsSetAgainstTheSlowerLimitOfItsOwnRound() {
    // Round 2 ran on a busier machine: every figure of it is lower.
    List<Double> ratios =
        SnapshotBench.roundRatios(
            List.of(15_000.0, 10_000.0, 14_000.0),
            List.of(50_000.0, 40_000.0, 12_000.0),
            List.of(20_000.0, 13_000.0, 19_000.0));

    assertThat(ratios).hasSize(3);
    assertThat(ratios.get(0)).isCloseTo(0.75, within(1e-9));
    assertThat(ratios.get(1)).isCloseTo(10_000.0 / 13_000.0, within(1e-9));
    assertThat(ratios.get(2))
        .as("the Scan the slower limit")
        .isCloseTo(14_000.0 / 12_000.0, within(1e-9));
    assertThatThrownBy(
            () -> SnapshotBench.roundRatios(List.of(1.0), List.of(1.0, 2.0), List.of(1.0)))
        .hasMessageContaining("rounds differ");
  }

  @Test
  void eachRoundsLoadIsSetAgainstItsOwnRoundsFigure() {
    assertThat(SnapshotBench.ratios(List.of(12_000.0, 9_000.0), List.of(15_000.0, 12_000.0)))
        .containsExactly(0.8, 0.75);
    assertThatThrownBy(() -> SnapshotBench.ratios(List.of(1.0, 2.0), List.of(1.0)))
        .hasMessageContaining("rounds differ");
  }

  @Test
  void whatRunsBesideRunsAtTheSameTimeAndTheMainResultIsReturned() throws Exception {
    java.util.concurrent.CountDownLatch mainBegan = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch besideBegan = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean besideSawMain =
        new java.util.concurrent.atomic.AtomicBoolean();

    String result =
        SnapshotBench.besides(
            () -> {
              mainBegan.countDown();
              return besideBegan.await(5, java.util.concurrent.TimeUnit.SECONDS)
                  ? "together"
                  : "alone";
            },
            () -> {
              besideBegan.countDown();
              besideSawMain.set(mainBegan.await(5, java.util.concurrent.TimeUnit.SECONDS));
              return null;
            });

    assertThat(result).isEqualTo("together");
    assertThat(besideSawMain).as("what ran beside saw the main task under way").isTrue();
  }

  @Test
  void aFailureBesideIsThrownAndAMainFailureKeepsItSuppressed() {
    java.util.concurrent.atomic.AtomicBoolean besideDone =
        new java.util.concurrent.atomic.AtomicBoolean();
    assertThatThrownBy(
            () ->
                SnapshotBench.besides(
                    () -> "written",
                    () -> {
                      throw new IllegalStateException("the Scan read 7 items of 20");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Scan read 7 items of 20");
    assertThatThrownBy(
            () ->
                SnapshotBench.besides(
                    () -> {
                      throw new java.sql.SQLException("refused");
                    },
                    () -> {
                      Thread.sleep(50);
                      besideDone.set(true);
                      throw new IllegalStateException("the Scan read 7 items of 20");
                    }))
        .isInstanceOf(java.sql.SQLException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .extracting(Throwable::getMessage)
                    .isEqualTo("the Scan read 7 items of 20"));
    assertThat(besideDone).as("the main failure waited for what ran beside").isTrue();
  }
}
