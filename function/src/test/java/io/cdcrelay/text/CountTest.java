package io.cdcrelay.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountTest {

  @Test
  void oneIsSingularAndEveryOtherCountPlural() {
    assertEquals("1 item", Count.of(1, "item"));
    assertEquals("0 items", Count.of(0, "item"));
    assertEquals("2 files", Count.of(2, "file"));
    assertEquals("20000 items", Count.of(20_000, "item"));
  }

  @Test
  void groupedCountsSeparateTheirThousands() {
    assertEquals("1 item", Count.grouped(1, "item"));
    assertEquals("20,000 items", Count.grouped(20_000, "item"));
    assertEquals("4 segments", Count.grouped(4, "segment"));
  }
}
