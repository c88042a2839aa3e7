package io.cdcrelay.cli;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

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
   * When the stream was created, if that can be read: no change made before it is in the stream.
   */
  Optional<Instant> created();

  /**
   * The DynamoDB table whose changes the stream carries, as its URL names it (name or ARN), when
   * the stream is that table's own (DynamoDB Streams); empty for a Kinesis stream, which may carry
   * several tables' changes.
   */
  default Optional<String> table() {
    return Optional.empty();
  }

  /**
   * The facts of the stream {@code stream} names. A {@code dynamodb+cdc://} URL names a table, and
   * its DynamoDB stream keeps records a fixed time: Kinesis is never asked, as a Kinesis stream
   * that bears the table's name is not that table's stream.
   */
  static StreamFacts of(
      SourceUrl stream, Supplier<KinesisClient> kinesis, Supplier<DynamoDbClient> dynamoDb) {
    if (stream.type() == SourceType.DYNAMODB_STREAM) {
      return new DynamoDbStreamFacts(dynamoDb, stream.stream());
    }
    return new KinesisStreamFacts(kinesis, stream.stream());
  }

  /** A Kinesis data stream's facts, from one DescribeStreamSummary. */
  final class KinesisStreamFacts implements StreamFacts {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFacts.class);

    /** Kinesis's default retention, taken when the stream's cannot be read (yet). */
    static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

    private final Supplier<KinesisClient> kinesis;
    private final String stream;
    private Optional<StreamDescriptionSummary> summary;
    private boolean missing;

    KinesisStreamFacts(Supplier<KinesisClient> kinesis, String stream) {
      this.kinesis = kinesis;
      this.stream = stream;
    }

    @Override
    public Duration retention() {
      Optional<Duration> retention =
          summary().map(StreamDescriptionSummary::retentionPeriodHours).map(Duration::ofHours);
      if (retention.isEmpty() && !missing) {
        // A stream that does not exist yet is said to be so once, by created(); create=true makes
        // it with Kinesis's default retention.
        LOG.info("the retention of stream {} is unknown, taking 24 hours", stream);
      }
      return retention.orElse(DEFAULT_RETENTION);
    }

    @Override
    public Optional<Instant> created() {
      Optional<Instant> created = summary().map(StreamDescriptionSummary::streamCreationTimestamp);
      if (created.isEmpty() && missing) {
        // create=true makes it now: nothing made before is in it.
        LOG.info("stream {} does not exist yet: it is created now", stream);
        return Optional.of(Instant.now());
      }
      if (created.isEmpty()) {
        LOG.info("the creation time of stream {} is unknown", stream);
      }
      return created;
    }

    private synchronized Optional<StreamDescriptionSummary> summary() {
      if (summary == null) {
        try {
          summary =
              Optional.of(
                  kinesis
                      .get()
                      .describeStreamSummary(r -> r.streamName(stream))
                      .streamDescriptionSummary());
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
          missing = true;
          summary = Optional.empty();
        } catch (SdkException e) {
          LOG.info("stream {} cannot be described: {}", stream, e.getMessage());
          summary = Optional.empty();
        }
      }
      return summary;
    }
  }

  /**
   * A table's DynamoDB stream's facts: its retention is fixed, its creation time is its label (the
   * last part of its ARN), a UTC time such as {@code 2026-12-01T10:00:00.000}.
   */
  final class DynamoDbStreamFacts implements StreamFacts {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFacts.class);

    private final Supplier<DynamoDbClient> dynamoDb;
    private final String table;

    DynamoDbStreamFacts(Supplier<DynamoDbClient> dynamoDb, String table) {
      this.dynamoDb = dynamoDb;
      this.table = table;
    }

    @Override
    public Duration retention() {
      return DYNAMODB_STREAMS_RETENTION;
    }

    @Override
    public Optional<String> table() {
      return Optional.of(table);
    }

    @Override
    public Optional<Instant> created() {
      String label;
      try {
        TableDescription description =
            dynamoDb.get().describeTable(r -> r.tableName(table)).table();
        label = label(description);
      } catch (SdkException e) {
        LOG.info(
            "the creation time of the stream of table {} is unknown: {}", table, e.getMessage());
        return Optional.empty();
      }
      Optional<Instant> created = labelTime(label);
      if (created.isEmpty()) {
        LOG.info(
            "the creation time of the stream of table {} is unknown: its label is {}",
            table,
            label);
      }
      return created;
    }

    /** The UTC time a stream label such as {@code 2026-12-01T10:00:00.000} names, if it is one. */
    static Optional<Instant> labelTime(String label) {
      if (label == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(LocalDateTime.parse(label).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    /** The latest stream's label, else the last part of its ARN ({@code …/stream/LABEL}). */
    private static String label(TableDescription table) {
      if (table.latestStreamLabel() != null) {
        return table.latestStreamLabel();
      }
      String arn = table.latestStreamArn();
      return arn == null ? null : arn.substring(arn.lastIndexOf('/') + 1);
    }
  }
}
