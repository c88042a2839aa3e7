package io.cdcrelay.failed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The on-failure record of a Kinesis event source mapping, and the queue URL's region. */
class FailedBatchTest {

  // The shape AWS documents for a Kinesis on-failure destination.
  private static final String RECORD =
      "{\"requestContext\":{\"requestId\":\"c9b8fa9f-5a7f-4bd5-af9c-0c604cde93a5\","
          + "\"functionArn\":\"arn:aws:lambda:eu-central-1:123456789012:function:relay\","
          + "\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":1},"
          + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\","
          + "\"functionError\":\"Unhandled\"},\"version\":\"1.0\","
          + "\"timestamp\":\"2019-11-14T00:38:06.021Z\",\"KinesisBatchInfo\":{"
          + "\"shardId\":\"shardId-000000000001\","
          + "\"startSequenceNumber\":\"49601189658422359378836298521827638475320189012309704722\","
          + "\"endSequenceNumber\":\"49601189658422359378836298522902373528957594348623495186\","
          + "\"approximateArrivalOfFirstRecord\":\"2019-11-14T00:38:04.835Z\","
          + "\"approximateArrivalOfLastRecord\":\"2019-11-14T00:38:05.580Z\",\"batchSize\":500,"
          + "\"streamArn\":\"arn:aws:kinesis:eu-central-1:123456789012:stream/cdc-stream\"}}";

  @Test
  void readsTheRangeOfTheRecordLambdaSends() {
    FailedBatch batch = FailedBatch.parse(RECORD);
    assertThat(batch.shardId()).isEqualTo("shardId-000000000001");
    assertThat(batch.streamName()).isEqualTo("cdc-stream");
    assertThat(batch.region()).isEqualTo("eu-central-1");
    assertThat(batch.batchSize()).isEqualTo(500);
    assertThat(batch.contains(batch.startSequenceNumber())).isTrue();
    assertThat(batch.contains(batch.endSequenceNumber())).isTrue();
    assertThat(batch.contains("49601189658422359378836298521827638475320189012309704721"))
        .isFalse();
    assertThat(batch.contains("49601189658422359378836298522902373528957594348623495187"))
        .isFalse();
  }

  @Test
  void readsTheRecordOfADynamoDbStreamsMappingAndItsTable() {
    // The shape AWS documents for a DynamoDB Streams on-failure destination.
    String ddb =
        "{\"requestContext\":{\"requestId\":\"316aa6d0-8154-xmpl-9af7-85d5f4a6bc81\","
            + "\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":1},"
            + "\"version\":\"1.0\",\"timestamp\":\"2019-11-14T00:13:49.717Z\","
            + "\"DDBStreamBatchInfo\":{\"shardId\":\"shardId-00000001573689847184-864758bb\","
            + "\"startSequenceNumber\":\"800000000003126276362\","
            + "\"endSequenceNumber\":\"800000000003126276362\","
            + "\"approximateArrivalOfFirstRecord\":\"2019-11-14T00:13:19Z\","
            + "\"approximateArrivalOfLastRecord\":\"2019-11-14T00:13:19Z\",\"batchSize\":1,"
            + "\"streamArn\":\"arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/"
            + "2019-11-14T00:04:06.388\"}}";
    FailedBatch batch = FailedBatch.parse(ddb);
    assertThat(batch.fromDynamoDbStream()).isTrue();
    assertThat(batch.streamName()).isEqualTo("mytable");
    assertThat(batch.region()).isEqualTo("us-east-2");
    assertThat(batch.shardId()).isEqualTo("shardId-00000001573689847184-864758bb");
    assertThat(FailedBatch.parse(RECORD).fromDynamoDbStream()).isFalse();
    assertThatThrownBy(
            () -> FailedBatch.parse(ddb.replace("DDBStreamBatchInfo", "KinesisBatchInfo")))
        .hasMessageContaining("which is not of its kind");
  }

  @Test
  void aMessageThatIsNoFailedBatchSaysWhatIsMissing() {
    assertThatThrownBy(() -> FailedBatch.parse("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> FailedBatch.parse("{\"requestContext\":{}}"))
        .hasMessageContaining("no KinesisBatchInfo");
    assertThatThrownBy(() -> FailedBatch.parse(RECORD.replace("\"shardId\"", "\"shard\"")))
        .hasMessage("KinesisBatchInfo has no shardId");
  }

  @Test
  void anAwsQueueUrlNamesItsRegionAnyOtherHostIsAnEndpoint() {
    assertThat(FailedBatchQueue.awsRegion("sqs.eu-central-1.amazonaws.com"))
        .hasValue("eu-central-1");
    assertThat(FailedBatchQueue.awsRegion("sqs.cn-north-1.amazonaws.com.cn"))
        .hasValue("cn-north-1");
    assertThat(FailedBatchQueue.awsRegion("localhost")).isEmpty();
    assertThat(FailedBatchQueue.awsRegion("127.0.0.1")).isEmpty();
    assertThatThrownBy(
            () ->
                FailedBatchQueue.open(
                    "http://localhost:4566",
                    "us-east-1",
                    software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create()))
        .hasMessageContaining("is not a queue URL");
  }
}
