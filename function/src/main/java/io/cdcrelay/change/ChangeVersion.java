package io.cdcrelay.change;

import java.util.Comparator;

/**
 * The order of the changes of one item: {@code ApproximateCreationDateTime} first, then the Kinesis
 * sequence number, which AWS documents as the order to trust for records that may arrive duplicated
 * or out of order.
 *
 * @param createdMicros the change's creation time in microseconds since the epoch
 * @param sequenceNumber the Kinesis sequence number of the record carrying the change
 */
public record ChangeVersion(long createdMicros, String sequenceNumber)
    implements Comparable<ChangeVersion> {

  private static final Comparator<ChangeVersion> ORDER =
      Comparator.comparingLong(ChangeVersion::createdMicros)
          .thenComparing(ChangeVersion::sequenceNumber, SequenceNumbers.ORDER);

  public ChangeVersion {
    if (createdMicros < 0) {
      throw new IllegalArgumentException("negative creation time: " + createdMicros);
    }
    SequenceNumbers.requireValid(sequenceNumber);
  }

  /** The change's creation time. */
  public java.time.Instant createdAt() {
    return instantOfMicros(createdMicros);
  }

  /** Microseconds since the epoch as an instant. */
  static java.time.Instant instantOfMicros(long micros) {
    return java.time.Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** The lowest sequence: a version with it sorts below every change of the same time. */
  public static final String LOWEST_SEQUENCE = "0";

  /**
   * A change of DynamoDB Streams: AWS gives its creation time in whole seconds (rounded down), and
   * the stream's sequence number orders one item's changes within a second.
   */
  public static ChangeVersion ofDynamoDbStreams(long epochSeconds, String sequenceNumber) {
    return new ChangeVersion(Math.multiplyExact(epochSeconds, 1_000_000L), sequenceNumber);
  }

  /**
   * A row read from the table itself (a snapshot, or a repair from a consistent read) at {@code
   * readStart}: below every change the stream will still deliver, as it is dated {@code clockSkew}
   * before the read began.
   */
  public static ChangeVersion ofRead(java.time.Instant readStart, java.time.Duration clockSkew) {
    java.time.Instant at = readStart.minus(clockSkew);
    long micros =
        Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    return new ChangeVersion(Math.max(0, micros), LOWEST_SEQUENCE);
  }

  @Override
  public int compareTo(ChangeVersion other) {
    return ORDER.compare(this, other);
  }

  /**
   * This version as text whose lexicographic order is the version order: the creation time in 19
   * zero-padded digits, then the length of the sequence number in 3 digits, then the sequence
   * number. A database compares it with plain {@code >=} on a text column.
   */
  public String encode() {
    // What String.format("%019d%03d%s", …) writes, at a fraction of its cost (once per row
    // written).
    String micros = Long.toString(createdMicros);
    String length = Integer.toString(sequenceNumber.length());
    return new StringBuilder(22 + sequenceNumber.length())
        .append(ZEROS, 0, Math.max(0, 19 - micros.length()))
        .append(micros)
        .append(ZEROS, 0, Math.max(0, 3 - length.length()))
        .append(length)
        .append(sequenceNumber)
        .toString();
  }

  private static final String ZEROS = "0000000000000000000";

  /**
   * Encodes the versions of rows one after another, once for a run of equal versions: every row of
   * a full load carries the load's one version, and each was encoded anew for every use. Not
   * thread-safe: one per loop.
   */
  public static final class Encoder {
    private ChangeVersion last;
    private String encoded;

    /** {@code version.encode()}. */
    public String encode(ChangeVersion version) {
      if (!version.equals(last)) {
        encoded = version.encode();
        last = version;
      }
      return encoded;
    }
  }

  /** Parses the text produced by {@link #encode()}. */
  public static ChangeVersion decode(String encoded) {
    if (encoded == null || encoded.length() < 23) {
      throw new IllegalArgumentException("not an encoded change version: " + encoded);
    }
    long micros = Long.parseLong(encoded.substring(0, 19));
    int length = Integer.parseInt(encoded.substring(19, 22));
    String sequenceNumber = encoded.substring(22);
    if (sequenceNumber.length() != length) {
      throw new IllegalArgumentException("not an encoded change version: " + encoded);
    }
    return new ChangeVersion(micros, sequenceNumber);
  }
}
