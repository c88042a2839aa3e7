package io.cdcrelay.failed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * A failed batch's range counts as read only up to its end record: reads that stop short of it
 * (Kinesis answering empty while behind) leave the rest missing, not applied and forgotten.
 */
class StreamRangesTest {

  private static final String ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cdc";
  private static final String SHARD = "shardId-000000000000";

  /** A shard of records 1 to 5 that hands out the first {@code given} and then empty pages. */
  private static final class ShortReads implements KinesisClient {
    private final int given;

    ShortReads(int given) {
      this.given = given;
    }

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r) {
      return DescribeStreamSummaryResponse.builder()
          .streamDescriptionSummary(
              StreamDescriptionSummary.builder().streamName("cdc").streamARN(ARN).build())
          .build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest r) {
      return GetShardIteratorResponse.builder().shardIterator("first").build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest r) {
      List<Record> records = new ArrayList<>();
      if (r.shardIterator().equals("first")) {
        for (int i = 1; i <= given; i++) {
          records.add(
              Record.builder()
                  .sequenceNumber(seq(i))
                  .partitionKey("k")
                  .data(SdkBytes.fromUtf8String("{}"))
                  .approximateArrivalTimestamp(Instant.EPOCH)
                  .build());
        }
      }
      // Behind the head, and empty from then on: the reads give up before the range's end.
      return GetRecordsResponse.builder()
          .records(records)
          .nextShardIterator("next")
          .millisBehindLatest(60_000L)
          .build();
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  private static String seq(int n) {
    return "4960000000000000000000000000000000000000000000000000000" + n;
  }

  private static RangeRead read(int given) {
    return new StreamRanges(new KinesisStream(new ShortReads(given), "cdc"))
        .read(new FailedBatch(ARN, SHARD, seq(1), seq(5), 5));
  }

  @Test
  void aRangeReadToItsEndRecordIsComplete() {
    RangeRead whole = read(5);
    assertThat(whole.records()).hasSize(5);
    assertThat(whole.missing()).isEmpty();
  }

  @Test
  void readsThatStopBeforeTheEndRecordLeaveTheRestMissing() {
    RangeRead cut = read(2);
    assertThat(cut.records()).hasSize(2);
    assertThat(cut.missing())
        .contains(
            "the records after " + seq(2) + " up to " + seq(5) + " (not returned by the stream)");
  }
}
