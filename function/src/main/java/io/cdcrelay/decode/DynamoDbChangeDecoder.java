package io.cdcrelay.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SourceRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes the payload of a Kinesis record written by "Kinesis Data Streams for DynamoDB" into a
 * {@link Change}; anything else becomes a {@link Decoded.Poison} with the reason.
 *
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html">Kinesis
 *     Data Streams for DynamoDB</a>
 */
public final class DynamoDbChangeDecoder {

  private static final String EVENT_SOURCE = "aws:dynamodb";

  /** 9999-12-31T23:59:59.999999Z: a later creation time is not a time DynamoDB writes. */
  private static final BigDecimal LATEST_MICROS = BigDecimal.valueOf(253_402_300_799_999_999L);

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
    JsonNode root;
    try {
      root = DynamoDbJson.parse(record.data());
    } catch (JsonProcessingException e) {
      return poison(record, "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return poison(record, "unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return poison(record, "not a JSON object");
    }
    String eventSource = root.path("eventSource").asText(null);
    if (!EVENT_SOURCE.equals(eventSource)) {
      return poison(record, "eventSource is " + quote(eventSource) + ", expected \"aws:dynamodb\"");
    }
    String eventName = root.path("eventName").asText(null);
    Operation operation = Operation.fromEventName(eventName).orElse(null);
    if (operation == null) {
      return poison(
          record, "eventName is " + quote(eventName) + ", expected INSERT, MODIFY or REMOVE");
    }
    JsonNode dynamodb = root.path("dynamodb");
    if (!dynamodb.isObject()) {
      return poison(record, "no \"dynamodb\" object");
    }
    Map<String, AttributeValue> keys = DynamoDbJson.readItem(dynamodb.path("Keys"), "Keys");
    if (keys.isEmpty()) {
      return poison(record, "no key attributes in dynamodb.Keys");
    }
    Map<String, AttributeValue> newImage =
        DynamoDbJson.readItem(dynamodb.path("NewImage"), "NewImage");
    Map<String, AttributeValue> oldImage =
        DynamoDbJson.readItem(dynamodb.path("OldImage"), "OldImage");
    if (operation != Operation.REMOVE && newImage.isEmpty()) {
      // A stream view type without new images: the keys are all we know of the item.
      newImage = new LinkedHashMap<>(keys);
    }
    long createdMicros = createdMicros(dynamodb);
    boolean ttl = isTimeToLiveDeletion(root.path("userIdentity"));
    String tableName = root.path("tableName").asText("");
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
