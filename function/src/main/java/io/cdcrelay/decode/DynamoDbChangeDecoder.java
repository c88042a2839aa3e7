package io.cdcrelay.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SourceRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes a DynamoDB change record into a {@link Change}; anything else becomes a {@link
 * Decoded.Poison} with the reason. Two record formats share the fields that matter ({@code
 * eventName}, {@code dynamodb.Keys/NewImage/OldImage}, {@code userIdentity}) and differ in where
 * the table name and the creation time come from: see {@link Format}.
 *
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html">Kinesis
 *     Data Streams for DynamoDB</a>
 * @see <a
 *     href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html">DynamoDB
 *     Streams record</a>
 */
public final class DynamoDbChangeDecoder {

  /** The record formats this decoder reads. */
  public enum Format {
    /**
     * "Kinesis Data Streams for DynamoDB": {@code tableName}, and {@code
     * ApproximateCreationDateTime} in milli- or microseconds as {@code
     * ApproximateCreationDateTimePrecision} says.
     */
    KINESIS_DATA_STREAMS,
    /**
     * A DynamoDB Streams record (GetRecords, or a record of Lambda's DynamoDB event): the table
     * named by {@code eventSourceARN}, and {@code ApproximateCreationDateTime} in epoch seconds,
     * which AWS rounds down to whole seconds (emulators add a fraction: it is cut the same way).
     */
    DYNAMODB_STREAMS
  }

  private final Format format;

  /** A decoder of "Kinesis Data Streams for DynamoDB" records. */
  public DynamoDbChangeDecoder() {
    this(Format.KINESIS_DATA_STREAMS);
  }

