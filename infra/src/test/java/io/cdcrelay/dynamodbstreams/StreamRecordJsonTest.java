package io.cdcrelay.dynamodbstreams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

class StreamRecordJsonTest {

  private static final String ARN =
      "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-04T00:00:00.000";

  @Test
  void aRecordKeepsItsPositionCreationTimeAndImages() {
    Record record =
        Record.builder()
            .eventID("e1")
            .eventName("INSERT")
            .dynamodb(
                StreamRecord.builder()
                    .sequenceNumber("100")
                    .approximateCreationDateTime(Instant.ofEpochSecond(1_700_000_000))
                    .keys(Map.of("id", AttributeValue.fromS("a")))
                    .newImage(Map.of("id", AttributeValue.fromS("a")))
                    .build())
            .build();

    SourceRecord source = StreamRecordJson.toSourceRecord(record, ARN, "shard-1");

    assertThat(source.sequenceNumber()).isEqualTo("100");
    assertThat(source.arrivedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(new String(source.data(), StandardCharsets.UTF_8))
        .contains("\"NewImage\":{\"id\":{\"S\":\"a\"}}")
        .contains("\"eventSourceARN\":\"" + ARN + "\"");
  }

  @Test
  void aRecordWithoutItsStreamPartIsRefusedNamingIt() {
    Record record = Record.builder().eventID("e2").eventName("REMOVE").build();

    assertThatThrownBy(() -> StreamRecordJson.toSourceRecord(record, ARN, "shard-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("record e2 of shard shard-1 has no dynamodb.SequenceNumber");
  }

  @Test
  void aRecordWithoutASequenceNumberIsRefused() {
    Record record =
        Record.builder()
            .eventID("e3")
            .dynamodb(StreamRecord.builder().keys(Map.of("id", AttributeValue.fromS("a"))).build())
            .build();

    assertThatThrownBy(() -> StreamRecordJson.toSourceRecord(record, ARN, "shard-9"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("record e3 of shard shard-9");
  }
}
