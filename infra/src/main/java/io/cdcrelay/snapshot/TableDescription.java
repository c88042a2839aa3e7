package io.cdcrelay.snapshot;

import io.cdcrelay.plan.KeySchema;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code DescribeTable} (and {@code DescribeTimeToLive}) say of a DynamoDB table.
 *
 * @param name the table name
 * @param arn the table ARN
 * @param keys the key attributes: the partition key first, then the sort key if any
 * @param itemCount DynamoDB's estimate of the item count (updated about every six hours)
 * @param sizeBytes DynamoDB's estimate of the table size
 * @param ttlAttribute the attribute holding items' expiry times, when time to live is enabled
 * @param ttlUnreadable why {@code DescribeTimeToLive} could not say whether it is (access denied,
 *     say): then {@code ttlAttribute} is empty for want of knowing
 */
public record TableDescription(
    String name,
    String arn,
    List<KeySchema.KeyColumn> keys,
    long itemCount,
    long sizeBytes,
    Optional<String> ttlAttribute,
    Optional<String> ttlUnreadable) {

  /** A table whose time to live is known: enabled on {@code ttlAttribute}, or not. */
  public TableDescription(
      String name,
      String arn,
      List<KeySchema.KeyColumn> keys,
      long itemCount,
      long sizeBytes,
      Optional<String> ttlAttribute) {
    this(name, arn, keys, itemCount, sizeBytes, ttlAttribute, Optional.empty());
  }

  public TableDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arn, "arn");
    keys = List.copyOf(keys);
    if (keys.isEmpty() || keys.size() > 2) {
      throw new IllegalArgumentException("table " + name + " has " + keys.size() + " key columns");
    }
  }

  /** The target table's primary key, as the relay derives it from a change's keys. */
  public KeySchema keySchema() {
    List<KeySchema.KeyColumn> sorted = new java.util.ArrayList<>(keys);
    sorted.sort(java.util.Comparator.comparing(KeySchema.KeyColumn::name));
    return new KeySchema(sorted);
  }

  /** The names of the key attributes. */
  public List<String> keyNames() {
    return keys.stream().map(KeySchema.KeyColumn::name).toList();
  }
}
