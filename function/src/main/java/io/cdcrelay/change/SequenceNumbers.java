package io.cdcrelay.change;

import java.util.Comparator;

/**
 * Kinesis sequence numbers: decimal strings of up to 129 digits that, within one shard, compare as
 * integers.
 */
public final class SequenceNumbers {

  /** Compares two sequence numbers of the same shard numerically. */
  public static final Comparator<String> ORDER =
      Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

  private SequenceNumbers() {}

  /** Whether {@code sequenceNumber} is a canonical decimal, as {@link #requireValid} wants. */
  public static boolean isValid(String sequenceNumber) {
    try {
      requireValid(sequenceNumber);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Returns the sequence number unchanged, or throws if it is not a canonical decimal. */
  public static String requireValid(String sequenceNumber) {
    if (sequenceNumber == null
        || sequenceNumber.isEmpty()
        || sequenceNumber.length() > 129
        || !digits(sequenceNumber)
        || (sequenceNumber.length() > 1 && sequenceNumber.charAt(0) == '0')) {
      throw new IllegalArgumentException(
          "not a Kinesis sequence number (1 to 129 digits, no leading zero): " + sequenceNumber);
    }
    return sequenceNumber;
  }

  private static boolean digits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
