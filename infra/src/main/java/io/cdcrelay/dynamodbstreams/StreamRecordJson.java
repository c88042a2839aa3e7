package io.cdcrelay.dynamodbstreams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.SourceRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * A record read with the SDK's DynamoDB Streams client, back in the wire JSON of GetRecords (plus
 * {@code eventSourceARN}, as Lambda's DynamoDB event has it), so that the relay core decodes the
 * records of the local relay and of Lambda alike, and a dead letter keeps the record as it was.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html">DynamoDB
 *     Streams record</a>
 */
public final class StreamRecordJson {

  private static final ObjectMapper JSON = io.cdcrelay.decode.DynamoDbJson.plainMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private StreamRecordJson() {}

  /** The record as a source record of {@code shardId} of the stream {@code streamArn}. */
  public static SourceRecord toSourceRecord(Record record, String streamArn, String shardId) {
    StreamRecord dynamodb = record.dynamodb();
    if (dynamodb == null || dynamodb.sequenceNumber() == null) {
      // Without its position the record can be neither checkpointed nor skipped: stop, naming it.
      throw new IllegalStateException(
          "record "
              + record.eventID()
              + " of shard "
              + shardId
              + " has no dynamodb.SequenceNumber: the stream answered a record it cannot position");
    }
    Instant created =
        dynamodb.approximateCreationDateTime() == null
            ? Instant.EPOCH
            : dynamodb.approximateCreationDateTime();
    return new SourceRecord(shardId, dynamodb.sequenceNumber(), toJson(record, streamArn), created);
  }

  /** The record in the DynamoDB Streams wire format, UTF-8. */
  public static byte[] toJson(Record record, String streamArn) {
    try {
      return JSON.writeValueAsBytes(toNode(record, streamArn));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a DynamoDB Streams record as JSON", e);
    }
  }

  /** The record as a JSON tree, as in a Lambda DynamoDB event's {@code Records}. */
  public static ObjectNode toNode(Record record, String streamArn) {
    ObjectNode root = NODES.objectNode();
    putIfSet(root, "eventID", record.eventID());
    putIfSet(root, "eventName", record.eventNameAsString());
    putIfSet(root, "eventVersion", record.eventVersion());
    putIfSet(root, "eventSource", record.eventSource());
    putIfSet(root, "awsRegion", record.awsRegion());
    StreamRecord stream = record.dynamodb();
    if (stream != null) {
      ObjectNode dynamodb = root.putObject("dynamodb");
      Instant created = stream.approximateCreationDateTime();
      if (created != null) {
        // Exactly as given: AWS sends whole seconds, emulators a fraction; the decoder cuts it.
        dynamodb.put(
            "ApproximateCreationDateTime",
            BigDecimal.valueOf(created.getEpochSecond())
                .add(BigDecimal.valueOf(created.getNano(), 9))
                .stripTrailingZeros());
      }
      if (stream.hasKeys()) {
        dynamodb.set("Keys", item(stream.keys()));
      }
      if (stream.hasNewImage()) {
        dynamodb.set("NewImage", item(stream.newImage()));
      }
      if (stream.hasOldImage()) {
        dynamodb.set("OldImage", item(stream.oldImage()));
      }
      putIfSet(dynamodb, "SequenceNumber", stream.sequenceNumber());
      if (stream.sizeBytes() != null) {
        dynamodb.put("SizeBytes", stream.sizeBytes());
      }
      putIfSet(dynamodb, "StreamViewType", stream.streamViewTypeAsString());
    }
    Identity identity = record.userIdentity();
    if (identity != null) {
      ObjectNode user = root.putObject("userIdentity");
      putIfSet(user, "principalId", identity.principalId());
      putIfSet(user, "type", identity.type());
    }
    putIfSet(root, "eventSourceARN", streamArn);
    return root;
  }

  private static void putIfSet(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  /** An item in DynamoDB JSON. */
  public static ObjectNode item(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    item.forEach((name, value) -> node.set(name, value(value)));
    return node;
  }

  /** One typed value; a type this SDK does not know is written as {@code {}} (poison). */
  private static JsonNode value(AttributeValue value) {
    ObjectNode typed = NODES.objectNode();
    switch (value.type()) {
      case S -> typed.put("S", value.s());
      case N -> typed.put("N", value.n());
      case B -> typed.put("B", base64(value.b()));
      case BOOL -> typed.put("BOOL", value.bool());
      case NUL -> typed.put("NULL", true);
      case M -> typed.set("M", item(value.m()));
      case L -> {
        ArrayNode list = typed.putArray("L");
        value.l().forEach(element -> list.add(value(element)));
      }
      case SS -> value.ss().forEach(typed.putArray("SS")::add);
      case NS -> value.ns().forEach(typed.putArray("NS")::add);
      case BS -> {
        ArrayNode set = typed.putArray("BS");
        value.bs().forEach(bytes -> set.add(base64(bytes)));
      }
      default -> {
        // Unknown to this SDK version: left empty, which the decoder refuses with its path.
      }
    }
    return typed;
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
  }
}
