package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adapts Lambda's DynamoDB event to the relay core's records: each record becomes its DynamoDB
 * Streams wire JSON (as GetRecords returns it, plus {@code eventSourceARN}), so that one decoder
 * reads the records of Lambda and of the local relay, and a dead letter keeps the record as it was.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html">Lambda DynamoDB
 *     events</a>
 */
public final class DynamoDbStreamsEvents {

  /** The shard of records whose event does not name one (Lambda's DynamoDB event never does). */
  public static final String UNKNOWN_SHARD = "unknown";

  private static final ObjectMapper JSON = io.cdcrelay.decode.DynamoDbJson.plainMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private DynamoDbStreamsEvents() {}

  /**
   * The event's records in the order Lambda delivered them. A record's shard is its stream ARN; a
   * record without a valid sequence number is kept with the lowest one, "0", so that it is
   * dead-lettered rather than lost.
   */
  public static List<SourceRecord> toSourceRecords(DynamodbEvent event) {
    List<SourceRecord> records = new ArrayList<>();
    if (event == null || event.getRecords() == null) {
      return records;
    }
    for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
      refuseKinesis(record.getEventSource());
      StreamRecord dynamodb = record.getDynamodb();
      String sequenceNumber = dynamodb == null ? null : dynamodb.getSequenceNumber();
      Instant created =
          dynamodb == null || dynamodb.getApproximateCreationDateTime() == null
              ? Instant.EPOCH
              : dynamodb.getApproximateCreationDateTime().toInstant();
      records.add(
          new SourceRecord(
              record.getEventSourceARN() == null ? UNKNOWN_SHARD : record.getEventSourceARN(),
              validOrLowest(sequenceNumber),
              toJson(record),
              created));
    }
    return records;
  }

  /**
   * The records of Lambda's DynamoDB event as it was sent (its JSON, parsed with {@link
   * io.cdcrelay.decode.DynamoDbJson#parse}), in the order Lambda delivered them: the same records
   * as {@link #toSourceRecords(DynamodbEvent)} gives for the event deserialised, without Lambda's
   * deserialiser, whose parser stops at attribute names of 50,000 characters (DynamoDB takes names
   * of up to 65,535 bytes).
   *
   * @throws IllegalArgumentException when {@code Records} is there but not a list of objects
   */
  public static List<SourceRecord> toSourceRecords(JsonNode event) {
    List<SourceRecord> records = new ArrayList<>();
    JsonNode list = event == null ? null : event.get("Records");
    if (list == null || list.isNull()) {
      return records;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("Records is not a list of records");
    }
    for (JsonNode record : list) {
      if (!record.isObject()) {
        throw new IllegalArgumentException("a record of Records is not an object");
      }
      refuseKinesis(text(record, "eventSource"));
      JsonNode dynamodb = record.get("dynamodb");
      JsonNode stream = dynamodb != null && dynamodb.isObject() ? dynamodb : null;
      Optional<Instant> created = stream == null ? Optional.empty() : created(stream);
      String arn = text(record, "eventSourceARN");
      records.add(
          new SourceRecord(
              arn == null ? UNKNOWN_SHARD : arn,
              validOrLowest(stream == null ? null : text(stream, "SequenceNumber")),
              toJson(record, stream, created),
              created.orElse(Instant.EPOCH)));
    }
    return records;
  }

  /**
   * The record's {@code ApproximateCreationDateTime} (seconds) to the millisecond, as Lambda's
   * deserialiser reads it into a date.
   */
  private static Optional<Instant> created(JsonNode stream) {
    JsonNode seconds = stream.get("ApproximateCreationDateTime");
    if (seconds == null || !seconds.isNumber()) {
      return Optional.empty();
    }
    BigDecimal millis = seconds.decimalValue().movePointRight(3).setScale(0, RoundingMode.DOWN);
    return Optional.of(Instant.ofEpochMilli(millis.longValueExact()));
  }

  /** The record as {@link #toJson(DynamodbEvent.DynamodbStreamRecord)} writes it deserialised. */
  private static byte[] toJson(JsonNode record, JsonNode stream, Optional<Instant> created) {
    ObjectNode root = NODES.objectNode();
    for (String field :
        List.of("eventID", "eventName", "eventVersion", "eventSource", "awsRegion")) {
      putIfSet(root, field, text(record, field));
    }
    putIfSet(root, "eventSourceARN", text(record, "eventSourceARN"));
    if (stream != null) {
      ObjectNode dynamodb = root.putObject("dynamodb");
      created.ifPresent(
          at ->
              dynamodb.put(
                  "ApproximateCreationDateTime", BigDecimal.valueOf(at.toEpochMilli(), 3)));
      for (String image : List.of("Keys", "NewImage", "OldImage")) {
        JsonNode item = stream.get(image);
        if (item != null && item.isObject()) {
          dynamodb.set(image, item);
        }
      }
      putIfSet(dynamodb, "SequenceNumber", text(stream, "SequenceNumber"));
      JsonNode size = stream.get("SizeBytes");
      if (size != null && size.canConvertToLong()) {
        dynamodb.put("SizeBytes", size.longValue());
      }
      putIfSet(dynamodb, "StreamViewType", text(stream, "StreamViewType"));
    }
    JsonNode identity = record.get("userIdentity");
    if (identity != null && identity.isObject()) {
      ObjectNode user = root.putObject("userIdentity");
      putIfSet(user, "principalId", text(identity, "principalId"));
      putIfSet(user, "type", text(identity, "type"));
    }
    return write(root);
  }

  /** A text field, or {@code null} where it is missing, null or not text. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static void refuseKinesis(String eventSource) {
    if ("aws:kinesis".equals(eventSource)) {
      // Lambda maps a Kinesis record into this event without its data: dead-lettered, it would
      // be lost. The batch fails instead, and goes to the on-failure destination in the end.
      throw new IllegalStateException(
          "this function reads a DynamoDB stream (DynamoDbStreamsRelayHandler), but its event"
              + " source mapping delivers Kinesis records: deploy it with"
              + " SourceType=KinesisDataStream, whose handler is KinesisRelayHandler");
    }
  }

  private static String validOrLowest(String sequenceNumber) {
    try {
      return SequenceNumbers.requireValid(sequenceNumber);
    } catch (IllegalArgumentException e) {
      return "0";
    }
  }

  /** The record in the DynamoDB Streams wire format, UTF-8. */
  static byte[] toJson(DynamodbEvent.DynamodbStreamRecord record) {
    ObjectNode root = NODES.objectNode();
    putIfSet(root, "eventID", record.getEventID());
    putIfSet(root, "eventName", record.getEventName());
    putIfSet(root, "eventVersion", record.getEventVersion());
    putIfSet(root, "eventSource", record.getEventSource());
    putIfSet(root, "awsRegion", record.getAwsRegion());
    putIfSet(root, "eventSourceARN", record.getEventSourceARN());
    StreamRecord stream = record.getDynamodb();
    if (stream != null) {
      ObjectNode dynamodb = root.putObject("dynamodb");
      if (stream.getApproximateCreationDateTime() != null) {
        dynamodb.put(
            "ApproximateCreationDateTime",
            BigDecimal.valueOf(stream.getApproximateCreationDateTime().getTime(), 3));
      }
      putItem(dynamodb, "Keys", stream.getKeys());
      putItem(dynamodb, "NewImage", stream.getNewImage());
      putItem(dynamodb, "OldImage", stream.getOldImage());
      putIfSet(dynamodb, "SequenceNumber", stream.getSequenceNumber());
      if (stream.getSizeBytes() != null) {
        dynamodb.put("SizeBytes", stream.getSizeBytes());
      }
      putIfSet(dynamodb, "StreamViewType", stream.getStreamViewType());
    }
    Identity identity = record.getUserIdentity();
    if (identity != null) {
      ObjectNode user = root.putObject("userIdentity");
      putIfSet(user, "principalId", identity.getPrincipalId());
      putIfSet(user, "type", identity.getType());
    }
    return write(root);
  }

  private static byte[] write(ObjectNode record) {
    try {
      return JSON.writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a DynamoDB Streams record as JSON", e);
    }
  }

  private static void putIfSet(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  private static void putItem(ObjectNode parent, String name, Map<String, AttributeValue> item) {
    if (item != null) {
      parent.set(name, item(item));
    }
  }

  private static ObjectNode item(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    item.forEach((name, value) -> node.set(name, value(value)));
    return node;
  }

  /** One typed value; an attribute value with no type set is written as {@code {}}. */
  private static JsonNode value(AttributeValue value) {
    ObjectNode typed = NODES.objectNode();
    if (value == null) {
      return typed;
    }
    if (value.getS() != null) {
      typed.put("S", value.getS());
    } else if (value.getN() != null) {
      typed.put("N", value.getN());
    } else if (value.getB() != null) {
      typed.put("B", base64(value.getB()));
    } else if (value.getBOOL() != null) {
      typed.put("BOOL", value.getBOOL());
    } else if (Boolean.TRUE.equals(value.getNULL())) {
      typed.put("NULL", true);
    } else if (value.getM() != null) {
      typed.set("M", item(value.getM()));
    } else if (value.getL() != null) {
      ArrayNode list = typed.putArray("L");
      value.getL().forEach(element -> list.add(value(element)));
    } else if (value.getSS() != null) {
      strings(typed.putArray("SS"), value.getSS());
    } else if (value.getNS() != null) {
      strings(typed.putArray("NS"), value.getNS());
    } else if (value.getBS() != null) {
      ArrayNode set = typed.putArray("BS");
      value.getBS().forEach(bytes -> set.add(base64(bytes)));
    }
    return typed;
  }

  private static void strings(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }

  private static String base64(ByteBuffer bytes) {
    ByteBuffer copy = bytes.duplicate();
    byte[] data = new byte[copy.remaining()];
    copy.get(data);
    return Base64.getEncoder().encodeToString(data);
  }
}
