package io.cdcrelay.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How the versions of one item's changes compare when they come from the two sources — the reason
 * for the switching rule (README, Versions): a switch between Kinesis Data Streams and DynamoDB
 * Streams is a cutover at a second boundary.
 */
class SourceSwitchVersionsTest {

  private static final String KINESIS_SEQ =
      "49656709367126341276484543186423045812698406329470730242";
  private static final String STREAM_ARN =
      "arn:aws:dynamodb:us-east-1:123456789012:table/demo/stream/2024-07-12T00:00:00.000";

  /** The version of a Kinesis record of a change made at {@code micros}. */
  private static ChangeVersion kinesis(long micros) {
    String json =
        "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e\",\"eventName\":\"MODIFY\","
            + "\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\"demo\","
            + "\"dynamodb\":{\"ApproximateCreationDateTime\":"
            + micros
            + ",\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\","
            + "\"Keys\":{\"id\":{\"S\":\"a\"}},\"NewImage\":{\"id\":{\"S\":\"a\"}}},"
            + "\"eventSource\":\"aws:dynamodb\"}";
    return version(new DynamoDbChangeDecoder(), KINESIS_SEQ, json);
  }

  /** The version of a DynamoDB Streams record of a change made at {@code seconds} (a fraction). */
  private static ChangeVersion dynamoDbStreams(String seconds, String sequenceNumber) {
    String json =
        "{\"eventID\":\"e\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\","
            + "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"us-east-1\","
            + "\"dynamodb\":{\"ApproximateCreationDateTime\":"
            + seconds
            + ",\"Keys\":{\"id\":{\"S\":\"a\"}},\"NewImage\":{\"id\":{\"S\":\"a\"}},"
            + "\"SequenceNumber\":\""
            + sequenceNumber
            + "\",\"SizeBytes\":10,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},"
            + "\"eventSourceARN\":\""
            + STREAM_ARN
            + "\"}";
    return version(
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS),
        sequenceNumber,
        json);
  }

  private static ChangeVersion version(
      DynamoDbChangeDecoder decoder, String sequenceNumber, String json) {
    Decoded decoded =
        decoder.decode(
            new SourceRecord(
                "shardId-000000000000",
                sequenceNumber,
                json.getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH));
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    return ((Decoded.Ok) decoded).change().version();
  }

  @Test
  void withinOneSecondTheKinesisChangeWinsWhateverTheRealOrder() {
    // Made at 12:00:05.300 through Kinesis, then at 12:00:05.800 through the DynamoDB stream: the
    // stream says 12:00:05, so the older Kinesis change compares newer. Hence the cutover at a
    // second boundary.
    ChangeVersion older = kinesis(1_720_785_605_300_000L);
    ChangeVersion newer = dynamoDbStreams("1720785605.8", "300000000000000499659");
    assertThat(newer).isLessThan(older);
  }

  @Test
  void aChangeOfALaterSecondWinsAcrossTheSeam() {
    assertThat(dynamoDbStreams("1720785606", "1")).isGreaterThan(kinesis(1_720_785_605_999_999L));
    assertThat(kinesis(1_720_785_606_000_001L))
        .isGreaterThan(dynamoDbStreams("1720785606.9", "999999999999999999999"));
  }

  @Test
  void aDynamoDbStreamsRedeliveryOfAnOlderChangeNeverWinsOverKinesis() {
    // Switching from Kinesis to DynamoDB Streams may re-read what Kinesis applied: a change made
    // before a Kinesis change is never newer than it, its time being cut to the second.
    Random random = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      long kinesisMicros = 1_720_785_600_000_000L + random.nextInt(10_000_000);
      long earlierMicros = kinesisMicros - 1 - random.nextInt(2_000_000);
      String seconds =
          earlierMicros / 1_000_000 + "." + String.format("%06d", earlierMicros % 1_000_000);
      assertThat(dynamoDbStreams(seconds, Long.toString(1 + random.nextInt(Integer.MAX_VALUE))))
          .as("change at %s µs vs Kinesis at %s µs", earlierMicros, kinesisMicros)
          .isLessThan(kinesis(kinesisMicros));
    }
  }
}
