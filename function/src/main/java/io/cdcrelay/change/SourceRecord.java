package io.cdcrelay.change;

import java.time.Instant;
import java.util.Objects;

/**
 * One record as it was read from a Kinesis shard: its position and its raw payload.
 *
 * @param shardId the shard the record was read from
 * @param sequenceNumber the record's sequence number within the shard
 * @param data the raw record payload, exactly as the producer wrote it
 * @param arrivedAt when Kinesis accepted the record, or {@link Instant#EPOCH} if unknown
 */
public record SourceRecord(String shardId, String sequenceNumber, byte[] data, Instant arrivedAt) {

  public SourceRecord {
    Objects.requireNonNull(shardId, "shardId");
    SequenceNumbers.requireValid(sequenceNumber);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(arrivedAt, "arrivedAt");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SourceRecord that
        && shardId.equals(that.shardId)
        && sequenceNumber.equals(that.sequenceNumber)
        && java.util.Arrays.equals(data, that.data)
        && arrivedAt.equals(that.arrivedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shardId, sequenceNumber, java.util.Arrays.hashCode(data), arrivedAt);
  }

  @Override
  public String toString() {
    return "SourceRecord[" + shardId + "/" + sequenceNumber + ", " + data.length + " bytes]";
  }
}
