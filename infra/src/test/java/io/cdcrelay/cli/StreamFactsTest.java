package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/** The facts of a stream come from the service that holds it, never from a namesake. */
class StreamFactsTest {

  /** A Kinesis whose every stream keeps records a week, whatever its name; counts its answers. */
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

  @Test
  void aTablesDynamoDbStreamKeeps24HoursWhateverAKinesisStreamOfItsNameKeeps() {
    WeekLongKinesis kinesis = new WeekLongKinesis();
    StreamFacts facts =
        StreamFacts.of(
            SourceUrl.parse("dynamodb+cdc://aws/orders?region=us-east-1"), () -> kinesis);
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(kinesis.asked).hasValue(0);
  }

  @Test
  void aKinesisStreamKeepsWhatKinesisSays() {
    WeekLongKinesis kinesis = new WeekLongKinesis();
    StreamFacts facts =
        StreamFacts.of(
            SourceUrl.parse("kinesis+dynamodb+cdc://aws/orders?region=us-east-1"), () -> kinesis);
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(168));
  }

  @Test
  void aKinesisStreamWhoseRetentionCannotBeReadIsTakenToKeepKinesissDefault() {
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
    StreamFacts facts =
        StreamFacts.of(
            SourceUrl.parse("kinesis+dynamodb+cdc://aws/orders?region=us-east-1"),
            () -> unreachable);
    assertThat(facts.retention()).isEqualTo(Duration.ofHours(24));
  }
}
