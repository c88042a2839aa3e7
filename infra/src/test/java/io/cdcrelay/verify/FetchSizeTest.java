package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FetchSizeTest {

  @Test
  void theFirstFetchAsksForAHundredRowsAndTheNextAsManyAsFitItsBytes() {
    FetchSize fetch = new FetchSize(1_000_000);
    assertThat(fetch.next()).isEqualTo(FetchSize.FIRST);
    for (int i = 0; i < 100; i++) {
      fetch.read(i % 2 == 0 ? 10_000 : 30_000);
    }
    assertThat(fetch.next()).as("1 MB over 20 KB rows").isEqualTo(50);
  }

  @Test
  void aFetchAsksForTenToAThousandRows() {
    FetchSize small = new FetchSize(1_000_000);
    small.read(50);
    assertThat(small.next()).as("rows of 50 bytes").isEqualTo(FetchSize.MAX);
    FetchSize large = new FetchSize(1_000_000);
    large.read(400_000);
    assertThat(large.next()).as("rows of 400 KB").isEqualTo(FetchSize.MIN);
    FetchSize empty = new FetchSize(1_000);
    empty.read(0);
    assertThat(empty.next()).as("an empty row counts as a byte").isEqualTo(FetchSize.MAX);
  }

  @Test
  void aFetchHoldsAtLeastOneByte() {
    assertThatThrownBy(() -> new FetchSize(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
