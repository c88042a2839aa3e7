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
 * @param consumedCapacity the read capacity units the request consumed
 */
public record ScanPage(
    List<Map<String, AttributeValue>> items,
    Map<String, AttributeValue> lastKey,
    double consumedCapacity) {

  public ScanPage {
    items = List.copyOf(items);
    lastKey = Map.copyOf(lastKey);
  }

  /** Whether the segment has no page after this one. */
  public boolean isLast() {
    return lastKey.isEmpty();
  }
}
