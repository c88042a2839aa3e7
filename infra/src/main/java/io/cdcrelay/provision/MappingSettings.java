package io.cdcrelay.provision;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The event source mapping a source URL asks for: the same settings {@code template.yaml} exposes
 * as parameters, with the same defaults.
 *
 * @param batchSize BatchSize, the URL's {@code batch-size}
 * @param startingPosition TRIM_HORIZON, LATEST or AT_TIMESTAMP, from the URL's {@code start}
 * @param startingPositionTimestamp the AT_TIMESTAMP time
 * @param maximumBatchingWindowInSeconds the URL's {@code buffer-time}, rounded up to a second
 * @param bisectBatchOnFunctionError split a batch whose invocation failed as a whole
 * @param maximumRetryAttempts retries of a failing batch
 * @param maximumRecordAgeInSeconds the age after which a failing record is not retried but sent to
 *     the on-failure destination
 * @param parallelizationFactor concurrent batches per shard
 * @param onFailureDestination where Lambda reports a batch it gave up on (SQS queue or SNS topic)
 */
public record MappingSettings(
    int batchSize,
    String startingPosition,
    Optional<Instant> startingPositionTimestamp,
    int maximumBatchingWindowInSeconds,
    boolean bisectBatchOnFunctionError,
    int maximumRetryAttempts,
    int maximumRecordAgeInSeconds,
    int parallelizationFactor,
    Optional<String> onFailureDestination) {

  /**
   * Lambda ignores a partial batch response unless the mapping lists this type.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html">Reporting
   *     batch item failures</a>
   */
  public static final List<String> FUNCTION_RESPONSE_TYPES = List.of("ReportBatchItemFailures");

  /** The function fails a batch only when the database is unavailable: ride out long outages. */
  public static final int MAXIMUM_RETRY_ATTEMPTS = 10_000;

  /**
   * Twelve hours: an outage that long needs nothing done; a batch older goes to the on-failure
   * destination while its records are still in the stream (24 hours by default), leaving twelve
   * hours to replay it with {@code relay replay-failed}. With -1 Lambda would retry until the
   * records expire, and the destination would only name records the stream no longer holds.
   */
  public static final int MAXIMUM_RECORD_AGE_IN_SECONDS = 43_200;

  /** One batch per shard at a time, in stream order. */
  public static final int PARALLELIZATION_FACTOR = 1;

  /** The mapping a URL asks for; {@code start} is the record of a seqno start, found before. */
  public static MappingSettings from(
      SourceUrl source, Optional<StartRecord> start, Optional<String> onFailureDestination) {
    if (source.start().needsSequenceNumber() && start.isEmpty()) {
      throw new IllegalArgumentException(
          "start=" + source.start().option() + " needs the record it names, found in the stream");
    }
    boolean kinesis = source.type() == SourceType.KINESIS_DATA_STREAM;
    return new MappingSettings(
        source.batchSize(),
        startingPosition(source.type(), source.start()),
        kinesis ? start.map(StartRecord::startingTimestamp) : Optional.empty(),
        batchingWindowSeconds(source.bufferTime()),
        true,
        MAXIMUM_RETRY_ATTEMPTS,
        MAXIMUM_RECORD_AGE_IN_SECONDS,
        PARALLELIZATION_FACTOR,
        onFailureDestination);
  }

  /**
   * The mapping's StartingPosition for a URL's {@code start} on a {@code type} stream. A mapping on
   * a DynamoDB stream starts at TRIM_HORIZON or LATEST only: a seqno start reads from the oldest
   * record, and the function's start filter skips what precedes the start record.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-StartingPosition">StartingPosition</a>
   */
  public static String startingPosition(SourceType type, StartPosition start) {
    if (type == SourceType.DYNAMODB_STREAM && start.needsSequenceNumber()) {
      return "TRIM_HORIZON";
    }
    return startingPosition(start);
  }

  /** The StartingPosition of a mapping on a Kinesis stream for a URL's {@code start}. */
  public static String startingPosition(StartPosition start) {
    switch (start) {
      case EARLIEST:
        return "TRIM_HORIZON";
      case LATEST:
        return "LATEST";
      default:
        // The mapping cannot start at a sequence number: it starts at the record's arrival time.
        return "AT_TIMESTAMP";
    }
  }

  /**
   * MaximumBatchingWindowInSeconds takes whole seconds (0 to 300): {@code buffer-time} is rounded
   * up, so that the default 0.5 s becomes 1 s rather than 0, which would invoke the function for
   * every few records.
   */
  public static int batchingWindowSeconds(Duration bufferTime) {
    long nanos = bufferTime.toNanos();
    long seconds = nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
    return (int) Math.min(300, seconds);
  }

  /** One line for plans and reports. */
  public String describe() {
    return "BatchSize "
        + batchSize
        + ", StartingPosition "
        + startingPosition
        + startingPositionTimestamp.map(t -> " " + t).orElse("")
        + ", MaximumBatchingWindowInSeconds "
        + maximumBatchingWindowInSeconds
        + ", FunctionResponseTypes "
        + FUNCTION_RESPONSE_TYPES
        + ", BisectBatchOnFunctionError "
        + bisectBatchOnFunctionError
        + ", MaximumRetryAttempts "
        + maximumRetryAttempts
        + ", MaximumRecordAgeInSeconds "
        + maximumRecordAgeInSeconds
        + ", ParallelizationFactor "
        + parallelizationFactor
        + onFailureDestination.map(d -> ", on failure " + d).orElse("");
  }
}
