package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.testing.Records;
import io.cdcrelay.testing.TableRows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A DynamoDB table's changes as test data: each change as the CDC record the stream carries (with
 * the item key as its partition key), and the live items they leave, as {@link TableRows} rebuilds
 * them.
 */
final class SourceItems {

  private final Map<String, Map<String, AttributeValue>> live = new TreeMap<>();
  private final List<Map.Entry<String, byte[]>> records = new ArrayList<>();
  private long micros = 1_720_740_233_000_000L;

  SourceItems insert(String id, int value) {
    return upsert("INSERT", id, value);
  }

  SourceItems modify(String id, int value) {
    return upsert("MODIFY", id, value);
  }

  SourceItems remove(String id) {
    live.remove(id);
    add(id, Records.remove(id, micros++));
    return this;
  }

  private SourceItems upsert(String event, String id, int value) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S(id));
    item.put("value", new AttributeValue.N(BigDecimal.valueOf(value)));
    item.put("label", new AttributeValue.S("item " + id + " v" + value));
    live.put(id, item);
    add(
        id,
        Records.upsert(
            event,
            id,
            micros++,
            "\"value\":{\"N\":\""
                + value
                + "\"},\"label\":{\"S\":\"item "
                + id
                + " v"
                + value
                + "\"}"));
    return this;
  }

  private void add(String id, String json) {
    records.add(new AbstractMap.SimpleEntry<>(id, json.getBytes(StandardCharsets.UTF_8)));
  }

  /** The records not yet taken, which are then taken. */
  List<Map.Entry<String, byte[]>> take() {
    List<Map.Entry<String, byte[]>> taken = new ArrayList<>(records);
    records.clear();
    return taken;
  }

  /** The live items as {@link TableRows#liveItems} gives them. */
  Map<String, JsonNode> expected() {
    Map<String, JsonNode> expected = new TreeMap<>();
    live.forEach((id, item) -> expected.put("{\"id\":\"" + id + "\"}", TableRows.plain(item)));
    return expected;
  }

  /** Inserts {@code n} items, modifies every third and removes every fifth. */
  static SourceItems mixed(String prefix, int n) {
    SourceItems items = new SourceItems();
    for (int i = 0; i < n; i++) {
      items.insert(prefix + i, i);
    }
    for (int i = 0; i < n; i += 3) {
      items.modify(prefix + i, i * 10);
    }
    for (int i = 0; i < n; i += 5) {
      items.remove(prefix + i);
    }
    return items;
  }
}
