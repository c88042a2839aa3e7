package io.cdcrelay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.source.SourceType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Generates the sample Lambda Kinesis events of {@code events/}, each carrying "Kinesis Data
 * Streams for DynamoDB" change records of the table {@code demo}, deterministically.
 *
 * <p>All files share one timeline, in the order insert, modify, remove, batch, poison: sequence
 * numbers and creation times keep increasing from one file to the next, so invoking {@code
 * insert.json}, {@code modify.json} and {@code remove.json} in that order replays one item's life.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html">Lambda Kinesis
 *     events</a>
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html">Kinesis
 *     Data Streams for DynamoDB</a>
 */
public final class SampleEvents {

  static final String TABLE_NAME = "demo";
  static final String SHARD_ID = "shardId-000000000000";
  static final String FIRST_SEQUENCE_NUMBER =
      "49656709367126341276484543186423045812698406329470730242";

  private static final BigInteger SEQUENCE_NUMBER_STEP =
      new BigInteger("2564131663402632534000926720");
  private static final long FIRST_CREATED_MICROS = 1720740233012995L;
  private static final long CREATED_STEP_MICROS = 1_250_137L;
  private static final long ARRIVAL_DELAY_MILLIS = 37L;

  private static final String REGION = "us-east-1";
  private static final String ACCOUNT = "123456789012";
  private static final String STREAM_ARN =
      "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/cdc-stream";
  private static final String FUNCTION_ROLE_ARN =
      "arn:aws:iam::" + ACCOUNT + ":role/cdc-relay-function";

  private static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private SampleEvents() {}

  /** Returns file name to pretty-printed JSON text (ending with a newline) of every sample. */
  public static SortedMap<String, String> generate() {
    Timeline timeline = new Timeline();
    SortedMap<String, String> files = new TreeMap<>();
    ObjectNode foo = keys("foo", "2024-07-12T01:17:42");
    ObjectNode inserted = fooInserted(foo);
    ObjectNode modified = fooModified(inserted);

    files.put("insert.json", print(new Event(timeline).insert(foo, inserted)));
    files.put("modify.json", print(new Event(timeline).modify(foo, modified, inserted)));
    files.put("remove.json", print(new Event(timeline).remove(foo, modified)));
    files.put("batch.json", print(batch(timeline)));
    files.put("poison.json", print(poison(timeline)));
    return files;
  }

  static ObjectNode fooInserted(ObjectNode key) {
    ObjectNode item = key.deepCopy();
    item.set("name", s("K\u00fcche sensor"));
    item.set("count", n("7"));
    item.set("reading", n("42.42"));
    item.set("firmware", b(new byte[] {0x01, 0x02, 0x03, (byte) 0xff}));
    item.set("active", bool(true));
    item.set("note", nul());
    item.set(
        "location",
        m(
            "room", s("kitchen"),
            "floor", n("1"),
            "coordinates", m("lat", n("52.52"), "lon", n("13.405"))));
    item.set("readings", l(n("21.5"), n("21.7"), n("21.6")));
    item.set("tags", ss("indoor", "temperature"));
    item.set("thresholds", ns("10", "30.5"));
    item.set("checksums", bs(new byte[] {0x0a, 0x0b}, new byte[] {0x1c, 0x1d, 0x1e}));
    return item;
  }

  static ObjectNode fooModified(ObjectNode inserted) {
    ObjectNode item = inserted.deepCopy();
    item.set("count", n("8"));
    item.set("reading", n("43.1"));
    item.set("active", bool(false));
    item.set("readings", l(n("21.5"), n("21.7"), n("21.6"), n("22.0")));
    item.set("tags", ss("indoor", "temperature", "calibrated"));
    item.set("battery", n("87"));
    return item;
  }

  private static Event batch(Timeline timeline) {
    Event event = new Event(timeline);

    ObjectNode bar = keys("bar", "2024-07-12T01:18:03");
    ObjectNode barItem =
        with(
            bar,
            "temperature",
            n("21.5"),
            "meta.source",
            s("import"),
            "mixed",
            l(n("1"), s("a")),
            "tags",
            ss("outdoor"));
    event.insert(bar, barItem);

    ObjectNode baz = keys("baz", "2024-07-12T01:18:07");
    ObjectNode bazItem = with(baz, "temperature", n("19"), "humidity", n("55.5"));
    event.insert(baz, bazItem);

    ObjectNode qux = keys("qux", "2024-07-12T01:18:11");
    ObjectNode quxInserted = with(qux, "temperature", n("23.25"), "status", s("online"));
    event.insert(qux, quxInserted);

    ObjectNode quux = keys("quux", "2024-07-12T01:18:15");
    ObjectNode quuxItem = with(quux, "temperature", n("18.75"));
    event.insert(quux, quuxItem);

    ObjectNode quxModified =
        with(quxInserted, "temperature", n("23.5"), "status", s("degraded"), "alert", bool(true));
    event.modify(qux, quxModified, quxInserted);

    ObjectNode corge = keys("corge", "2024-07-12T01:18:22");
    ObjectNode corgeItem =
        with(
            corge, "temperature", n("-3.5"), "location", m("room", s("freezer"), "floor", n("-1")));
    event.insert(corge, corgeItem);

    event.remove(quux, quuxItem);

    ObjectNode grault = keys("grault", "2024-07-12T01:18:30");
    ObjectNode graultItem =
        with(grault, "temperature", n("20"), "readings", l(n("19.5"), n("20"), n("20.5")));
    event.insert(grault, graultItem);
    return event;
  }

