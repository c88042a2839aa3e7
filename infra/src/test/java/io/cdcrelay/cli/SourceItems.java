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
  private final String table;
  private long micros = 1_720_740_233_000_000L;

  /** The changes of DynamoDB table {@code demo}. */
  SourceItems() {
    this("demo");
  }

  /** The changes of DynamoDB table {@code table}. */
  SourceItems(String table) {
    this.table = table;
  }

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
    records.add(
        new AbstractMap.SimpleEntry<>(
            id, Records.inTable(json, table).getBytes(StandardCharsets.UTF_8)));
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
    return mixed(new SourceItems(), prefix, n);
  }

  /** As {@link #mixed(String, int)}, into {@code items}. */
  static SourceItems mixed(SourceItems items, String prefix, int n) {
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

  /** The records of both, taken alternately, as one stream carrying two tables delivers them. */
  static List<Map.Entry<String, byte[]>> interleave(SourceItems a, SourceItems b) {
    List<Map.Entry<String, byte[]>> first = a.take();
    List<Map.Entry<String, byte[]>> second = b.take();
    List<Map.Entry<String, byte[]>> all = new ArrayList<>();
    for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
      if (i < first.size()) {
        all.add(first.get(i));
      }
      if (i < second.size()) {
        all.add(second.get(i));
      }
    }
    return all;
  }
}
