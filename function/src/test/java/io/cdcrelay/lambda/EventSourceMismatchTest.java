package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A function deployed for one source and mapped to the other fails its batches, naming the fix:
 * dead-lettered instead, the records would be lost (Lambda hands a Kinesis record to a DynamoDB
 * handler without its data) and the stream checkpointed past them.
 */
class EventSourceMismatchTest {

  @Test
  void kinesisRecordsReachingTheDynamoDbStreamsHandlerFailTheBatch() {
    DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
    record.setEventSource("aws:kinesis");
    record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/cdc-stream");
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(List.of(record));

    assertThatThrownBy(() -> DynamoDbStreamsEvents.toSourceRecords(event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("delivers Kinesis records")
        .hasMessageContaining("SourceType=KinesisDataStream");
  }

  @Test
  void dynamoDbStreamRecordsReachingTheKinesisHandlerFailTheBatchSayingWhy() {
    KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
    record.setEventSource("aws:dynamodb");
    KinesisEvent event = new KinesisEvent();
    event.setRecords(List.of(record));

    assertThatThrownBy(() -> KinesisEvents.toSourceRecords(event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event source aws:dynamodb")
        .hasMessageContaining("SourceType=DynamoDBStream");
  }
}
