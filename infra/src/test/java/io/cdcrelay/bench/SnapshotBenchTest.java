package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
}