  private static Event poison(Timeline timeline) {
    Event event = new Event(timeline);

    ObjectNode garply = keys("garply", "2024-07-12T01:19:01");
    ObjectNode garplyItem = with(garply, "temperature", n("22"));
    event.insert(garply, garplyItem);

    event.raw("this is not json".getBytes(StandardCharsets.UTF_8));

    ObjectNode s3 = JSON.createObjectNode();
    s3.put("eventVersion", "2.1");
    s3.put("eventSource", "aws:s3");
    s3.put("awsRegion", REGION);
    s3.put("eventTime", "2024-07-12T01:19:05.000Z");
    s3.put("eventName", "ObjectCreated:Put");
    ObjectNode object = s3.putObject("s3").put("s3SchemaVersion", "1.0");
    object.putObject("bucket").put("name", "cdc-demo-bucket");
    object.putObject("object").put("key", "exports/demo.json").put("size", 1024);
    event.raw(compact(s3).getBytes(StandardCharsets.UTF_8));

    ObjectNode waldo = keys("waldo", "2024-07-12T01:19:09");
    ObjectNode waldoItem = with(waldo, "temperature", n("22.5"));
    event.insert(waldo, waldoItem);
    return event;
  }

  /** The position and creation time of the next record, shared by all files. */
  private static final class Timeline {
    private int next;

    int advance() {
      return next++;
    }
  }

  /** One Lambda Kinesis event being built, record by record, from one shard. */
  private static final class Event {
    private final Timeline timeline;
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode records = root.putArray("Records");

    Event(Timeline timeline) {
      this.timeline = timeline;
    }

    Event insert(ObjectNode keys, ObjectNode newImage) {
      return change("INSERT", keys, newImage, null);
    }

    Event modify(ObjectNode keys, ObjectNode newImage, ObjectNode oldImage) {
      return change("MODIFY", keys, newImage, oldImage);
    }

    Event remove(ObjectNode keys, ObjectNode oldImage) {
      return change("REMOVE", keys, null, oldImage);
    }

