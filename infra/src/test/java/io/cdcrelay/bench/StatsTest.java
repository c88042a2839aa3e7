package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    Stats stats = Stats.of(9, 1, 5, 3, 7);
    assertThat(stats.median()).isEqualTo(5);
    assertThat(stats.min()).isEqualTo(1);
    assertThat(stats.max()).isEqualTo(9);
    assertThat(stats.rounds()).isEqualTo(5);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertThat(Stats.of(4, 1, 10, 2).median()).isEqualTo(3);
  }

  @Test
  void spreadIsTheRangeOverTheMedian() {
    assertThat(Stats.of(90, 100, 110).spread()).isCloseTo(0.2, within(1e-9));
    assertThat(Stats.of(5).spread()).isZero();
    assertThat(Stats.of(0, 0).spread()).isZero();
  }

  @Test
  void ratioComparesMedians() {
    assertThat(Stats.of(10, 20, 30).ratio(Stats.of(40, 80))).isCloseTo(1.0 / 3, within(1e-9));
  }

  @Test
  void noValuesIsAnError() {
    assertThatThrownBy(() -> Stats.of(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
