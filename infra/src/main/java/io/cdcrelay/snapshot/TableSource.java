package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a DynamoDB table: its description, pages of a parallel Scan, single items. Failures are
 * {@link SourceReadException}s that say whether a retry can help, so that callers never handle SDK
 * exception types.
 */
public interface TableSource extends AutoCloseable {

  /** The table's description. */
  TableDescription describe();

  /**
   * One page of a segment.
   *
   * @param segment the segment, from 0
   * @param totalSegments how many segments the table is scanned in
   * @param startKey where the page starts; empty for the segment's first page
   * @param limit the most items the page may hold
   * @param consistentRead whether the read is strongly consistent
   * @param reportCapacity whether DynamoDB is to report the capacity the page consumed ({@code
   *     ReturnConsumedCapacity}), as pacing by a read-capacity budget needs; otherwise the page's
   *     capacity is computed from its items' sizes as DynamoDB computes a Scan's ({@link
   *     ItemSize#readUnits})
   */
  ScanPage scan(
      int segment,
      int totalSegments,
      Map<String, AttributeValue> startKey,
      int limit,
      boolean consistentRead,
      boolean reportCapacity);

  /** The item of {@code key} by a strongly consistent read; empty when there is none. */
  Optional<Map<String, AttributeValue>> getItem(Map<String, AttributeValue> key);

  /**
   * The items of {@code keys} that exist, by strongly consistent reads, in any order; one {@link
   * #getItem} each unless the source reads several at once.
   */
  default List<Map<String, AttributeValue>> getItems(List<Map<String, AttributeValue>> keys) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (Map<String, AttributeValue> key : keys) {
      getItem(key).ifPresent(items::add);
    }
    return items;
  }

  @Override
  void close();
}