    private Event change(String eventName, ObjectNode keys, ObjectNode newImage, ObjectNode old) {
      int position = timeline.advance();
      String sequenceNumber = sequenceNumber(position);
      ObjectNode change = JSON.createObjectNode();
      change.put("awsRegion", REGION);
      change.put(
          "eventID",
          UUID.nameUUIDFromBytes(
                  (TABLE_NAME + "/" + sequenceNumber).getBytes(StandardCharsets.UTF_8))
              .toString());
      change.put("eventName", eventName);
      change.putNull("userIdentity");
      change.put("recordFormat", "application/json");
      change.put("tableName", TABLE_NAME);
      ObjectNode dynamodb = change.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", createdMicros(position));
      dynamodb.put("ApproximateCreationDateTimePrecision", "MICROSECOND");
      int size = putImages(dynamodb, keys, newImage, old);
      dynamodb.put("SizeBytes", size);
      change.put("eventSource", "aws:dynamodb");
      add(position, md5(compact(keys)), compact(change).getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Event raw(byte[] data) {
      add(timeline.advance(), md5(new String(data, StandardCharsets.UTF_8)), data);
      return this;
    }

    private void add(int position, String partitionKey, byte[] data) {
      String sequenceNumber = sequenceNumber(position);
      long arrivalMillis = createdMicros(position) / 1000 + ARRIVAL_DELAY_MILLIS;
      ObjectNode record = records.addObject();
      ObjectNode kinesis = record.putObject("kinesis");
      kinesis.put("kinesisSchemaVersion", "1.0");
      kinesis.put("partitionKey", partitionKey);
      kinesis.put("sequenceNumber", sequenceNumber);
      kinesis.put("data", Base64.getEncoder().encodeToString(data));
      kinesis.set(
          "approximateArrivalTimestamp", DecimalNode.valueOf(BigDecimal.valueOf(arrivalMillis, 3)));
      record.put("eventSource", SourceType.KINESIS_DATA_STREAM.eventSource());
      record.put("eventVersion", "1.0");
      record.put("eventID", SHARD_ID + ":" + sequenceNumber);
      record.put("eventName", "aws:kinesis:record");
      record.put("invokeIdentityArn", FUNCTION_ROLE_ARN);
      record.put("awsRegion", REGION);
      record.put("eventSourceARN", STREAM_ARN);
    }
  }

  private static String sequenceNumber(int position) {
    return new BigInteger(FIRST_SEQUENCE_NUMBER)
        .add(SEQUENCE_NUMBER_STEP.multiply(BigInteger.valueOf(position)))
        .toString();
  }

  private static long createdMicros(int position) {
    return FIRST_CREATED_MICROS + CREATED_STEP_MICROS * position;
  }

  private static String print(Event event) {
    try {
      return PRETTY.writeValueAsString(event.root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print a sample event", e);
    }
  }

  static String compact(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a sample record", e);
    }
  }

  /** The uppercase hex MD5 of the text's UTF-8 bytes, like the partition keys DynamoDB uses. */
  private static String md5(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of()
          .withUpperCase()
          .formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /**
   * Puts a change's {@code Keys}, {@code NewImage} and {@code OldImage} (each when given) into its
   * {@code dynamodb} object, in that order; returns their size, as {@code SizeBytes} gives it.
   */
  static int putImages(ObjectNode dynamodb, ObjectNode keys, ObjectNode newImage, ObjectNode old) {
    dynamodb.set("Keys", keys.deepCopy());
    int size = itemSize(keys);
    if (newImage != null) {
      dynamodb.set("NewImage", newImage.deepCopy());
      size += itemSize(newImage);
    }
    if (old != null) {
      dynamodb.set("OldImage", old.deepCopy());
      size += itemSize(old);
    }
    return size;
  }

  /**
   * A copy of {@code item} (or of an item's keys) with the attributes set: names and typed values
   * in turn, as {@link #m} takes them.
   */
  static ObjectNode with(ObjectNode item, Object... namesAndValues) {
    ObjectNode copy = item.deepCopy();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      copy.set((String) namesAndValues[i], (JsonNode) namesAndValues[i + 1]);
    }
    return copy;
  }

  /** An approximation of DynamoDB's item size: attribute names plus their values. */
  static int itemSize(JsonNode item) {
    int size = 0;
    for (Map.Entry<String, JsonNode> attribute : item.properties()) {
      size += utf8Length(attribute.getKey()) + valueSize(attribute.getValue());
    }
    return size;
  }

  private static int valueSize(JsonNode typed) {
    Map.Entry<String, JsonNode> entry = typed.properties().iterator().next();
    JsonNode value = entry.getValue();
    int size = 0;
    switch (entry.getKey()) {
      case "S" -> size = utf8Length(value.textValue());
      case "N" -> size = numberSize(value.textValue());
      case "B" -> size = Base64.getDecoder().decode(value.textValue()).length;
      case "BOOL", "NULL" -> size = 1;
      case "M" -> size = 3 + value.size() + itemSize(value);
      case "L" -> {
        size = 3 + value.size();
        for (JsonNode element : value) {
          size += valueSize(element);
        }
      }
      case "SS" -> {
        for (JsonNode element : value) {
          size += utf8Length(element.textValue());
        }
      }
      case "NS" -> {
        for (JsonNode element : value) {
          size += numberSize(element.textValue());
        }
      }
      case "BS" -> {
        for (JsonNode element : value) {
          size += Base64.getDecoder().decode(element.textValue()).length;
        }
      }
      default -> throw new IllegalArgumentException("unknown DynamoDB type " + entry.getKey());
    }
    return size;
  }

  private static int numberSize(String number) {
    String digits = new BigDecimal(number).unscaledValue().abs().toString();
    return (digits.length() + 1) / 2 + 1;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  static ObjectNode keys(String device, String timestamp) {
    ObjectNode keys = JSON.createObjectNode();
    keys.set("device", s(device));
    keys.set("timestamp", s(timestamp));
    return keys;
  }

  static ObjectNode s(String value) {
    return JSON.createObjectNode().put("S", value);
  }

  static ObjectNode n(String value) {
    return JSON.createObjectNode().put("N", value);
  }

  static ObjectNode b(byte[] value) {
    return JSON.createObjectNode().put("B", Base64.getEncoder().encodeToString(value));
  }

  static ObjectNode bool(boolean value) {
    return JSON.createObjectNode().put("BOOL", value);
  }

  static ObjectNode nul() {
    return JSON.createObjectNode().put("NULL", true);
  }

  static ObjectNode m(Object... namesAndValues) {
    ObjectNode map = JSON.createObjectNode();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.set((String) namesAndValues[i], (JsonNode) namesAndValues[i + 1]);
    }
    ObjectNode typed = JSON.createObjectNode();
    typed.set("M", map);
    return typed;
  }

  static ObjectNode l(JsonNode... values) {
    ObjectNode typed = JSON.createObjectNode();
    typed.putArray("L").addAll(List.of(values));
    return typed;
  }

  static ObjectNode ss(String... values) {
    ObjectNode typed = JSON.createObjectNode();
    ArrayNode set = typed.putArray("SS");
    for (String value : values) {
      set.add(value);
    }
    return typed;
  }

  static ObjectNode ns(String... values) {
    ObjectNode typed = JSON.createObjectNode();
    ArrayNode set = typed.putArray("NS");
    for (String value : values) {
      set.add(value);
    }
    return typed;
  }

  static ObjectNode bs(byte[]... values) {
    ObjectNode typed = JSON.createObjectNode();
    ArrayNode set = typed.putArray("BS");
    for (byte[] value : values) {
      set.add(Base64.getEncoder().encodeToString(value));
    }
    return typed;
  }
}
