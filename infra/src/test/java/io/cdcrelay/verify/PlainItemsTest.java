package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlainItemsTest {

  private static JsonNode json(String text) throws Exception {
    return DynamoDbJson.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, AttributeValue> item() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("a"));
    item.put("n", new AttributeValue.N(new BigDecimal("42")));
    item.put("big", new AttributeValue.N(new BigDecimal("12345678901234567890123456789012345678")));
    item.put("tags", new AttributeValue.SS(List.of("a", "x")));
    item.put(
        "l", new AttributeValue.L(List.of(new AttributeValue.S("b"), new AttributeValue.S("a"))));
    return item;
  }

  @Test
  void aRowRebuiltFromPkDataAndAuxIsTheItemWhateverItsSetOrder() throws Exception {
    JsonNode row =
        PlainItems.ofRow(
            json("{\"id\": \"a\"}"),
            json("{\"n\": 42.0, \"tags\": [\"x\", \"a\"], \"l\": [\"b\", \"a\"]}"),
            json("{\"big\": {\"N\": \"12345678901234567890123456789012345678\"}}"));
    assertThat(PlainItems.same(item(), row)).isTrue();
  }

  @Test
  void anAuxOfPlainJsonAsTheReferenceToolWritesItIsReadAsDataIs() throws Exception {
    // cratedb-toolkit puts a list of mixed types into aux as it would into data.
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("a"));
    item.put(
        "mixed",
        new AttributeValue.L(
            List.of(new AttributeValue.N(new BigDecimal("1")), new AttributeValue.S("a"))));

    JsonNode row =
        PlainItems.ofRow(json("{\"id\": \"a\"}"), json("{}"), json("{\"mixed\": [1.0, \"a\"]}"));
    JsonNode edited =
        PlainItems.ofRow(json("{\"id\": \"a\"}"), json("{}"), json("{\"mixed\": [\"1\", \"a\"]}"));

    assertThat(PlainItems.same(item, row)).isTrue();
    assertThat(PlainItems.same(item, edited)).as("a number become a string").isFalse();
  }

  @Test
  void listOrderTypesAndDigitsMatter() throws Exception {
    JsonNode pk = json("{\"id\": \"a\"}");
    JsonNode aux = json("{\"big\": {\"N\": \"12345678901234567890123456789012345678\"}}");
    assertThat(
            PlainItems.same(
                item(),
                PlainItems.ofRow(
                    pk, json("{\"n\": 42, \"tags\": [\"a\", \"x\"], \"l\": [\"a\", \"b\"]}"), aux)))
        .as("list order")
        .isFalse();
    assertThat(
            PlainItems.same(
                item(),
                PlainItems.ofRow(
                    pk,
                    json("{\"n\": \"42\", \"tags\": [\"a\", \"x\"], \"l\": [\"b\", \"a\"]}"),
                    aux)))
        .as("a number become a string")
        .isFalse();
    assertThat(
            PlainItems.same(
                item(),
                PlainItems.ofRow(
                    pk,
                    json("{\"n\": 42, \"tags\": [\"a\", \"x\"], \"l\": [\"b\", \"a\"]}"),
                    json("{\"big\": {\"N\": \"12345678901234567890123456789012345679\"}}"))))
        .as("the 38th digit")
        .isFalse();
  }

  @Test
  void sortingValueArraysReordersSetsAtAnyDepthButNotArraysOfObjectsOrArrays() throws Exception {
    JsonNode row =
        json(
            "{\"id\": \"a\", \"tags\": [\"x\", \"a\"], \"m\": {\"n\": [3, 1, 2]},"
                + " \"maps\": [{\"s\": [\"z\", \"y\"]}, {\"v\": 1}], \"nested\": [[2, 1], [0]]}");
    JsonNode sorted = PlainItems.withSortedValueArrays(row);

    assertThat(sorted)
        .isEqualTo(
            json(
                "{\"id\": \"a\", \"tags\": [\"a\", \"x\"], \"m\": {\"n\": [1, 2, 3]},"
                    + " \"maps\": [{\"s\": [\"y\", \"z\"]}, {\"v\": 1}],"
                    + " \"nested\": [[1, 2], [0]]}"));
    assertThat(row.get("tags").get(0).asText()).as("the row itself unchanged").isEqualTo("x");
    assertThat(PlainItems.withSortedValueArrays(sorted))
        .as("nothing out of order")
        .isSameAs(sorted);
    JsonNode noArrays = json("{\"id\": \"a\", \"m\": {\"v\": 1}}");
    assertThat(PlainItems.withSortedValueArrays(noArrays)).isSameAs(noArrays);
  }

  @Test
  void onlyAnItemWithoutListsOfPlainValuesComparesWithoutOrder() {
    Map<String, AttributeValue> sets = new LinkedHashMap<>();
    sets.put("id", new AttributeValue.S("a"));
    sets.put("tags", new AttributeValue.SS(List.of("x", "a")));
    sets.put(
        "m",
        new AttributeValue.M(
            Map.of(
                "one", new AttributeValue.L(List.of(new AttributeValue.S("only"))),
                "sets",
                    new AttributeValue.L(
                        List.of(
                            new AttributeValue.NS(List.of(BigDecimal.ONE, BigDecimal.TEN)),
                            new AttributeValue.SS(List.of("b", "a")))))));
    assertThat(PlainItems.onlySetsAreValueArrays(sets)).isTrue();

    Map<String, AttributeValue> listed = new LinkedHashMap<>(sets);
    listed.put(
        "deep",
        new AttributeValue.M(
            Map.of(
                "l",
                new AttributeValue.L(
                    List.of(new AttributeValue.Bool(true), new AttributeValue.Null())))));
    assertThat(PlainItems.onlySetsAreValueArrays(listed)).as("a list of two values").isFalse();
    assertThat(PlainItems.onlySetsAreValueArrays(item())).as("l of two strings").isFalse();
  }

  @Test
  void digestsAndKeysDoNotDependOnStorageFormatting() throws Exception {
    JsonNode a =
        PlainItems.ofRow(
            json("{\"id\":\"a\"}"), json("{\"n\":42.0,\"m\":{\"y\":1,\"x\":2}}"), null);
    JsonNode b =
        PlainItems.ofRow(
            json("{\"id\": \"a\"}"),
            json("{\"m\": {\"x\": 2.00, \"y\": 1}, \"n\": 42}"),
            json("{}"));
    assertThat(PlainItems.digest(a)).isEqualTo(PlainItems.digest(b));
    assertThat(PlainItems.keyText(json("{\"sk\": 1.0, \"pk\": \"x\"}")))
        .isEqualTo(
            PlainItems.keyText(
                Map.of(
                    "pk", new AttributeValue.S("x"), "sk", new AttributeValue.N(BigDecimal.ONE))));
  }

  @Test
  void anItemsSetInAnyOrderIsTheSameAsTheRowsAndItsMapsDigestAsTheRowsDo() throws Exception {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    m.put("y", new AttributeValue.N(BigDecimal.ONE));
    m.put("x", new AttributeValue.NS(List.of(BigDecimal.TEN, BigDecimal.ONE)));
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("a"));
    item.put("tags", new AttributeValue.SS(List.of("x", "a")));
    item.put("m", new AttributeValue.M(m));

    JsonNode row =
        PlainItems.ofRow(
            json("{\"id\": \"a\"}"),
            json("{\"tags\": [\"a\", \"x\"], \"m\": {\"x\": [1, 10], \"y\": 1}}"),
            null);
    assertThat(PlainItems.same(item, row)).isTrue();
    assertThat(
            PlainItems.same(
                item,
                PlainItems.ofRow(
                    json("{\"id\": \"a\"}"),
                    json("{\"tags\": [\"a\", \"y\"], \"m\": {\"x\": [1, 10], \"y\": 1}}"),
                    null)))
        .as("another element")
        .isFalse();

    Map<String, AttributeValue> ordered = new LinkedHashMap<>(item);
    ordered.put("tags", new AttributeValue.SS(List.of("a", "x")));
    ordered.put(
        "m",
        new AttributeValue.M(
            Map.of(
                "y",
                new AttributeValue.N(BigDecimal.ONE),
                "x",
                new AttributeValue.NS(List.of(BigDecimal.ONE, BigDecimal.TEN)))));
    assertThat(PlainItems.digest(PlainItems.of(ordered))).isEqualTo(PlainItems.digest(row));
  }

  @Test
  void setsOfEveryTypeInsideMapsCompareInAnyOrderTheRowKeepsThemIn() throws Exception {
    Map<String, AttributeValue> inner = new LinkedHashMap<>();
    inner.put("ns", new AttributeValue.NS(List.of(BigDecimal.ONE, BigDecimal.TEN)));
    inner.put("ss", new AttributeValue.SS(List.of("a", "b")));
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("a"));
    item.put("m", new AttributeValue.M(Map.of("deeper", new AttributeValue.M(inner))));
    item.put("bs", new AttributeValue.BS(List.of("AA==", "AQ==")));

    // The row holds every set in the other order.
    JsonNode row =
        PlainItems.ofRow(
            json("{\"id\": \"a\"}"),
            json(
                "{\"m\": {\"deeper\": {\"ns\": [10, 1], \"ss\": [\"b\", \"a\"]}},"
                    + " \"bs\": [\"AQ==\", \"AA==\"]}"),
            null);
    assertThat(PlainItems.same(item, row)).isTrue();
    JsonNode other =
        PlainItems.ofRow(
            json("{\"id\": \"a\"}"),
            json(
                "{\"m\": {\"deeper\": {\"ns\": [10, 2], \"ss\": [\"b\", \"a\"]}},"
                    + " \"bs\": [\"AQ==\", \"AA==\"]}"),
            null);
    assertThat(PlainItems.same(item, other)).as("another number in the set").isFalse();
  }

  @Test
  void setsInsideListsCompareInAnyOrderAndAListOfAnotherLengthDiffers() throws Exception {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("a"));
    item.put("l", new AttributeValue.L(List.of(new AttributeValue.SS(List.of("a", "b")))));
    assertThat(
            PlainItems.same(
                item,
                PlainItems.ofRow(json("{\"id\":\"a\"}"), json("{\"l\":[[\"b\",\"a\"]]}"), null)))
        .isTrue();

    Map<String, AttributeValue> one = new LinkedHashMap<>();
    one.put("id", new AttributeValue.S("a"));
    one.put("l", new AttributeValue.L(List.of(new AttributeValue.S("a"))));
    assertThat(
            PlainItems.same(
                one, PlainItems.ofRow(json("{\"id\":\"a\"}"), json("{\"l\":[\"a\",\"b\"]}"), null)))
        .isFalse();
  }

  @Test
  void anAttributeInBothDataAndAuxIsNoItemsRow() throws Exception {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S("d"));
    item.put("s", new AttributeValue.N(new BigDecimal("5")));
    JsonNode asWritten =
        PlainItems.ofRow(json("{\"id\":\"d\"}"), json("{}"), json("{\"s\":{\"N\":\"5\"}}"));
    JsonNode shadowed =
        PlainItems.ofRow(
            json("{\"id\":\"d\"}"), json("{\"s\":\"tampered\"}"), json("{\"s\":{\"N\":\"5\"}}"));

    assertThat(PlainItems.same(item, asWritten)).isTrue();
    assertThat(PlainItems.same(item, shadowed)).isFalse();
    assertThat(PlainItems.digest(shadowed)).isNotEqualTo(PlainItems.digest(asWritten));
  }
}
