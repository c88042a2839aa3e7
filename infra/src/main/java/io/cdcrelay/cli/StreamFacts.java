package io.cdcrelay.cli;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What a handover needs to know of the stream that takes over from the snapshot, read from the
 * service that holds that stream when first asked.
 */
interface StreamFacts {

  /**
   * How long DynamoDB Streams keeps a record: 24 hours, fixed
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
   */
  Duration DYNAMODB_STREAMS_RETENTION = Duration.ofHours(24);

  /** How long the stream keeps a record. */
  Duration retention();

  /**
   * The facts of the stream {@code stream} names. A {@code dynamodb+cdc://} URL names a table, and
   * its DynamoDB stream keeps records a fixed time: Kinesis is never asked, as a Kinesis stream
   * that bears the table's name is not that table's stream.
   */
  static StreamFacts of(SourceUrl stream, Supplier<KinesisClient> kinesis) {
    if (stream.type() == SourceType.DYNAMODB_STREAM) {
      return () -> DYNAMODB_STREAMS_RETENTION;
    }
    return new KinesisStreamFacts(kinesis, stream.stream());
  }

  /** A Kinesis data stream's facts, from DescribeStreamSummary. */
  final class KinesisStreamFacts implements StreamFacts {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFacts.class);

    /** Kinesis's default retention, taken when the stream's cannot be read (yet). */
    static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

    private final Supplier<KinesisClient> kinesis;
    private final String stream;

    KinesisStreamFacts(Supplier<KinesisClient> kinesis, String stream) {
      this.kinesis = kinesis;
      this.stream = stream;
    }

    @Override
    public Duration retention() {
      try {
        Integer hours =
            kinesis
                .get()
                .describeStreamSummary(r -> r.streamName(stream))
                .streamDescriptionSummary()
                .retentionPeriodHours();
        return hours == null ? DEFAULT_RETENTION : Duration.ofHours(hours);
      } catch (SdkException e) {
        LOG.info(
            "the retention of stream {} is unknown, taking 24 hours: {}", stream, e.getMessage());
        return DEFAULT_RETENTION;
      }
    }
  }
}
