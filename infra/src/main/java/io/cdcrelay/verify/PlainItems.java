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
      elements.sort(Comparator.comparing(JsonNode::toString));
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
        fields.put(e.getKey(), auxValue(e.getValue()));
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
      elements.sort(Comparator.comparing(JsonNode::toString));
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
