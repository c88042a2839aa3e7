package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import java.util.List;
import java.util.Map;

/**
 * One page a Scan returned.
 *
 * @param items the items, in the order read
 * @param lastKey where the next page of the segment starts ({@code LastEvaluatedKey}); empty when
 *     the segment is read to its end
 * @param consumedCapacity the read capacity units the request consumed: as DynamoDB reported them,
 *     or computed from the items' sizes where it was not asked to report them
 * @param bytes the page's size as read: its response body, or its items' size where that was not
 *     measured; what the load holds in memory while it is not written grows with it
 */
public record ScanPage(
    List<Map<String, AttributeValue>> items,
    Map<String, AttributeValue> lastKey,
    double consumedCapacity,
    long bytes) {

  public ScanPage {
    items = List.copyOf(items);
    lastKey = Map.copyOf(lastKey);
    if (bytes < 0) {
      throw new IllegalArgumentException("a page's size is not negative: " + bytes);
    }
  }

  /** A page whose size is its items' ({@link ItemSize}). */
  public ScanPage(
      List<Map<String, AttributeValue>> items,
      Map<String, AttributeValue> lastKey,
      double consumedCapacity) {
    this(items, lastKey, consumedCapacity, ItemSize.of(items));
  }

  /** Whether the segment has no page after this one. */
  public boolean isLast() {
    return lastKey.isEmpty();
  }
}
