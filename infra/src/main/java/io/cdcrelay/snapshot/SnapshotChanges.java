package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeMap;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SourceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns items read from the table itself into changes for the relay core: an upsert of the whole
 * item carrying the given read version ({@link ChangeVersion#ofRead}), so that the row is the one a
 * stream change would write, and any change the stream still delivers is newer. Each change's
 * source names the table and the item's key (a dead letter of it is found by key) and holds the
 * item as DynamoDB JSON.
 */
public final class SnapshotChanges {

  /** How a snapshot change's source names where it came from: {@code dynamodb:TABLE}. */
  public static final String SOURCE_PREFIX = "dynamodb:";

  private final String tableName;
  private final List<String> keyNames;
  private final ChangeVersion version;

  /**
   * @param tableName the DynamoDB table, which routes the changes as a stream's would be
   * @param keyNames the table's key attributes
   * @param version the version every change carries: a snapshot's or a repair's read version
   */
  public SnapshotChanges(String tableName, List<String> keyNames, ChangeVersion version) {
    if (!version.sequenceNumber().equals(ChangeVersion.LOWEST_SEQUENCE)) {
      throw new IllegalArgumentException("not a read version: " + version);
    }
    this.tableName = tableName;
    this.keyNames = List.copyOf(keyNames);
    this.version = version;
  }

  /** The version the changes carry. */
  public ChangeVersion version() {
    return version;
  }

  /** Upserts of the items. */
  public List<Decoded> upserts(List<Map<String, AttributeValue>> items) {
    List<Decoded> changes = new ArrayList<>(items.size());
    for (Map<String, AttributeValue> item : items) {
      changes.add(change(Operation.INSERT, keys(item), item));
    }
    return changes;
  }

  /** An upsert of the item. */
  public Decoded upsert(Map<String, AttributeValue> item) {
    return change(Operation.INSERT, keys(item), item);
  }

  /** A removal of the item of {@code key}. */
  public Decoded remove(Map<String, AttributeValue> key) {
    return change(Operation.REMOVE, key, Map.of());
  }

  private Map<String, AttributeValue> keys(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> keys = new LinkedHashMap<>(4);
    for (String name : keyNames) {
      AttributeValue value = item.get(name);
      if (value != null) {
        keys.put(name, value);
      }
    }
    return AttributeMap.adopt(keys);
  }

  private Decoded change(
      Operation operation, Map<String, AttributeValue> keys, Map<String, AttributeValue> item) {
    Map<String, AttributeValue> payload = operation == Operation.REMOVE ? keys : item;
    // Its name and payload are only wanted for a dead letter: written if one is made.
    SourceRecord source =
        SourceRecord.onDemand(
            () -> SOURCE_PREFIX + tableName + " " + ItemJson.text(keys),
            version.sequenceNumber(),
            () -> ItemJson.bytes(payload),
            Instant.EPOCH);
    if (keys.size() != keyNames.size()) {
      return new Decoded.Poison(
          source, "the item lacks key attributes: it has " + keys.keySet() + " of " + keyNames);
    }
    return new Decoded.Ok(
        new Change(
            operation, tableName, keys, item, Map.of(), version.createdMicros(), false, source));
  }
}
