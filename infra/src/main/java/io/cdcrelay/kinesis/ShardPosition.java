package io.cdcrelay.kinesis;

import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where reading a shard starts: a Kinesis shard iterator type with its sequence number or
 * timestamp.
 *
 * @param iteratorType {@code TRIM_HORIZON}, {@code LATEST}, {@code AT_SEQUENCE_NUMBER}, {@code
 *     AFTER_SEQUENCE_NUMBER} or {@code AT_TIMESTAMP}
 * @param sequenceNumber the sequence number of the two sequence-number types
 * @param timestamp the timestamp of {@code AT_TIMESTAMP}
 */
public record ShardPosition(
    String iteratorType, Optional<String> sequenceNumber, Optional<Instant> timestamp) {

  public static final ShardPosition TRIM_HORIZON =
      new ShardPosition("TRIM_HORIZON", Optional.empty(), Optional.empty());
  public static final ShardPosition LATEST =
      new ShardPosition("LATEST", Optional.empty(), Optional.empty());

  public ShardPosition {
    Objects.requireNonNull(iteratorType, "iteratorType");
  }

  /** Right after the given record. */
  public static ShardPosition after(String sequenceNumber) {
    return new ShardPosition(
        "AFTER_SEQUENCE_NUMBER", Optional.of(sequenceNumber), Optional.empty());
  }

  /** At the given record. */
  public static ShardPosition at(String sequenceNumber) {
    return new ShardPosition("AT_SEQUENCE_NUMBER", Optional.of(sequenceNumber), Optional.empty());
  }

  /** At the first record that arrived at or after {@code timestamp}. */
  public static ShardPosition atTimestamp(Instant timestamp) {
    return new ShardPosition("AT_TIMESTAMP", Optional.empty(), Optional.of(timestamp));
  }

  /**
   * Where a shard starts.
   *
   * <ul>
   *   <li>With a checkpoint: right after it, whatever {@code start} says.
   *   <li>A shard that appeared after the relay started (a child of a reshard, consumed only after
   *       its parents were drained): its beginning, so that nothing of it is skipped.
   *   <li>Otherwise {@code start}: {@code earliest}, {@code latest}; for {@code seqno-at} and
   *       {@code seqno-after} the exact sequence number in the shard that holds it ({@code anchor})
   *       and, in every other shard, the records that arrived from the same moment on.
   * </ul>
   *
   * @param anchor the shard holding the {@code seqno} record and that record's arrival time; empty
   *     unless {@code start} needs a sequence number
   */
  public static ShardPosition of(
      String shardId,
      Optional<String> checkpoint,
      boolean presentAtStart,
      StartPosition start,
      Optional<String> sequenceNumber,
      Optional<Anchor> anchor) {
    if (checkpoint.isPresent()) {
      return after(checkpoint.get());
    }
    if (!presentAtStart) {
      return TRIM_HORIZON;
    }
    switch (start) {
      case EARLIEST:
        return TRIM_HORIZON;
      case LATEST:
        return LATEST;
      default:
        String seqno =
            sequenceNumber.orElseThrow(
                () -> new IllegalArgumentException("start=" + start.option() + " needs seqno"));
        Anchor found =
            anchor.orElseThrow(
                () -> new IllegalArgumentException("no shard holds sequence number " + seqno));
        if (found.shardId().equals(shardId)) {
          return start == StartPosition.SEQNO_AT ? at(seqno) : after(seqno);
        }
        return atTimestamp(found.arrivedAt());
    }
  }

  /**
   * The record a {@code seqno-*} start refers to.
   *
   * @param shardId the shard holding it
   * @param arrivedAt when it arrived in the stream
   */
  public record Anchor(String shardId, Instant arrivedAt) {}

  @Override
  public String toString() {
    return iteratorType
        + sequenceNumber.map(s -> " " + s).orElse("")
        + timestamp.map(t -> " " + t).orElse("");
  }
}
