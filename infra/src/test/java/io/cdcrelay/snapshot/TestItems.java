package io.cdcrelay.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB items for tests, built with the SDK as a user's application writes them, and the plain
 * JSON form in which {@code TableRows} rebuilds a row ({@code pk} ∪ {@code data} ∪ {@code aux}) —
 * computed here independently of the relay's own conversions. Sets are compared sorted: DynamoDB
 * does not keep the order of a set's elements.
 */
public final class TestItems {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private TestItems() {}

  public static AttributeValue s(String s) {
    return AttributeValue.fromS(s);
  }

  public static AttributeValue n(String n) {
    return AttributeValue.fromN(n);
  }

  public static AttributeValue b(byte[] bytes) {
    return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
  }

  /** An item holding every DynamoDB type, and numbers a double cannot hold. */
  public static Map<String, AttributeValue> everyType(String key, AttributeValue id) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(key, id);
    item.put("s", s("text with ü and \"quotes\""));
    item.put("empty_s", s(""));
    item.put("n_int", n("42"));
    item.put("n_neg", n("-1.5"));
    item.put("n_38", n("12345678901234567890123456789012345678"));
    item.put("n_2p53", n("9007199254740993"));
    item.put("n_dec25", n("0.1234567890123456789012345"));
    item.put("n_tiny", n("1E-130"));
    item.put("b", b(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe}));
    item.put("bool", AttributeValue.fromBool(true));
    item.put("nul", AttributeValue.fromNul(true));
    item.put(
        "m",
        AttributeValue.fromM(
            Map.of(
                "a", n("1"),
                "t", s("x"),
                "nested", AttributeValue.fromM(Map.of("c", AttributeValue.fromBool(false))))));
    item.put("l", AttributeValue.fromL(List.of(s("a"), n("1"), AttributeValue.fromBool(true))));
    item.put("l_same", AttributeValue.fromL(List.of(n("1"), n("2"), n("3"))));
    item.put("empty_l", AttributeValue.fromL(List.of()));
    item.put("empty_m", AttributeValue.fromM(Map.of()));
    item.put("ss", AttributeValue.fromSs(List.of("x", "a", "m")));
    item.put("ns", AttributeValue.fromNs(List.of("1", "2.5", "99999999999999999999999")));
    item.put(
        "bs",
        AttributeValue.fromBs(
            List.of(
                SdkBytes.fromByteArray(new byte[] {1}),
                SdkBytes.fromByteArray(new byte[] {2, 3}))));
    item.put("dotted.name", s("dot"));
    item.put("brackets[0]", n("7"));
    return item;
  }

  /** {@code count} items of mixed shape, about 400 to 600 bytes each, keyed {@code prefix + i}. */
  public static List<Map<String, AttributeValue>> mixed(String key, String prefix, int count) {
    Random random = new Random(prefix.hashCode());
    List<Map<String, AttributeValue>> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, AttributeValue> item = new LinkedHashMap<>();
      item.put(key, s(prefix + i));
      item.put("name", s("item " + i + " " + "x".repeat(150 + random.nextInt(150))));
      item.put("count", n(Integer.toString(random.nextInt(1_000_000))));
      item.put("price", n(random.nextInt(10000) + "." + random.nextInt(100)));
      item.put("active", AttributeValue.fromBool(random.nextBoolean()));
      item.put(
          "tags", AttributeValue.fromSs(List.of("t" + random.nextInt(5), "u" + random.nextInt(5))));
      item.put(
          "address",
          AttributeValue.fromM(
              Map.of(
                  "street", s("street " + random.nextInt(1000)),
                  "zip", n(Integer.toString(10000 + random.nextInt(89999))))));
      item.put(
          "history",
          AttributeValue.fromL(
              List.of(n(Integer.toString(random.nextInt(100))), n(Integer.toString(i)))));
      if (i % 3 == 0) {
        item.put("note", s("y".repeat(100)));
      }
      items.add(item);
    }
    return items;
  }

  /** The item in the plain form {@code TableRows} rebuilds, sets sorted. */
  public static JsonNode plain(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    new TreeMap<>(item).forEach((name, value) -> node.set(name, plain(value, true)));
    return node;
  }

  private static JsonNode plain(AttributeValue value, boolean topLevel) {
    switch (value.type()) {
      case S:
        return NODES.textNode(value.s());
      case N:
        return number(new BigDecimal(value.n()));
      case B:
        return NODES.textNode(base64(value.b()));
      case BOOL:
        return NODES.booleanNode(value.bool());
      case NUL:
        return NODES.nullNode();
      case M:
        {
          ObjectNode node = NODES.objectNode();
          new TreeMap<>(value.m()).forEach((k, v) -> node.set(k, plain(v, false)));
          return node;
        }
      case L:
        {
          ArrayNode array = NODES.arrayNode();
          value.l().forEach(v -> array.add(plain(v, false)));
          return array;
        }
      case SS:
        return sorted(value.ss().stream().map(v -> (JsonNode) NODES.textNode(v)).toList());
      case NS:
        return sorted(value.ns().stream().map(v -> number(new BigDecimal(v))).toList());
      case BS:
        return sorted(value.bs().stream().map(v -> (JsonNode) NODES.textNode(base64(v))).toList());
      default:
        throw new IllegalArgumentException(value.toString());
    }
  }

  /**
   * A rebuilt row with the arrays of the given top-level (set) attributes sorted, and its object
   * keys in order: comparable with {@link #plain}.
   */
  public static JsonNode normalize(JsonNode row, java.util.Set<String> sets) {
    ObjectNode node = NODES.objectNode();
    TreeMap<String, JsonNode> fields = new TreeMap<>();
    row.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
    fields.forEach(
        (name, value) -> {
          JsonNode v = sortKeys(value);
          if (sets.contains(name) && v.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            v.forEach(elements::add);
            v = sorted(elements);
          }
          node.set(name, v);
        });
    return node;
  }

  private static JsonNode sortKeys(JsonNode value) {
    if (value.isObject()) {
      ObjectNode node = NODES.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      value.fields().forEachRemaining(e -> fields.put(e.getKey(), sortKeys(e.getValue())));
      fields.forEach(node::set);
      return node;
    }
    if (value.isArray()) {
      ArrayNode array = NODES.arrayNode();
      value.forEach(v -> array.add(sortKeys(v)));
      return array;
    }
    return value;
  }

  /** The names of the set-typed attributes of items. */
  public static java.util.Set<String> setAttributes(List<Map<String, AttributeValue>> items) {
    java.util.Set<String> sets = new java.util.HashSet<>();
    for (Map<String, AttributeValue> item : items) {
      item.forEach(
          (name, value) -> {
            switch (value.type()) {
              case SS, NS, BS -> sets.add(name);
              default -> {}
            }
          });
    }
    return sets;
  }

  private static ArrayNode sorted(List<JsonNode> elements) {
    List<JsonNode> copy = new ArrayList<>(elements);
    copy.sort(java.util.Comparator.comparing(JsonNode::toString));
    ArrayNode array = NODES.arrayNode();
    copy.forEach(array::add);
    return array;
  }

  private static JsonNode number(BigDecimal value) {
    return NODES.numberNode(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArray());
  }

  /** The item in DynamoDB JSON, as a stream record carries it. */
  public static String dynamoDbJson(Map<String, AttributeValue> item) {
    StringBuilder json = new StringBuilder("{");
    item.forEach(
        (name, value) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append(NODES.textNode(name)).append(':').append(dynamoDbJson(value));
        });
    return json.append('}').toString();
  }

  private static String dynamoDbJson(AttributeValue value) {
    String inner =
        switch (value.type()) {
          case S -> NODES.textNode(value.s()).toString();
          case N -> NODES.textNode(value.n()).toString();
          case B -> NODES.textNode(base64(value.b())).toString();
          case BOOL -> Boolean.toString(value.bool());
          case NUL -> "true";
          case M -> dynamoDbJson(value.m());
          case L -> {
            StringBuilder list = new StringBuilder("[");
            for (AttributeValue v : value.l()) {
              list.append(list.length() > 1 ? "," : "").append(dynamoDbJson(v));
            }
            yield list.append(']').toString();
          }
          case SS -> strings(value.ss());
          case NS -> strings(value.ns());
          case BS -> strings(value.bs().stream().map(TestItems::base64).toList());
          default -> throw new IllegalArgumentException(value.toString());
        };
    String type = value.type() == AttributeValue.Type.NUL ? "NULL" : value.type().name();
    return "{\"" + type + "\":" + inner + "}";
  }

  private static String strings(List<String> values) {
    StringBuilder list = new StringBuilder("[");
    for (String v : values) {
      list.append(list.length() > 1 ? "," : "").append(NODES.textNode(v));
    }
    return list.append(']').toString();
  }

  /** A UTF-8 byte count of the item's DynamoDB JSON (roughly its size). */
  public static int size(Map<String, AttributeValue> item) {
    return dynamoDbJson(item).getBytes(StandardCharsets.UTF_8).length;
  }
}
