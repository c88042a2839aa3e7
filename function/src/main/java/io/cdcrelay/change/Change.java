package io.cdcrelay.change;

import java.util.Map;
import java.util.Objects;

/**
 * One decoded DynamoDB item modification.
 *
 * @param operation insert, modify or remove
 * @param tableName the DynamoDB table the change happened in
 * @param keys the item's key attributes, in the order the record gave them
 * @param newImage the item after the change; empty for a removal
 * @param oldImage the item before the change; empty for an insertion or when not streamed
 * @param createdMicros {@code ApproximateCreationDateTime}, normalised to microseconds
 * @param ttlDeletion whether DynamoDB's time-to-live process removed the item
 * @param source the Kinesis record this change was decoded from
 */
public record Change(
    Operation operation,
    String tableName,
    Map<String, AttributeValue> keys,
    Map<String, AttributeValue> newImage,
    Map<String, AttributeValue> oldImage,
    long createdMicros,
    boolean ttlDeletion,
    SourceRecord source) {

  public Change {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(source, "source");
    // Read-only: a decoder's maps handed over (AttributeMap.adopt) are held as they are.
    keys = AttributeMap.of(keys);
    newImage = AttributeMap.of(newImage);
    oldImage = AttributeMap.of(oldImage);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a change needs at least one key attribute");
    }
  }

  /** {@code ApproximateCreationDateTime}. */
  public java.time.Instant createdAt() {
    return ChangeVersion.instantOfMicros(createdMicros);
  }

  /**
   * Whether this change comes after {@code other} in {@link #version()} order, without building
   * either version (the planner asks once per record).
   */
  public boolean isNewerThan(Change other) {
    if (createdMicros != other.createdMicros) {
      return createdMicros > other.createdMicros;
    }
    return SequenceNumbers.ORDER.compare(source.sequenceNumber(), other.source.sequenceNumber())
        > 0;
  }

  /** The version that orders this change against others of the same item. */
  public ChangeVersion version() {
    return new ChangeVersion(createdMicros, source.sequenceNumber());
  }
}