  /** A decoder of records of the given format. */
  public DynamoDbChangeDecoder(Format format) {
    this.format = java.util.Objects.requireNonNull(format, "format");
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper FORMAT_PROBE =
      DynamoDbJson.plainMapper();

  /**
   * Whether the record is in the DynamoDB Streams format rather than Kinesis's: no {@code
   * tableName}, and an {@code eventSourceARN} of a table's stream. For a record whose format is not
   * known from where it came (a dead letter replayed); what is not JSON counts as Kinesis's.
   */
  public static boolean isDynamoDbStreamsRecord(byte[] data) {
    try {
      JsonNode root = FORMAT_PROBE.readTree(data);
      return root != null
          && root.isObject()
          && !root.has("tableName")
          && root.path("eventSourceARN").asText("").matches("arn:[^:]+:dynamodb:.*/stream/.*");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static final String EVENT_SOURCE = "aws:dynamodb";

  /** 9999-12-31T23:59:59.999999Z: a later creation time is not a time DynamoDB writes. */
  private static final BigDecimal LATEST_MICROS = BigDecimal.valueOf(253_402_300_799_999_999L);

  private static final BigDecimal LATEST_SECONDS = BigDecimal.valueOf(253_402_300_799L);

  static final String NOT_UTF8 =
      "not UTF-8: JSON from DynamoDB is UTF-8, these bytes begin as UTF-16 or UTF-32 do";

  /** Decodes one record; never throws for bad input. */
  public Decoded decode(SourceRecord record) {
    try {
      return decodeOrThrow(record);
    } catch (RuntimeException e) {
      // Whatever is wrong with one record stays with that record: it is dead-lettered, the batch
      // goes on.
      return poison(record, reason(e));
    }
  }

  private Decoded decodeOrThrow(SourceRecord record) {
    if (notUtf8Json(record.data())) {
      return poison(record, NOT_UTF8);
    }
    RecordJson json;
    try {
      json = RecordJson.read(record.data());
    } catch (JsonProcessingException e) {
      return poison(record, "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return poison(record, "unreadable: " + e.getMessage());
    }
    JsonNode root = json.root;
    if (root == null || !root.isObject()) {
      return poison(record, "not a JSON object");
    }
    String eventSource = root.path("eventSource").asText(null);
    if (!EVENT_SOURCE.equals(eventSource)) {
      if ("aws:kinesis".equals(eventSource) && root.has("kinesis")) {
        // A Lambda Kinesis event record itself, not the change it carries: what made it unusable
        // says more than its eventSource (a dump's line whose data or sequence number is bad).
        return poison(record, kinesisEnvelopeProblem(root.get("kinesis")));
      }
      return poison(record, "eventSource is " + quote(eventSource) + ", expected \"aws:dynamodb\"");
    }
    String eventName = root.path("eventName").asText(null);
    Operation operation = Operation.fromEventName(eventName).orElse(null);
    if (operation == null) {
      return poison(
          record, "eventName is " + quote(eventName) + ", expected INSERT, MODIFY or REMOVE");
    }
    JsonNode dynamodb = json.dynamodb;
    if (!dynamodb.isObject()) {
      return poison(record, "no \"dynamodb\" object");
    }
    Map<String, AttributeValue> keys = json.keys.get();
    if (keys.isEmpty()) {
      return poison(record, "no key attributes in dynamodb.Keys");
    }
    for (Map.Entry<String, AttributeValue> key : keys.entrySet()) {
      // DynamoDB refuses an empty string or binary as a key value: no item has such a key.
      if ((key.getValue() instanceof AttributeValue.S s && s.value().isEmpty())
          || (key.getValue() instanceof AttributeValue.B b && b.base64().isEmpty())) {
        return poison(
            record,
            "key attribute "
                + quote(key.getKey())
                + " in dynamodb.Keys is empty, which no DynamoDB key is");
      }
    }
    Map<String, AttributeValue> newImage = json.newImage.get();
    Map<String, AttributeValue> oldImage = json.oldImage.get();
    if (operation != Operation.REMOVE && newImage.isEmpty()) {
      // A stream view type without new images (KEYS_ONLY, OLD_IMAGE): written as it stands, the
      // keys alone would overwrite every attribute of the item's row with a newer version.
      return poison(
          record,
          operation
              + " without dynamodb.NewImage: the stream's view type must carry new images"
              + " (NEW_IMAGE or NEW_AND_OLD_IMAGES)");
    }
    long createdMicros;
    String tableName;
    if (format == Format.DYNAMODB_STREAMS) {
      createdMicros = wholeSecondsAsMicros(dynamodb);
      tableName = tableOfStream(root.path("eventSourceARN").asText(null));
    } else {
      createdMicros = createdMicros(dynamodb);
      tableName = root.path("tableName").asText("");
    }
    boolean ttl = isTimeToLiveDeletion(root.path("userIdentity"));
    return new Decoded.Ok(
        new Change(operation, tableName, keys, newImage, oldImage, createdMicros, ttl, record));
  }

  private static String reason(RuntimeException e) {
    if (e instanceof IllegalArgumentException && e.getMessage() != null) {
      return e.getMessage();
    }
    return "cannot decode: " + e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static long createdMicros(JsonNode dynamodb) {
    JsonNode created = dynamodb.path("ApproximateCreationDateTime");
    if (created.isMissingNode() || created.isNull()) {
      throw new IllegalArgumentException("dynamodb.ApproximateCreationDateTime is missing");
    }
    if (!created.isNumber()) {
      throw new IllegalArgumentException(
          "dynamodb.ApproximateCreationDateTime is not a number: " + created);
    }
    String precision = dynamodb.path("ApproximateCreationDateTimePrecision").asText("MILLISECOND");
    BigDecimal value = created.decimalValue();
    BigDecimal micros =
        switch (precision) {
          case "MICROSECOND" -> value;
          case "MILLISECOND" -> value.movePointRight(3);
          default ->
              throw new IllegalArgumentException(
                  "dynamodb.ApproximateCreationDateTimePrecision is "
                      + quote(precision)
                      + ", expected MILLISECOND or MICROSECOND");
        };
    if (micros.signum() < 0) {
      throw new IllegalArgumentException(
          "dynamodb.ApproximateCreationDateTime is negative: " + created);
    }
    if (micros.compareTo(LATEST_MICROS) > 0) {
      throw new IllegalArgumentException(
          "dynamodb.ApproximateCreationDateTime "
              + created
              + " ("
              + precision
              + ") is after 9999-12-31T23:59:59.999999Z");
    }
    return micros.setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  private static long wholeSecondsAsMicros(JsonNode dynamodb) {
    JsonNode created = dynamodb.path("ApproximateCreationDateTime");
    if (created.isMissingNode() || created.isNull()) {
      throw new IllegalArgumentException("dynamodb.ApproximateCreationDateTime is missing");
    }
    if (!created.isNumber()) {
      throw new IllegalArgumentException(
          "dynamodb.ApproximateCreationDateTime is not a number: " + created);
    }
    BigDecimal seconds = created.decimalValue().setScale(0, RoundingMode.FLOOR);
    if (seconds.signum() < 0 || seconds.compareTo(LATEST_SECONDS) > 0) {
      throw new IllegalArgumentException(
          "dynamodb.ApproximateCreationDateTime "
              + created
              + " (epoch seconds) is not between 1970 and 9999");
    }
    return ChangeVersion.ofDynamoDbStreams(seconds.longValueExact(), "0").createdMicros();
  }

  /**
   * The table of a DynamoDB Streams ARN, {@code
   * arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL}.
   */
  public static String tableOfStream(String streamArn) {
    if (streamArn == null) {
      throw new IllegalArgumentException("eventSourceARN is missing: the table is unknown");
    }
    return tableIn(streamArn)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "eventSourceARN is "
                        + quote(streamArn)
                        + ", not a DynamoDB stream ARN"
                        + " (arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL)"));
  }

  /**
   * The table of {@code arn} if it is the ARN of a DynamoDB stream ({@code
   * arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL}); none for any other ARN (a Kinesis
   * stream's, say).
   */
  public static Optional<String> tableOfDynamoDbStream(String arn) {
    if (arn == null) {
      return Optional.empty();
    }
    String[] parts = arn.split(":", 6);
    return parts.length == 6 && parts[2].equals("dynamodb") ? tableIn(arn) : Optional.empty();
  }

  /**
   * The TABLE of {@code arn:…:table/TABLE/stream/…}, whatever the service; none when it is empty.
   */
  private static Optional<String> tableIn(String arn) {
    int table = arn.indexOf(":table/");
    int stream = arn.indexOf("/stream/");
    if (!arn.startsWith("arn:") || table < 0 || stream <= table + 7) {
      return Optional.empty();
    }
    return Optional.of(arn.substring(table + 7, stream));
  }

  /**
   * Why a Lambda Kinesis event record could not be read for the change it carries: its {@code
   * kinesis.data} (base64) or its {@code kinesis.sequenceNumber}.
   */
  private static String kinesisEnvelopeProblem(JsonNode kinesis) {
    String why;
    if (!kinesis.path("data").isTextual()) {
      why = "has no kinesis.data";
    } else if (!isBase64(kinesis.get("data").asText())) {
      why = "has a kinesis.data that is not base64";
    } else if (!io.cdcrelay.change.SequenceNumbers.isValid(
        kinesis.path("sequenceNumber").asText(null))) {
      why =
          "has no valid kinesis.sequenceNumber (a decimal number, got "
              + quote(kinesis.path("sequenceNumber").asText(null))
              + ")";
    } else {
      why = "carries its change in kinesis.data (base64): relay that, not the record";
    }
    return "a Lambda Kinesis event record, not a DynamoDB change: it " + why;
  }

  /**
   * Whether the bytes begin as no UTF-8 JSON can (a byte order mark of UTF-16, a zero byte), which
   * the JSON parser would otherwise read as UTF-16 or UTF-32 text: a poison record names them as
   * bytes that are not UTF-8, not as characters they never were.
   */
  static boolean notUtf8Json(byte[] data) {
    if (data.length == 0) {
      return false;
    }
    int first = data[0] & 0xff;
    if (first == 0xfe || first == 0xff) {
      return true;
    }
    for (int i = 0; i < Math.min(4, data.length); i++) {
      if (data[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether the text is base64 of the standard alphabet, as AWS writes binary values. */
  public static boolean isBase64(String text) {
    try {
      java.util.Base64.getDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isTimeToLiveDeletion(JsonNode userIdentity) {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
    return userIdentity.isObject()
        && "Service".equals(userIdentity.path("type").asText())
        && "dynamodb.amazonaws.com".equals(userIdentity.path("principalId").asText());
  }

  private static Decoded poison(SourceRecord record, String reason) {
    return new Decoded.Poison(record, reason);
  }

  private static String quote(String value) {
    return value == null ? "missing" : "\"" + value + "\"";
  }
}
