package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.cdcrelay.change.SourceRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Adapts Lambda's Kinesis event to the relay core's records. */
public final class KinesisEvents {

  private KinesisEvents() {}

  /** The event's records in the order Lambda delivered them (the shard's order). */
  public static List<SourceRecord> toSourceRecords(KinesisEvent event) {
    List<SourceRecord> records = new ArrayList<>();
    if (event == null || event.getRecords() == null) {
      return records;
    }
    for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
      KinesisEvent.Record kinesis = record.getKinesis();
      if (kinesis == null) {
        throw new IllegalStateException(
            "a record without its Kinesis part (event source "
                + record.getEventSource()
                + "): this function reads a Kinesis stream (KinesisRelayHandler); a DynamoDB"
                + " stream's mapping needs SourceType=DynamoDBStream, whose handler is"
                + " DynamoDbStreamsRelayHandler");
      }
      records.add(
          new SourceRecord(
              shardId(record.getEventID()),
              kinesis.getSequenceNumber(),
              bytes(kinesis.getData()),
              kinesis.getApproximateArrivalTimestamp() == null
                  ? Instant.EPOCH
                  : kinesis.getApproximateArrivalTimestamp().toInstant()));
    }
    return records;
  }

  /** The shard of a record: Lambda's event ID is {@code shardId-…:sequenceNumber}. */
  static String shardId(String eventId) {
    if (eventId == null) {
      return "unknown";
    }
    int colon = eventId.indexOf(':');
    return colon < 0 ? eventId : eventId.substring(0, colon);
  }

  private static byte[] bytes(ByteBuffer data) {
    if (data == null) {
      return new byte[0];
    }
    ByteBuffer copy = data.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
