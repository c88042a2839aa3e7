package io.cdcrelay.decode;

import static io.cdcrelay.testing.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.testing.Records;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoDbChangeDecoderTest {

  private final DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();

  private Change decodeOk(String json) {
    Decoded decoded = decoder.decode(record(1, json));
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    return ((Decoded.Ok) decoded).change();
  }

  private String poisonReason(String json) {
    Decoded decoded = decoder.decode(record(1, json));
    assertThat(decoded).isInstanceOf(Decoded.Poison.class);
    return ((Decoded.Poison) decoded).reason();
  }

  @Test
  void decodesEveryAttributeType() {
    Change change =
        decodeOk(
            Records.upsert(
                "INSERT",
                "a",
                1720740233012995L,
                "\"s\":{\"S\":\"text\"},\"n\":{\"N\":\"42.5\"},\"b\":{\"B\":\"AAEC\"},"
                    + "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},"
                    + "\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}},\"l\":{\"L\":[{\"S\":\"x\"},{\"N\":\"2\"}]},"
                    + "\"ss\":{\"SS\":[\"p\",\"q\"]},\"ns\":{\"NS\":[\"1\",\"2.5\"]},"
                    + "\"bs\":{\"BS\":[\"AAE=\"]}"));
    Map<String, AttributeValue> item = change.newImage();
    assertThat(item.get("s")).isEqualTo(new AttributeValue.S("text"));
    assertThat(item.get("n")).isEqualTo(new AttributeValue.N(new BigDecimal("42.5")));
    assertThat(item.get("b")).isEqualTo(new AttributeValue.B("AAEC"));
    assertThat(item.get("t")).isEqualTo(new AttributeValue.Bool(true));
    assertThat(item.get("z")).isEqualTo(AttributeValue.Null.INSTANCE);
    assertThat(item.get("m"))
        .isEqualTo(new AttributeValue.M(Map.of("k", new AttributeValue.N(BigDecimal.ONE))));
    assertThat(item.get("l"))
        .isEqualTo(
            new AttributeValue.L(
                List.of(new AttributeValue.S("x"), new AttributeValue.N(new BigDecimal("2")))));
    assertThat(item.get("ss")).isEqualTo(new AttributeValue.SS(List.of("p", "q")));
    assertThat(item.get("ns"))
        .isEqualTo(new AttributeValue.NS(List.of(BigDecimal.ONE, new BigDecimal("2.5"))));
    assertThat(item.get("bs")).isEqualTo(new AttributeValue.BS(List.of("AAE=")));
    assertThat(change.operation()).isEqualTo(Operation.INSERT);
    assertThat(change.keys()).containsOnlyKeys("id");
    assertThat(change.createdMicros()).isEqualTo(1720740233012995L);
    assertThat(change.tableName()).isEqualTo("demo");
  }

  @Test
  void keepsNumbersExactBeyondDoublePrecision() {
    String digits = "12345678901234567890123456789012345678";
    Change change =
        decodeOk(Records.upsert("INSERT", "a", 1, "\"big\":{\"N\":\"" + digits + "\"}"));
    assertThat(((AttributeValue.N) change.newImage().get("big")).value())
        .isEqualTo(new BigDecimal(digits));
  }

  @Test
  void anAttributeNameOfUpTo64KbIsAnAttributeNotADeadLetter() {
    // DynamoDB takes names of up to 65,535 bytes; Jackson's parsers stop at 50,000 by default.
    String name = "n".repeat(65_535);
    Change change = decodeOk(Records.upsert("INSERT", "a", 1, "\"" + name + "\":{\"S\":\"v\"}"));
    assertThat(change.newImage()).containsEntry(name, new AttributeValue.S("v"));
    assertThat(
            DynamoDbChangeDecoder.isDynamoDbStreamsRecord(
                ("{\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:1:table/t/stream/x\",\""
                        + name
                        + "\":1}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isTrue();
  }

  @Test
  void numbersWrittenAsJsonNumbersKeepEveryDigit() {
    String digits = "12345678901234567890123456789.123";
    Change change =
        decodeOk(
            Records.upsert(
                "INSERT",
                "a",
                1,
                "\"big\":{\"N\":" + digits + "},\"ns\":{\"NS\":[1,2,0.34]},\"s\":{\"S\":null}"));
    assertThat(change.newImage().get("big"))
        .isEqualTo(new AttributeValue.N(new BigDecimal(digits)));
    assertThat(change.newImage().get("ns"))
        .isEqualTo(
            new AttributeValue.NS(
                List.of(new BigDecimal("1"), new BigDecimal("2"), new BigDecimal("0.34"))));
    assertThat(change.newImage().get("s")).isEqualTo(AttributeValue.Null.INSTANCE);
  }

  @Test
  void normalisesMillisecondPrecisionToMicroseconds() {
    String json =
        Records.upsert("INSERT", "a", 1720740233012L, "")
            .replace("\"MICROSECOND\"", "\"MILLISECOND\"");
    assertThat(decodeOk(json).createdMicros()).isEqualTo(1720740233012000L);
  }

  @Test
  void removeCarriesKeysAndNoNewImage() {
    Change change = decodeOk(Records.remove("a", 5));
    assertThat(change.operation()).isEqualTo(Operation.REMOVE);
    assertThat(change.newImage()).isEmpty();
    assertThat(change.oldImage()).containsKey("id");
  }

  @Test
  void recognisesTimeToLiveDeletions() {
    String json =
        Records.remove("a", 5)
            .replace(
                "\"userIdentity\":null",
                "\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}");
    assertThat(decodeOk(json).ttlDeletion()).isTrue();
  }

  @Test
  void onlyDynamoDbsOwnServicePrincipalMakesADeleteAnExpiry() {
    // A user's delete, or another service's (a Lambda function, say), is a delete like any other.
    for (String identity :
        List.of(
            "null",
            "{\"type\":\"Service\",\"principalId\":\"lambda.amazonaws.com\"}",
            "{\"type\":\"User\",\"principalId\":\"dynamodb.amazonaws.com\"}",
            "{\"principalId\":\"dynamodb.amazonaws.com\"}",
            "{\"type\":\"Service\"}",
            "\"dynamodb.amazonaws.com\"")) {
      String json =
          Records.remove("a", 5).replace("\"userIdentity\":null", "\"userIdentity\":" + identity);
      assertThat(decodeOk(json).ttlDeletion()).as(identity).isFalse();
    }
  }

  @Test
  void aLambdaKinesisRecordItselfIsPoisonSayingWhatMadeItUnreadable() {
    String envelope =
        "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"p\","
            + "\"sequenceNumber\":%s,\"data\":%s},\"eventSource\":\"aws:kinesis\","
            + "\"eventName\":\"aws:kinesis:record\"}";
    String good = "\"49656709367126341276484543186423045812698406329470730242\"";
    assertThat(poisonReason(String.format(envelope, good, "\"!!!notbase64\"")))
        .isEqualTo(
            "a Lambda Kinesis event record, not a DynamoDB change: it has a kinesis.data that is"
                + " not base64");
    assertThat(poisonReason(String.format(envelope, good, "7")))
        .isEqualTo("a Lambda Kinesis event record, not a DynamoDB change: it has no kinesis.data");
    assertThat(poisonReason(String.format(envelope, "\"x1\"", "\"e30=\"")))
        .isEqualTo(
            "a Lambda Kinesis event record, not a DynamoDB change: it has no valid"
                + " kinesis.sequenceNumber (a decimal number, got \"x1\")");
    assertThat(poisonReason(String.format(envelope, good, "\"e30=\"")))
        .isEqualTo(
            "a Lambda Kinesis event record, not a DynamoDB change: it carries its change in"
                + " kinesis.data (base64): relay that, not the record");
    assertThat(poisonReason("{\"eventSource\":\"aws:kinesis\"}"))
        .as("no envelope: the source is all there is to say")
        .isEqualTo("eventSource is \"aws:kinesis\", expected \"aws:dynamodb\"");
  }

  @Test
  void bytesThatBeginAsUtf16OrUtf32AreNotUtf8NotCharactersTheyNeverWere() {
    String reason =
        "not UTF-8: JSON from DynamoDB is UTF-8, these bytes begin as UTF-16 or UTF-32 do";
    byte[] json = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] bom = new byte[json.length + 2];
    bom[0] = (byte) 0xff;
    bom[1] = (byte) 0xfe;
    System.arraycopy(json, 0, bom, 2, json.length);
    // A byte order mark before bytes that hold no zero: read as UTF-16, they were Chinese text.
    byte[] bomAndText = {(byte) 0xff, (byte) 0xfe, 'g', 'o', 'o', 'd'};
    for (byte[] data :
        List.of(
            bom,
            bomAndText,
            json,
            "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_16BE))) {
      Decoded decoded =
          new DynamoDbChangeDecoder()
              .decode(
                  new io.cdcrelay.change.SourceRecord(
                      Records.SHARD, "1", data, java.time.Instant.EPOCH));
      assertThat(decoded).isInstanceOf(Decoded.Poison.class);
      assertThat(((Decoded.Poison) decoded).reason()).isEqualTo(reason);
    }
    // UTF-8 with its byte order mark is UTF-8.
    assertThat(
            DynamoDbChangeDecoder.notUtf8Json(
                new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{'}))
        .isFalse();
    assertThat(DynamoDbChangeDecoder.notUtf8Json(new byte[0])).isFalse();
    assertThat(
            DynamoDbChangeDecoder.notUtf8Json(
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isFalse();
  }

  /** A record whose fields come in the given order, each given as {@code "name": value}. */
  private static String fields(String... fields) {
    return "{" + String.join(", ", fields) + "}";
  }

  private static final String SOURCE = "\"eventSource\": \"aws:dynamodb\"";
  private static final String NAME = "\"eventName\": \"INSERT\"";
  private static final String CREATED = "\"ApproximateCreationDateTime\": 1720740233012";

  @Test
  void aRecordsProblemsAreReportedInOneOrderWhateverOrderItsFieldsComeIn() {
    String badImage = "\"NewImage\": {\"a\": {\"L\": [{\"N\": \"x\"}]}}";
    String keys = "\"Keys\": {\"id\": {\"S\": \"a\"}}";
    // The items come before what is checked first: the record's source and event name.
    assertThat(
            poisonReason(
                fields(
                    "\"dynamodb\": {" + badImage + ", " + keys + ", " + CREATED + "}",
                    "\"eventName\": \"UPSERT\"",
                    SOURCE)))
        .startsWith("eventName is \"UPSERT\"");
    // A bad image before missing keys: the keys are checked first.
    assertThat(
            poisonReason(fields(SOURCE, NAME, "\"dynamodb\": {" + badImage + ", " + CREATED + "}")))
        .isEqualTo("no key attributes in dynamodb.Keys");
    // An empty string or binary key, which DynamoDB never writes.
    assertThat(
            poisonReason(
                fields(
                    SOURCE,
                    NAME,
                    "\"dynamodb\": {\"Keys\": {\"id\": {\"S\": \"\"}}, " + CREATED + "}")))
        .isEqualTo("key attribute \"id\" in dynamodb.Keys is empty, which no DynamoDB key is");
    assertThat(
            poisonReason(
                fields(
                    SOURCE,
                    NAME,
                    "\"dynamodb\": {\"Keys\": {\"id\": {\"S\": \"a\"}, \"b\": {\"B\": \"\"}}, "
                        + CREATED
                        + "}")))
        .isEqualTo("key attribute \"b\" in dynamodb.Keys is empty, which no DynamoDB key is");
    // The bad image itself, once the keys are there, named by its path.
    assertThat(
            poisonReason(
                fields(
                    SOURCE,
                    NAME,
                    "\"dynamodb\": {" + badImage + ", " + keys + ", " + CREATED + "}")))
        .isEqualTo("NewImage.a[0] is not a number: \"x\"");
    // JSON that breaks after a bad image is not JSON.
    assertThat(
            poisonReason(
                "{" + SOURCE + ", " + NAME + ", \"dynamodb\": {" + badImage + ", " + keys + ", "))
        .startsWith("not JSON");
  }

  @Test
  void whereANameComesTwiceTheLastCounts() {
    Change change =
        decodeOk(
            fields(
                SOURCE,
                "\"dynamodb\": {\"Keys\": {\"id\": {\"S\": \"old\"}}}",
                NAME,
                "\"dynamodb\": {\"NewImage\": {\"id\": {\"S\": \"b\"}, \"v\": {\"N\": \"x\"}},"
                    + " \"Keys\": {\"id\": {\"N\": \"bad\"}}, "
                    + CREATED
                    + ", \"NewImage\": {\"id\": {\"S\": \"b\"}}, \"Keys\": {\"id\": {\"S\": \"b\"}}}"));
    assertThat(change.keys()).isEqualTo(Map.of("id", new AttributeValue.S("b")));
    assertThat(change.newImage()).isEqualTo(Map.of("id", new AttributeValue.S("b")));
  }

  @Test
  void recordThatIsNotJsonIsPoison() {
    assertThat(poisonReason("this is not json")).startsWith("not JSON");
  }

  @Test
  void recordFromAnotherSourceIsPoison() {
    assertThat(poisonReason(Records.upsert("INSERT", "a", 1, "").replace("aws:dynamodb", "aws:s3")))
        .contains("eventSource is \"aws:s3\"");
  }

  @Test
  void unknownEventNameIsPoison() {
    assertThat(poisonReason(Records.upsert("UPSERT", "a", 1, "")))
        .contains("eventName is \"UPSERT\"");
  }

  @Test
  void unknownAttributeTypeIsPoisonNamingThePath() {
    assertThat(poisonReason(Records.upsert("INSERT", "a", 1, "\"x\":{\"Q\":\"1\"}")))
        .contains("NewImage.x has unknown DynamoDB type \"Q\"");
  }

  @Test
  void anUpsertWithoutANewImageIsPoisonNotAKeysOnlyRow() {
    // A stream of view type KEYS_ONLY or OLD_IMAGE: the keys alone, written with the change's
    // newer version, would wipe every other attribute of the item's row.
    String modify =
        Records.upsert("MODIFY", "a", 1, "")
            .replace("\"NewImage\":{\"id\":{\"S\":\"a\"}}", "\"OldImage\":{\"id\":{\"S\":\"a\"}}");
    assertThat(modify).doesNotContain("NewImage");
    assertThat(poisonReason(modify))
        .isEqualTo(
            "MODIFY without dynamodb.NewImage: the stream's view type must carry new images"
                + " (NEW_IMAGE or NEW_AND_OLD_IMAGES)");
  }

  @Test
  void malformedNumberIsPoison() {
    assertThat(poisonReason(Records.upsert("INSERT", "a", 1, "\"x\":{\"N\":\"1e\"}")))
        .contains("NewImage.x is not a number");
  }

  @Test
  void missingCreationTimeIsPoison() {
    assertThat(
            poisonReason(
                Records.upsert("INSERT", "a", 1, "")
                    .replace("\"ApproximateCreationDateTime\":1,", "")))
        .contains("ApproximateCreationDateTime is missing");
  }

  @Test
  void jsonThatIsNotAnObjectIsPoison() {
    assertThat(poisonReason("[1,2]")).isEqualTo("not a JSON object");
  }

  private static String createdAt(String created, String precision) {
    return Records.upsert("INSERT", "a", 1, "")
        .replace(
            "\"ApproximateCreationDateTime\":1,",
            "\"ApproximateCreationDateTime\":" + created + ",")
        .replace("\"MICROSECOND\"", "\"" + precision + "\"");
  }

  @Test
  void creationTimeThatOverflowsInMicrosecondsIsPoison() {
    assertThat(poisonReason(createdAt("9300000000000000", "MILLISECOND")))
        .contains("ApproximateCreationDateTime")
        .contains("9300000000000000");
  }

  @Test
  void absurdCreationTimesArePoison() {
    assertThat(poisonReason(createdAt("-1", "MICROSECOND"))).contains("negative");
    assertThat(poisonReason(createdAt("1e30", "MICROSECOND")))
        .contains("ApproximateCreationDateTime");
    assertThat(poisonReason(createdAt("100000000000000000000000000000", "MICROSECOND")))
        .contains("ApproximateCreationDateTime");
    assertThat(poisonReason(createdAt("9223372036854775807", "MICROSECOND")))
        .contains("after 9999");
    assertThat(poisonReason(createdAt("\"1720740233012995\"", "MICROSECOND")))
        .contains("ApproximateCreationDateTime is not a number");
  }

  @Test
  void aFractionOfAMicrosecondIsCutOff() {
    assertThat(decodeOk(createdAt("1720740233012995.9", "MICROSECOND")).createdMicros())
        .isEqualTo(1720740233012995L);
    assertThat(decodeOk(createdAt("1720740233012.9959", "MILLISECOND")).createdMicros())
        .isEqualTo(1720740233012995L);
  }

  @Test
  void fractionalMillisecondsKeepTheirMicroseconds() {
    assertThat(decodeOk(createdAt("1720740233012.995", "MILLISECOND")).createdMicros())
        .isEqualTo(1720740233012995L);
  }

  @Test
  void recordWithoutKeysIsPoison() {
    assertThat(
            poisonReason(
                Records.upsert("INSERT", "a", 1, "")
                    .replace("\"Keys\":{\"id\":{\"S\":\"a\"}},", "")))
        .contains("no key attributes");
    assertThat(
            poisonReason(
                Records.upsert("INSERT", "a", 1, "")
                    .replace("\"Keys\":{\"id\":{\"S\":\"a\"}}", "\"Keys\":{}")))
        .contains("no key attributes");
  }

  @Test
  void malformedPartsArePoisonNotExceptions() {
    for (String json :
        List.of(
            Records.upsert("INSERT", "a", 1, "").replace("\"NewImage\":{", "\"NewImage\":[{"),
            Records.upsert("INSERT", "a", 1, "\"x\":{\"M\":[]}"),
            Records.upsert("INSERT", "a", 1, "\"x\":{\"L\":{}}"),
            Records.upsert("INSERT", "a", 1, "\"x\":{\"BOOL\":\"yes\"}"),
            Records.upsert("INSERT", "a", 1, "\"x\":{\"B\":\"***\"}"),
            Records.upsert("INSERT", "a", 1, "\"x\":{}"),
            Records.upsert("INSERT", "a", 1, "")
                .replace("\"dynamodb\":{", "\"dynamodb\":{\"x\":1,"),
            "{\"eventSource\":\"aws:dynamodb\",\"eventName\":\"INSERT\",\"dynamodb\":7}",
            "{\"eventSource\":\"aws:dynamodb\",\"eventName\":\"INSERT\",\"dynamodb\":{}}",
            "",
            "null")) {
      Decoded decoded = decoder.decode(record(1, json));
      if (decoded instanceof Decoded.Poison poison) {
        assertThat(poison.reason()).as(json).isNotBlank();
      }
    }
  }
}
