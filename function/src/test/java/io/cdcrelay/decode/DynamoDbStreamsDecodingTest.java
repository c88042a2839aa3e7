package io.cdcrelay.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DynamoDbChangeDecoder} on DynamoDB Streams records (GetRecords / Lambda wire JSON). */
class DynamoDbStreamsDecodingTest {

  private static final String ARN =
      "arn:aws:dynamodb:eu-central-1:123456789012:table/orders-2024/stream/2024-07-12T01:00:00.000";

  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);

  private static SourceRecord record(String sequenceNumber, String json) {
    return new SourceRecord(
        ARN, sequenceNumber, json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
  }

  private static String insert(String created, String arn) {
    return "{\"eventID\":\"1\",\"eventName\":\"INSERT\",\"eventSource\":\"aws:dynamodb\","
        + (arn == null ? "" : "\"eventSourceARN\":\"" + arn + "\",")
        + "\"dynamodb\":{\"ApproximateCreationDateTime\":"
        + created
        + ",\"Keys\":{\"id\":{\"S\":\"a\"}},"
        + "\"NewImage\":{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}},"
        + "\"SequenceNumber\":\"300\",\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";
  }

  @Test
  void creationTimeIsCutToWholeSecondsAsAwsGivesIt() {
    // moto adds a fraction; AWS rounds down: both must give the same version.
    Decoded fromMoto = decoder.decode(record("300", insert("1720740233.987654", ARN)));
    Decoded fromAws = decoder.decode(record("300", insert("1720740233", ARN)));
    assertThat(fromMoto).isInstanceOf(Decoded.Ok.class);
    ChangeVersion version = ((Decoded.Ok) fromMoto).change().version();
    assertThat(version).isEqualTo(ChangeVersion.ofDynamoDbStreams(1720740233L, "300"));
    assertThat(version).isEqualTo(((Decoded.Ok) fromAws).change().version());
    assertThat(((Decoded.Ok) fromMoto).change().createdAt())
        .isEqualTo(Instant.ofEpochSecond(1720740233L));
  }

  @Test
  void tableIsTheOneOfTheStreamArn() {
    Decoded decoded = decoder.decode(record("300", insert("1720740233", ARN)));
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    assertThat(((Decoded.Ok) decoded).change().tableName()).isEqualTo("orders-2024");
    assertThat(((Decoded.Ok) decoded).change().operation()).isEqualTo(Operation.INSERT);
  }

  @Test
  void recordWithoutAStreamArnIsPoison() {
    Decoded decoded = decoder.decode(record("300", insert("1720740233", null)));
    assertThat(decoded).isInstanceOf(Decoded.Poison.class);
    assertThat(((Decoded.Poison) decoded).reason()).contains("eventSourceARN");
  }

  @Test
  void recordWithAKinesisArnIsPoison() {
    Decoded decoded =
        decoder.decode(
            record("300", insert("1720740233", "arn:aws:kinesis:us-east-1:1:stream/cdc")));
    assertThat(decoded).isInstanceOf(Decoded.Poison.class);
    assertThat(((Decoded.Poison) decoded).reason()).contains("not a DynamoDB stream ARN");
  }

  @Test
  void anArnWithoutATableNameIsPoisonNamingIt() {
    for (String arn :
        List.of(
            "arn:aws:dynamodb:eu-central-1:123456789012:table//stream/2024-07-12T01:00:00.000",
            "arn:aws:dynamodb:eu-central-1:123456789012:table/stream/2024-07-12T01:00:00.000")) {
      assertThat(decoder.decode(record("300", insert("1720740233", arn))))
          .as(arn)
          .isInstanceOfSatisfying(
              Decoded.Poison.class,
              p -> assertThat(p.reason()).contains(arn).contains("not a DynamoDB stream ARN"));
      assertThat(DynamoDbChangeDecoder.tableOfDynamoDbStream(arn)).as(arn).isEmpty();
    }
  }

  @Test
  void theTableOfAStreamArnIsFoundOnlyInADynamoDbStreamsArn() {
    assertThat(
            DynamoDbChangeDecoder.tableOfDynamoDbStream(
                "arn:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/2024-07-12T01:00:00.000"))
        .contains("orders");
    assertThat(
            DynamoDbChangeDecoder.tableOfDynamoDbStream(
                "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/a.b-c_d/stream/x"))
        .contains("a.b-c_d");
    for (String notOne :
        java.util.Arrays.asList(
            null,
            "",
            "arn:aws:kinesis:eu-central-1:123456789012:stream/orders",
            "arn:aws:kinesis:eu-central-1:123456789012:table/orders/stream/x",
            "arn:aws:dynamodb:eu-central-1:123456789012:table/orders",
            "arn:aws:dynamodb:eu-central-1",
            "nra:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/x")) {
      assertThat(DynamoDbChangeDecoder.tableOfDynamoDbStream(notOne)).as("%s", notOne).isEmpty();
    }
  }

  @Test
  void aRecordIsInTheDynamoDbStreamsFormatOnlyWithAStreamArnAndNoTableName() {
    String streams =
        "{\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:1:table/t/stream/x\",\"dynamodb\":{}}";
    assertThat(DynamoDbChangeDecoder.isDynamoDbStreamsRecord(bytes(streams))).isTrue();
    for (String notStreams :
        List.of(
            "{\"tableName\":\"t\",\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:1:table/t/stream/x\"}",
            "{\"eventSourceARN\":\"arn:aws:kinesis:eu-central-1:1:stream/s\"}",
            "{\"dynamodb\":{}}",
            "[{\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:1:table/t/stream/x\"}]",
            "{not json",
            "")) {
      assertThat(DynamoDbChangeDecoder.isDynamoDbStreamsRecord(bytes(notStreams)))
          .as(notStreams)
          .isFalse();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void negativeOrMissingCreationTimeIsPoison() {
    assertThat(decoder.decode(record("300", insert("-1", ARN))))
        .isInstanceOfSatisfying(
            Decoded.Poison.class,
            p ->
                assertThat(p.reason()).contains("-1 (epoch seconds) is not between 1970 and 9999"));
    assertThat(decoder.decode(record("300", insert("\"soon\"", ARN))))
        .isInstanceOf(Decoded.Poison.class);
  }

  @Test
  void kinesisFormatStillReadsTableNameAndMicroseconds() {
    DynamoDbChangeDecoder kinesis = new DynamoDbChangeDecoder();
    String json =
        "{\"eventName\":\"INSERT\",\"eventSource\":\"aws:dynamodb\",\"tableName\":\"t\","
            + "\"dynamodb\":{\"ApproximateCreationDateTime\":1720740233012995,"
            + "\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\","
            + "\"Keys\":{\"id\":{\"S\":\"a\"}},\"NewImage\":{\"id\":{\"S\":\"a\"}}}}";
    Decoded decoded = kinesis.decode(record("300", json));
    assertThat(((Decoded.Ok) decoded).change().createdMicros()).isEqualTo(1720740233012995L);
    assertThat(((Decoded.Ok) decoded).change().tableName()).isEqualTo("t");
  }
}
