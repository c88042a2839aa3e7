package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * About what DynamoDB counts as an item's size (its attribute names and values; text in UTF-8
 * bytes, binary as its decoded length): for the capacity of Scan pages DynamoDB was not asked to
 * report (estimated from a sample of a large page's items), and the memory of pages whose response
 * body was not measured.
 */
final class ItemSize {

  private ItemSize() {}

  /** The items' sizes together. */
  static long of(List<Map<String, AttributeValue>> items) {
    long bytes = 0;
    for (Map<String, AttributeValue> item : items) {
      bytes += of(item);
    }
    return bytes;
  }

  /**
   * About the read capacity units a Scan page of these items consumes, as DynamoDB computes them:
   * their sizes together ({@link #estimate}) rounded up to the next 4 KB, and at least 4 KB (a
   * request that reads nothing still costs one read); a unit for every 4 KB read strongly
   * consistently, half of one otherwise.
   */
  static double readUnits(List<Map<String, AttributeValue>> items, boolean consistentRead) {
    double reads = Math.max(1, Math.ceil(estimate(items) / (double) READ_UNIT_BYTES));
    return consistentRead ? reads : reads / 2;
  }

  /** Items measured at most in a page: evenly spread, they tell its size to a few percent. */
  static final int SAMPLE = 64;

  /**
   * The items' sizes together: exactly for up to {@link #SAMPLE} items, else from that many spread
   * evenly over them, scaled. Sizing every item of large pages took a load's reading threads as
   * long as parsing them (JFR, {@code bench snapshot}), for a figure only reported.
   */
  static long estimate(List<Map<String, AttributeValue>> items) {
    int count = items.size();
    if (count <= SAMPLE) {
      return of(items);
    }
    long bytes = 0;
    int measured = 0;
    for (int i = 0; measured < SAMPLE; i = (int) ((long) ++measured * count / SAMPLE)) {
      bytes += of(items.get(i));
    }
    return Math.round(bytes * (double) count / measured);
  }

  /** The bytes one read capacity unit reads. */
  static final int READ_UNIT_BYTES = 4096;

  /** An item's size: each attribute's name and value. */
  static long of(Map<String, AttributeValue> item) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      bytes += utf8(attribute.getKey()) + of(attribute.getValue());
    }
    return bytes;
  }

  private static long of(AttributeValue value) {
    if (value instanceof AttributeValue.S s) {
      return utf8(s.value());
    }
    if (value instanceof AttributeValue.N n) {
      return number(n.value());
    }
    if (value instanceof AttributeValue.B b) {
      return binary(b.base64());
    }
    // A map or a list: 3 bytes, and 1 more for each element.
    if (value instanceof AttributeValue.M m) {
      return 3 + m.value().size() + of(m.value());
    }
    if (value instanceof AttributeValue.L l) {
      long bytes = 3 + l.value().size();
      for (AttributeValue element : l.value()) {
        bytes += of(element);
      }
      return bytes;
    }
    if (value instanceof AttributeValue.SS ss) {
      return ss.value().stream().mapToLong(ItemSize::utf8).sum();
    }
    if (value instanceof AttributeValue.NS ns) {
      return ns.value().stream().mapToLong(ItemSize::number).sum();
    }
    if (value instanceof AttributeValue.BS bs) {
      return bs.value().stream().mapToLong(ItemSize::binary).sum();
    }
    // A boolean or a null.
    return 1;
  }

  /**
   * A text's length in UTF-8: one byte up to U+007F, two up to U+07FF, three, four beyond U+FFFF.
   */
  static long utf8(String text) {
    long bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        // Each half of a surrogate pair (four bytes together) counts two.
        bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
      }
    }
    return bytes;
  }

  /** A number: a byte for every two significant digits, and one more. */
  private static long number(BigDecimal value) {
    return value.precision() / 2 + 2;
  }

  private static long binary(String base64) {
    return base64.length() / 4 * 3;
  }
}
