package io.cdcrelay.provision;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record a {@code start=seqno-at} or {@code start=seqno-after} URL names, as found in the
 * stream: an event source mapping cannot start at a sequence number, so it starts at this record's
 * arrival time and the function skips the records of its shard before it.
 *
 * @param shardId the shard holding the record
 * @param sequenceNumber the record's sequence number
 * @param arrival the record's ApproximateArrivalTimestamp
 * @param position {@link StartPosition#SEQNO_AT} or {@link StartPosition#SEQNO_AFTER}
 */
public record StartRecord(
    String shardId, String sequenceNumber, Instant arrival, StartPosition position) {

  /**
   * The function's environment variable naming the shard of the start record ({@link
   * FunctionConfig}).
   */
  public static final String SHARD_ID_VARIABLE = FunctionConfig.START_SHARD_ID;

  /** The function's environment variable holding the start record's sequence number. */
  public static final String SEQUENCE_NUMBER_VARIABLE = FunctionConfig.START_SEQUENCE_NUMBER;

  /**
   * The function's environment variable: {@code at} applies the start record, {@code after} not.
   */
  public static final String MODE_VARIABLE = FunctionConfig.START_MODE;

  public StartRecord {
    if (!position.needsSequenceNumber()) {
      throw new IllegalArgumentException("a start record needs start=seqno-at or seqno-after");
    }
  }

  /**
   * The mapping's AT_TIMESTAMP: the arrival time rounded down to the second (the template takes
   * whole seconds), so that the record itself is read again.
   */
  public Instant startingTimestamp() {
    return arrival.truncatedTo(ChronoUnit.SECONDS);
  }

  /** {@code at} or {@code after}, the value of {@link #MODE_VARIABLE}. */
  public String mode() {
    return position == StartPosition.SEQNO_AT ? "at" : "after";
  }

  /** The function's environment variables that make it skip what precedes the start record. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(SHARD_ID_VARIABLE, shardId);
    env.put(SEQUENCE_NUMBER_VARIABLE, sequenceNumber);
    env.put(MODE_VARIABLE, mode());
    return env;
  }
}
