package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.decode.DynamoDbJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DynamoDbStreamsEventsTest {

  private static final Path EVENTS = Path.of("..", "events", "dynamodb-streams");

  /** An attribute name DynamoDB takes (at most 65,535 bytes) and Lambda's deserialiser does not. */
  private static final String LONG_NAME = "n".repeat(60_000);

  private static DynamodbEvent deserialised(String json) {
    return LambdaEventSerializers.serializerFor(
            DynamodbEvent.class, DynamoDbStreamsEventsTest.class.getClassLoader())
        .fromJson(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "insert.json",
        "modify.json",
        "remove.json",
        "ttl-remove.json",
        "batch.json",
        "poison.json"
      })
  void theEventsJsonGivesTheRecordsOfTheEventLambdaDeserialises(String file) throws Exception {
    String json = Files.readString(EVENTS.resolve(file));
    List<SourceRecord> fromJson =
        DynamoDbStreamsEvents.toSourceRecords(
            DynamoDbJson.parse(json.getBytes(StandardCharsets.UTF_8)));
    List<SourceRecord> fromEvent = DynamoDbStreamsEvents.toSourceRecords(deserialised(json));

    assertThat(fromJson).hasSameSizeAs(fromEvent).isNotEmpty();
    for (int i = 0; i < fromJson.size(); i++) {
      SourceRecord a = fromJson.get(i);
      SourceRecord b = fromEvent.get(i);
      assertThat(a.shardId()).isEqualTo(b.shardId());
      assertThat(a.sequenceNumber()).isEqualTo(b.sequenceNumber());
      assertThat(a.arrivedAt()).isEqualTo(b.arrivedAt());
      assertThat(new String(a.data(), StandardCharsets.UTF_8))
          .as("%s, record %d", file, i)
          .isEqualTo(new String(b.data(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anAttributeNameLambdasDeserialiserRefusesIsReadFromTheJson() throws Exception {
    ObjectNode event =
        (ObjectNode) DynamoDbJson.parse(Files.readAllBytes(EVENTS.resolve("insert.json")));
    ObjectNode image = (ObjectNode) event.at("/Records/0/dynamodb/NewImage");
    image.putObject(LONG_NAME).put("S", "long");
    String json = DynamoDbJson.plainMapper().writeValueAsString(event);

    // Why the handler reads the JSON itself: Lambda's deserialiser fails the whole event.
    assertThatThrownBy(() -> deserialised(json)).hasStackTraceContaining("50000");

    List<SourceRecord> records =
        DynamoDbStreamsEvents.toSourceRecords(
            DynamoDbJson.parse(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(records).hasSize(1);
    Decoded decoded =
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS)
            .decode(records.get(0));
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    assertThat(((Decoded.Ok) decoded).change().newImage())
        .containsEntry(LONG_NAME, new AttributeValue.S("long"));
  }

  @Test
  void theCreationTimeIsReadToTheMillisecondAsLambdaReadsIt() throws Exception {
    String json =
        "{\"Records\":[{\"eventName\":\"INSERT\",\"eventSource\":\"aws:dynamodb\","
            + "\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:1:table/t/stream/s\","
            + "\"dynamodb\":{\"ApproximateCreationDateTime\":1720740235.1239,"
            + "\"Keys\":{\"id\":{\"S\":\"a\"}},\"SequenceNumber\":\"100\"}}]}";
    SourceRecord fromJson =
        DynamoDbStreamsEvents.toSourceRecords(
                DynamoDbJson.parse(json.getBytes(StandardCharsets.UTF_8)))
            .get(0);

    assertThat(fromJson.arrivedAt()).isEqualTo(Instant.ofEpochMilli(1_720_740_235_123L));
    assertThat(fromJson.arrivedAt())
        .isEqualTo(DynamoDbStreamsEvents.toSourceRecords(deserialised(json)).get(0).arrivedAt());
    assertThat(fromJson.shardId()).isEqualTo("arn:aws:dynamodb:us-east-1:1:table/t/stream/s");
  }

  @Test
  void kinesisRecordsAndMalformedEventsAreRefused() throws Exception {
    JsonNode kinesis =
        DynamoDbJson.parse(
            "{\"Records\":[{\"eventSource\":\"aws:kinesis\",\"kinesis\":{}}]}"
                .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> DynamoDbStreamsEvents.toSourceRecords(kinesis))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SourceType=KinesisDataStream");
    JsonNode notAList = DynamoDbJson.parse("{\"Records\":{}}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> DynamoDbStreamsEvents.toSourceRecords(notAList))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Records is not a list of records");
    JsonNode none = DynamoDbJson.parse("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(DynamoDbStreamsEvents.toSourceRecords(none)).isEmpty();
  }
}
