package io.cdcrelay.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.route.TtlPolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a key is, judged from both sides: its item in DynamoDB and its row in the target. */
enum Verdict {
  EQUAL,
  /** Neither an item nor a live row: nothing to compare. */
  ABSENT,
  MISSING,
  EXTRA,
  DIFFERENT,
  /** A row without an item that the TTL policy keeps after the item expired. */
  EXPECTED_EXTRA;

  /** Whether the key is a difference to report (and to repair). */
  boolean isDifference() {
    return this == MISSING || this == EXTRA || this == DIFFERENT;
  }

  /**
   * The verdict on a key from its item and its row, as read (a row flagged deleted is none).
   *
   * @param ttl the relay's TTL policy
   * @param ttlAttribute the table's time-to-live attribute, if it has one
   * @param now when the verdict is made: an expiry at or before it is past
   */
  static Verdict of(
      TtlPolicy ttl,
      Optional<String> ttlAttribute,
      Instant now,
      Optional<Map<String, AttributeValue>> item,
      Optional<TargetRows.Row> stored) {
    Optional<TargetRows.Row> row = stored.filter(r -> !r.deleted());
    if (item.isEmpty()) {
      if (row.isEmpty()) {
        return ABSENT;
      }
      return expectedExtra(ttl, ttlAttribute, now, row.get()) ? EXPECTED_EXTRA : EXTRA;
    }
    if (row.isEmpty()) {
      return MISSING;
    }
    return PlainItems.same(item.get(), row.get().item()) ? EQUAL : DIFFERENT;
  }

  /** A row the TTL policy keeps after its item expired: marked, or kept with a past expiry. */
  static boolean expectedExtra(
      TtlPolicy ttl, Optional<String> ttlAttribute, Instant now, TargetRows.Row row) {
    if (ttl == TtlPolicy.MARK && row.expired()) {
      return true;
    }
    if ((ttl == TtlPolicy.KEEP || ttl == TtlPolicy.MARK) && ttlAttribute.isPresent()) {
      JsonNode expiry = row.item().get(ttlAttribute.get());
      return expiry != null
          && expiry.isNumber()
          && expiry.decimalValue().compareTo(BigDecimal.valueOf(now.getEpochSecond())) <= 0;
    }
    return false;
  }
}
