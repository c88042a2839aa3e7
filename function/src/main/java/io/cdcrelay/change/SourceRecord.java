package io.cdcrelay.change;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One record as it was read from a Kinesis shard (or a DynamoDB stream, a table's Scan, a file):
 * its position and its raw payload.
 *
 * <p>A record made from an item read out of the table itself has its name and payload written only
 * when something asks for them ({@link #onDemand}): the relay reads the decoded change, and needs
 * them only for a dead letter, so a full load would otherwise write every item (and its key) as
 * JSON once more for nothing.
 */
public final class SourceRecord {

  private final Supplier<String> shardIdOnDemand;
  private volatile String shardId;
  private final String sequenceNumber;
  private final Instant arrivedAt;
  private final Supplier<byte[]> payload;
  private volatile byte[] data;

  /**
   * @param shardId the shard the record was read from
   * @param sequenceNumber the record's sequence number within the shard
   * @param data the raw record payload, exactly as the producer wrote it
   * @param arrivedAt when Kinesis accepted the record, or {@link Instant#EPOCH} if unknown
   */
  public SourceRecord(String shardId, String sequenceNumber, byte[] data, Instant arrivedAt) {
    this(Objects.requireNonNull(shardId, "shardId"), null, sequenceNumber, null, arrivedAt);
    this.data = Objects.requireNonNull(data, "data");
  }

  private SourceRecord(
      String shardId,
      Supplier<String> shardIdOnDemand,
      String sequenceNumber,
      Supplier<byte[]> payload,
      Instant arrivedAt) {
    this.shardId = shardId;
    this.shardIdOnDemand = shardIdOnDemand;
    this.sequenceNumber = SequenceNumbers.requireValid(sequenceNumber);
    this.arrivedAt = Objects.requireNonNull(arrivedAt, "arrivedAt");
    this.payload = payload;
  }

  /**
   * A record whose shard {@code shardId} names and whose payload {@code payload} writes, each when
   * first asked for: a full load names each item's record by the item's key, wanted only for a dead
   * letter.
   */
  public static SourceRecord onDemand(
      Supplier<String> shardId,
      String sequenceNumber,
      Supplier<byte[]> payload,
      Instant arrivedAt) {
    return new SourceRecord(
        null,
        Objects.requireNonNull(shardId, "shardId"),
        sequenceNumber,
        Objects.requireNonNull(payload, "payload"),
        arrivedAt);
  }

  /** The shard the record was read from. */
  public String shardId() {
    String id = shardId;
    if (id == null) {
      // Two threads asking at once both name it: the same name either way.
      id = Objects.requireNonNull(shardIdOnDemand.get(), "shardId");
      shardId = id;
    }
    return id;
  }

  /** The record's sequence number within the shard. */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** The raw record payload, exactly as the producer wrote it. */
  public byte[] data() {
    byte[] bytes = data;
    if (bytes == null) {
      // Two threads asking at once both write it: the same bytes either way.
      bytes = Objects.requireNonNull(payload.get(), "data");
      data = bytes;
    }
    return bytes;
  }

  /** When Kinesis accepted the record, or {@link Instant#EPOCH} if unknown. */
  public Instant arrivedAt() {
    return arrivedAt;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SourceRecord that
        && shardId().equals(that.shardId())
        && sequenceNumber.equals(that.sequenceNumber)
        && java.util.Arrays.equals(data(), that.data())
        && arrivedAt.equals(that.arrivedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shardId(), sequenceNumber, java.util.Arrays.hashCode(data()), arrivedAt);
  }

  @Override
  public String toString() {
    return "SourceRecord["
        + shardId()
        + "/"
        + sequenceNumber
        + (data == null ? ", payload not written yet]" : ", " + data.length + " bytes]");
  }
}
