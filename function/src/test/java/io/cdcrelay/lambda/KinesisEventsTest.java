package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.cdcrelay.change.SourceRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lambda's Kinesis event as the relay core's records. */
class KinesisEventsTest {

  private static KinesisEvent.KinesisEventRecord record(
      String eventId, String sequenceNumber, ByteBuffer data, Date arrival) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setSequenceNumber(sequenceNumber);
    kinesis.setData(data);
    kinesis.setApproximateArrivalTimestamp(arrival);
    KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
    record.setEventID(eventId);
    record.setKinesis(kinesis);
    return record;
  }

  @Test
  void eachRecordKeepsItsShardSequenceNumberBytesAndArrivalInTheOrderDelivered() {
    ByteBuffer data = ByteBuffer.wrap("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    KinesisEvent event = new KinesisEvent();
    event.setRecords(
        List.of(
            record(
                "shardId-000000000002:49590338271490256608559692538361571095921575989136588898",
                "49590338271490256608559692538361571095921575989136588898",
                data,
                Date.from(Instant.parse("2026-12-01T12:00:00.123Z"))),
            record("shardId-000000000001", "7", null, null),
            record(null, "8", ByteBuffer.allocate(0), null)));

    List<SourceRecord> records = KinesisEvents.toSourceRecords(event);

    assertThat(records)
        .extracting(SourceRecord::shardId)
        .containsExactly("shardId-000000000002", "shardId-000000000001", "unknown");
    assertThat(records)
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("49590338271490256608559692538361571095921575989136588898", "7", "8");
    assertThat(new String(records.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(records.get(1).data()).isEmpty();
    assertThat(records.get(0).arrivedAt()).isEqualTo(Instant.parse("2026-12-01T12:00:00.123Z"));
    assertThat(records.get(1).arrivedAt()).isEqualTo(Instant.EPOCH);
    // The event's buffer is read, not consumed: a second reader finds the same bytes.
    assertThat(data.remaining()).isEqualTo(7);
  }

  @Test
  void anEventWithoutRecordsHasNone() {
    assertThat(KinesisEvents.toSourceRecords(null)).isEmpty();
    assertThat(KinesisEvents.toSourceRecords(new KinesisEvent())).isEmpty();
  }
}
