package io.cdcrelay.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Items in the one form in which a DynamoDB item and a target row can be compared: the row rebuilt
 * as {@code pk} ∪ {@code data} ∪ {@code aux} (the layout's fidelity rule), both as plain JSON —
 * strings, exact numbers without trailing zeros, binary as base64, sets and lists as arrays — with
 * object keys sorted. What the layout itself cannot tell apart (a string from a binary value of the
 * same base64 text, a set from a list) verify cannot either.
 */
public final class PlainItems {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final Comparator<JsonNode> VALUE_ORDER = Comparator.comparing(JsonNode::toString);

  /** The name under which an attribute found in both {@code data} and {@code aux} is compared. */
  static final String IN_BOTH = "in data and in aux";

  private PlainItems() {}

  /** An item (or a key) of the change model in plain form, sets in the order given. */
  public static JsonNode of(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    new TreeMap<>(item).forEach((name, value) -> node.set(name, of(value, false)));
    return node;
  }

  private static JsonNode of(AttributeValue value, boolean sortSets) {
    if (value instanceof AttributeValue.S s) {
      return NODES.textNode(s.value());
    } else if (value instanceof AttributeValue.N n) {
      return number(n.value());
    } else if (value instanceof AttributeValue.B b) {
      return NODES.textNode(b.base64());
    } else if (value instanceof AttributeValue.Bool b) {
      return NODES.booleanNode(b.value());
    } else if (value instanceof AttributeValue.Null) {
      return NODES.nullNode();
    } else if (value instanceof AttributeValue.M m) {
      ObjectNode node = NODES.objectNode();
      new TreeMap<>(m.value()).forEach((k, v) -> node.set(k, of(v, sortSets)));
      return node;
    }
    List<JsonNode> elements = new ArrayList<>();
    boolean set = true;
    if (value instanceof AttributeValue.L l) {
      l.value().forEach(v -> elements.add(of(v, sortSets)));
      set = false;
    } else if (value instanceof AttributeValue.SS ss) {
      ss.value().forEach(v -> elements.add(NODES.textNode(v)));
    } else if (value instanceof AttributeValue.NS ns) {
      ns.value().forEach(v -> elements.add(number(v)));
    } else if (value instanceof AttributeValue.BS bs) {
      bs.value().forEach(v -> elements.add(NODES.textNode(v)));
    }
    if (set && sortSets) {
      elements.sort(VALUE_ORDER);
    }
    ArrayNode array = NODES.arrayNode();
    elements.forEach(array::add);
    return array;
  }

  /**
   * A row rebuilt: the key attributes of {@code pk}, the attributes of {@code data}, and those of
   * {@code aux} (DynamoDB JSON, or plain JSON as the reference tool writes it), in plain form.
   */
  public static JsonNode ofRow(JsonNode pk, JsonNode data, JsonNode aux) {
    TreeMap<String, JsonNode> fields = new TreeMap<>();
    pk.fields().forEachRemaining(e -> fields.put(e.getKey(), plain(e.getValue())));
    if (data != null && data.isObject()) {
      data.fields().forEachRemaining(e -> fields.put(e.getKey(), plain(e.getValue())));
    }
    if (aux != null && aux.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = aux.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode value = auxValue(e.getValue());
        JsonNode inData =
            data != null && data.isObject() && data.has(e.getKey()) ? fields.get(e.getKey()) : null;
        // The relay writes an attribute into one of the two: in both, the row is no item's, and
        // a query of data would read a value the comparison of aux alone would not see.
        fields.put(
            e.getKey(),
            inData == null
                ? value
                : NODES.objectNode().set(IN_BOTH, NODES.arrayNode().add(inData).add(value)));
      }
    }
    ObjectNode node = NODES.objectNode();
    fields.forEach(node::set);
    return node;
  }

  /**
   * An attribute of {@code aux} in plain form: this relay stores DynamoDB JSON there; the reference
   * tool (cratedb-toolkit) stores its attributes as {@code data} holds them (a list of mixed types,
   * {@code [1.0, "a"]}), and so does a row edited by hand, which must compare rather than stop the
   * verify.
   */
  private static JsonNode auxValue(JsonNode stored) {
    try {
      return of(DynamoDbJson.readValue(stored, "aux"), false);
    } catch (IllegalArgumentException notDynamoDbJson) {
      return plain(stored);
    }
  }

  /** A stored {@code pk} object as key text: its attributes sorted, numbers normalised. */
  public static String keyText(JsonNode pk) {
    return plain(pk).toString();
  }

  /** The key text of an item's key attributes. */
  public static String keyText(Map<String, AttributeValue> keys) {
    return of(keys).toString();
  }

  /**
   * A key text as a user reads it, and as the target table stores a number key: numbers in plain
   * decimal ({@code 10}, not the canonical form's {@code 1E+1}), so that the key can be looked up
   * as printed.
   */
  public static String displayKey(String keyText) {
    try {
      return DISPLAY.writeValueAsString(DISPLAY.readTree(keyText));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return keyText;
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper DISPLAY =
      com.fasterxml.jackson.databind.json.JsonMapper.builder(
              io.cdcrelay.decode.DynamoDbJson.factory())
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .nodeFactory(NODES)
          .build();

  /** A digest of a plain item: equal items, equal digests. */
  public static byte[] digest(JsonNode plain) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(plain.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A plain item with the elements of each array of plain values (no object, no array among them)
   * sorted, at any depth: what a row and an item share when they differ only in the order of set
   * elements, which a row cannot tell from a list's. The same node when no such array was out of
   * order, so that most rows cost no second digest.
   */
  public static JsonNode withSortedValueArrays(JsonNode plain) {
    if (plain.isObject()) {
      ObjectNode node = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = plain.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode sorted = withSortedValueArrays(e.getValue());
        if (sorted != e.getValue() && node == null) {
          // A shallow copy: the fields before this one are shared, in their (sorted) order.
          node = NODES.objectNode();
          node.setAll((ObjectNode) plain);
        }
        if (node != null) {
          node.set(e.getKey(), sorted);
        }
      }
      return node == null ? plain : node;
    }
    if (!plain.isArray()) {
      return plain;
    }
    List<JsonNode> elements = new ArrayList<>(plain.size());
    boolean values = true;
    boolean changed = false;
    for (JsonNode element : plain) {
      JsonNode sorted = withSortedValueArrays(element);
      changed |= sorted != element;
      values &= !element.isContainerNode();
      elements.add(sorted);
    }
    if (values) {
      List<JsonNode> unsorted = new ArrayList<>(elements);
      elements.sort(VALUE_ORDER);
      changed |= !sameOrder(elements, unsorted);
    }
    if (!changed) {
      return plain;
    }
    ArrayNode array = NODES.arrayNode();
    elements.forEach(array::add);
    return array;
  }

  private static boolean sameOrder(List<JsonNode> a, List<JsonNode> b) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the item holds no list of two or more plain values (strings, numbers, binary values,
   * booleans, nulls), at any depth: then its arrays of plain values are all sets, and a row equal
   * to it under {@link #withSortedValueArrays} differs from it at most in the order of set
   * elements, which DynamoDB does not keep.
   */
  public static boolean onlySetsAreValueArrays(Map<String, AttributeValue> item) {
    for (AttributeValue value : item.values()) {
      if (!onlySetsAreValueArrays(value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean onlySetsAreValueArrays(AttributeValue value) {
    if (value instanceof AttributeValue.M m) {
      return onlySetsAreValueArrays(m.value());
    }
    if (value instanceof AttributeValue.L l) {
      boolean values = true;
      for (AttributeValue element : l.value()) {
        if (!onlySetsAreValueArrays(element)) {
          return false;
        }
        values &= !isArrayOrMap(element);
      }
      return !values || l.value().size() < 2;
    }
    return true;
  }

  private static boolean isArrayOrMap(AttributeValue value) {
    return value instanceof AttributeValue.M
        || value instanceof AttributeValue.L
        || value instanceof AttributeValue.SS
        || value instanceof AttributeValue.NS
        || value instanceof AttributeValue.BS;
  }

  /**
   * Whether the row holds the item: the plain forms equal, but for the order of each set's
   * elements, which DynamoDB does not keep.
   */
  public static boolean same(Map<String, AttributeValue> item, JsonNode row) {
    ObjectNode sorted = NODES.objectNode();
    new TreeMap<>(item).forEach((name, value) -> sorted.set(name, of(value, true)));
    return sorted.equals(sortSets(item, row));
  }

  private static JsonNode sortSets(Map<String, AttributeValue> item, JsonNode row) {
    if (!row.isObject()) {
      return row;
    }
    ObjectNode node = NODES.objectNode();
    row.fields()
        .forEachRemaining(e -> node.set(e.getKey(), sortSets(item.get(e.getKey()), e.getValue())));
    return node;
  }

  private static JsonNode sortSets(AttributeValue source, JsonNode value) {
    if (source instanceof AttributeValue.M m && value.isObject()) {
      return sortSets(m.value(), value);
    }
    if (source instanceof AttributeValue.L l
        && value.isArray()
        && value.size() == l.value().size()) {
      ArrayNode array = NODES.arrayNode();
      for (int i = 0; i < value.size(); i++) {
        array.add(sortSets(l.value().get(i), value.get(i)));
      }
      return array;
    }
    if ((source instanceof AttributeValue.SS
            || source instanceof AttributeValue.NS
            || source instanceof AttributeValue.BS)
        && value.isArray()) {
      List<JsonNode> elements = new ArrayList<>();
      value.forEach(elements::add);
      elements.sort(VALUE_ORDER);
      ArrayNode array = NODES.arrayNode();
      elements.forEach(array::add);
      return array;
    }
    return value;
  }

  private static JsonNode plain(JsonNode stored) {
    if (stored.isNumber()) {
      return number(stored.decimalValue());
    } else if (stored.isObject()) {
      ObjectNode node = NODES.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      stored.fields().forEachRemaining(e -> fields.put(e.getKey(), plain(e.getValue())));
      fields.forEach(node::set);
      return node;
    } else if (stored.isArray()) {
      ArrayNode node = NODES.arrayNode();
      stored.forEach(v -> node.add(plain(v)));
      return node;
    }
    return stored;
  }

  private static JsonNode number(BigDecimal value) {
    return NODES.numberNode(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
  }
}
