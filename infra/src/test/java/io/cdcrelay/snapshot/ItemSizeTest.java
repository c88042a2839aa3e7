package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemSizeTest {

  @Test
  void anItemIsItsNamesAndValuesAsDynamoDbCountsThem() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("abc")); // 2 + 3
    item.put("n", new AttributeValue.N(new BigDecimal("12345"))); // 1 + (5 / 2 + 2)
    item.put("b", new AttributeValue.B("AAECAw==")); // 1 + 6 (8 base64 characters)
    item.put("t", new AttributeValue.Bool(true)); // 1 + 1
    item.put("z", new AttributeValue.Null()); // 1 + 1
    item.put(
        "m", new AttributeValue.M(Map.of("k", new AttributeValue.S("vv")))); // 1 + 3 + 1 + 1 + 2
    item.put(
        "l",
        new AttributeValue.L(
            List.of(new AttributeValue.S("x"), new AttributeValue.Bool(false)))); // 1 + 3 + 2 + 2
    item.put("ss", new AttributeValue.SS(List.of("ab", "cde"))); // 2 + 5
    item.put(
        "ns", new AttributeValue.NS(List.of(BigDecimal.ONE, new BigDecimal("1000")))); // 2 + 2 + 4
    item.put("bs", new AttributeValue.BS(List.of("AAAA", "AAAAAAAA"))); // 2 + 3 + 6

    assertThat(ItemSize.of(item)).isEqualTo(5 + 5 + 7 + 2 + 2 + 8 + 8 + 7 + 8 + 11);
    assertThat(ItemSize.of(List.of(item, Map.of("id", new AttributeValue.S("q")))))
        .isEqualTo(63 + 3);
  }

  @Test
  void textCountsItsUtf8Bytes() {
    for (String text : List.of("", "abc", "ü", "aüb", "€", "€uro", "😀", "a😀ü€")) {
      assertThat(ItemSize.utf8(text))
          .as(text)
          .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("ü", new AttributeValue.S("€")); // 2 + 3
    item.put("ss", new AttributeValue.SS(List.of("😀", "a"))); // 2 + 4 + 1
    assertThat(ItemSize.of(item)).isEqualTo(5 + 7);
  }

  @Test
  void aScanPageReadsItsItemsTogetherRoundedUpToFourKilobytesHalvedWhenEventuallyConsistent() {
    Map<String, AttributeValue> fourKb = Map.of("id", new AttributeValue.S("x".repeat(4094)));
    Map<String, AttributeValue> small = Map.of("id", new AttributeValue.S("y"));
    assertThat(ItemSize.readUnits(List.of(fourKb), true)).isEqualTo(1.0);
    assertThat(ItemSize.readUnits(List.of(fourKb), false)).isEqualTo(0.5);
    assertThat(ItemSize.readUnits(List.of(fourKb, small), true)).isEqualTo(2.0);
    assertThat(ItemSize.readUnits(List.of(fourKb, small), false)).isEqualTo(1.0);
    // The page's items together, not each item, are rounded up: 1,000 items of 3 bytes.
    assertThat(ItemSize.readUnits(Collections.nCopies(1000, small), true)).isEqualTo(1.0);
    // A page that read nothing still costs a read.
    assertThat(ItemSize.readUnits(List.of(), true)).isEqualTo(1.0);
    assertThat(ItemSize.readUnits(List.of(), false)).isEqualTo(0.5);
  }

  @Test
  void aLargePageIsSizedFromAnEvenSampleOfItsItemsAndASmallOneExactly() {
    // Items of 1 to 5,000 bytes, their sizes rising and falling along the page.
    List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      items.add(Map.of("id", new AttributeValue.S("x".repeat(1 + i * 37 % 5000))));
    }
    long exact = ItemSize.of(items);
    assertThat((double) ItemSize.estimate(items)).isCloseTo(exact, withinPercentage(5));
    List<Map<String, AttributeValue>> few = items.subList(0, ItemSize.SAMPLE);
    assertThat(ItemSize.estimate(few)).isEqualTo(ItemSize.of(few));
    // Not the first items only: a page whose second half is ten times larger.
    List<Map<String, AttributeValue>> skewed = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      skewed.add(Map.of("id", new AttributeValue.S("s".repeat(98))));
    }
    for (int i = 0; i < 500; i++) {
      skewed.add(Map.of("id", new AttributeValue.S("l".repeat(998))));
    }
    assertThat(ItemSize.estimate(skewed)).isEqualTo(ItemSize.of(skewed));
    assertThat(ItemSize.readUnits(skewed, true)).isEqualTo(Math.ceil(550_000 / 4096.0));
  }

  @Test
  void aPageWithoutAMeasuredBodyIsItsItemsSize() {
    ScanPage page =
        new ScanPage(
            List.of(Map.of("id", new AttributeValue.S("x".repeat(300_000)))), Map.of(), 0.5);
    assertThat(page.bytes()).isEqualTo(300_002);
  }
}
