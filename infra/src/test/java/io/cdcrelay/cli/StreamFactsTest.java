package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/** The facts of a stream come from the service that holds it, never from a namesake. */
class StreamFactsTest {

  private static final SourceUrl KINESIS_STREAM =
      SourceUrl.parse("kinesis+dynamodb+cdc://aws/orders?region=us-east-1");
  private static final SourceUrl DYNAMODB_STREAM =
      SourceUrl.parse("dynamodb+cdc://aws/orders?region=us-east-1");
  private static final Instant KINESIS_CREATED = Instant.parse("2026-11-01T08:00:00Z");

  /**
   * A Kinesis whose every stream keeps records a week, whatever its name, created on 1 November;
   * counts its answers.
   */
  private static final class WeekLongKinesis implements KinesisClient {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r) {
      asked.incrementAndGet();
      return DescribeStreamSummaryResponse.builder()
          .streamDescriptionSummary(
              StreamDescriptionSummary.builder()
                  .streamName(r.streamName())
                  .retentionPeriodHours(168)
                  .streamCreationTimestamp(KINESIS_CREATED)
                  .build())
          .build();
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  /** A DynamoDB whose every table is described so, or fails when given nothing. */
  private static Supplier<DynamoDbClient> dynamoDb(TableDescription table) {
    DynamoDbClient client =
        new DynamoDbClient() {
          @Override
          public DescribeTableResponse describeTable(DescribeTableRequest r) {
            if (table == null) {
              throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
            }
            return DescribeTableResponse.builder().table(table).build();
          }

          @Override
          public String serviceName() {
            return "dynamodb";
          }

          @Override
          public void close() {}
        };
    return () -> client;
  }

  private static final Supplier<DynamoDbClient> NO_DYNAMODB =
      () -> {
        throw new AssertionError("DynamoDB asked about a Kinesis stream");
      };

  @Test
  void aTablesDynamoDbStreamKeeps24HoursWhateverAKinesisStreamOfItsNameKeeps() {
    WeekLongKinesis kinesis = new WeekLongKinesis();
    StreamFacts facts = StreamFacts.of(DYNAMODB_STREAM, () -> kinesis, dynamoDb(null));
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(kinesis.asked).hasValue(0);
  }

  @Test
  void aKinesisStreamKeepsWhatKinesisSaysAndWasCreatedWhenItSays() {
    WeekLongKinesis kinesis = new WeekLongKinesis();
    StreamFacts facts = StreamFacts.of(KINESIS_STREAM, () -> kinesis, NO_DYNAMODB);
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(168));
    assertThat(facts.created()).hasValue(KINESIS_CREATED);
    assertThat(kinesis.asked).as("described once").hasValue(1);
  }

  @Test
  void aKinesisStreamThatCannotBeDescribedKeepsKinesissDefaultAndItsCreationIsUnknown() {
    KinesisClient unreachable =
        new KinesisClient() {
          @Override
          public DescribeStreamSummaryResponse describeStreamSummary(
              DescribeStreamSummaryRequest r) {
            throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
          }

          @Override
          public String serviceName() {
            return "kinesis";
          }

          @Override
          public void close() {}
        };
    StreamFacts facts = StreamFacts.of(KINESIS_STREAM, () -> unreachable, NO_DYNAMODB);
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(facts.created()).isEmpty();
  }

  @Test
  void aKinesisStreamThatDoesNotExistYetIsCreatedNowSoNoEarlierExportFitsIt() {
    KinesisClient none =
        new KinesisClient() {
          @Override
          public DescribeStreamSummaryResponse describeStreamSummary(
              DescribeStreamSummaryRequest r) {
            throw software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder()
                .message("Stream cdc under account 123456789012 not found.")
                .build();
          }

          @Override
          public String serviceName() {
            return "kinesis";
          }

          @Override
          public void close() {}
        };
    java.time.Instant before = java.time.Instant.now();
    StreamFacts facts = StreamFacts.of(KINESIS_STREAM, () -> none, NO_DYNAMODB);
    assertThat(facts.created()).hasValueSatisfying(c -> assertThat(c).isAfterOrEqualTo(before));
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aDynamoDbStreamWasCreatedAtTheUtcTimeOfItsLabel() {
    WeekLongKinesis kinesis = new WeekLongKinesis();
    StreamFacts facts =
        StreamFacts.of(
            DYNAMODB_STREAM,
            () -> kinesis,
            dynamoDb(
                TableDescription.builder()
                    .tableName("orders")
                    .latestStreamLabel("2026-12-01T10:00:00.000")
                    .latestStreamArn(
                        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
                            + "2026-12-01T10:00:00.000")
                    .build()));
    assertThat(facts.created()).hasValue(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(kinesis.asked).hasValue(0);
  }

  @Test
  void aDynamoDbStreamWithoutALabelIsDatedByItsArnAndMotosMicrosecondsAreRead() {
    StreamFacts facts =
        StreamFacts.of(
            DYNAMODB_STREAM,
            WeekLongKinesis::new,
            dynamoDb(
                TableDescription.builder()
                    .tableName("orders")
                    .latestStreamArn(
                        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
                            + "2026-12-01T10:00:00.123456")
                    .build()));
    assertThat(facts.created()).hasValue(Instant.parse("2026-12-01T10:00:00.123456Z"));
  }

  @Test
  void aDynamoDbStreamsCreationIsUnknownWhenTheTableCannotBeDescribedOrHasNoStream() {
    assertThat(StreamFacts.of(DYNAMODB_STREAM, WeekLongKinesis::new, dynamoDb(null)).created())
        .isEmpty();
    assertThat(
            StreamFacts.of(
                    DYNAMODB_STREAM,
                    WeekLongKinesis::new,
                    dynamoDb(TableDescription.builder().tableName("orders").build()))
                .created())
        .isEmpty();
    assertThat(StreamFacts.DynamoDbStreamFacts.labelTime("latest")).isEqualTo(Optional.empty());
  }
}
