package io.cdcrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic "Kinesis Data Streams for DynamoDB" change records for the benchmark: record {@code
 * i} changes item {@code i % items} (an INSERT on its first change, a MODIFY after, now and then a
 * REMOVE), in one of four item shapes of ~300–600 bytes, and is the same for the same seed on every
 * machine.
 */
public final class ChangeRecords {

  /** The first sequence number; record {@code i} has this plus {@code i}. */
  static final BigInteger FIRST_SEQUENCE_NUMBER =
      new BigInteger("49656709367126341276484543186423045812698406329470730242");

  private static final long FIRST_CREATED_MICROS = 1_720_740_233_012_995L;
  private static final int REMOVE_EVERY = 31;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = {
    "stream", "shard", "batch", "relay", "crate", "table", "order", "change", "record", "lambda",
    "kinesis", "item", "value", "delta", "north", "south", "amber", "cobalt", "lattice", "quartz"
  };
  private static final String[] CITIES = {"Berlin", "Dornbirn", "Lisbon", "Osaka", "Quito"};

  private final long seed;
  private final int items;
  private final String tableName;

  /**
   * @param seed what makes one set of records differ from another
   * @param items how many distinct items the records change
   * @param tableName the DynamoDB table the records come from
   */
  public ChangeRecords(long seed, int items, String tableName) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be at least 1: " + items);
    }
    this.seed = seed;
    this.items = items;
    this.tableName = tableName;
  }

  /** The same records for another DynamoDB table. */
  public ChangeRecords forTable(String table) {
    return new ChangeRecords(seed, items, table);
  }

  /** The key of the item that record {@code index} changes. */
  public String key(int index) {
    return String.format("item-%08d", index % items);
  }

  /** INSERT for an item's first change, REMOVE for every 31st later one, MODIFY otherwise. */
  public String eventName(int index) {
    if (index < items) {
      return "INSERT";
    }
    return index % REMOVE_EVERY == 0 ? "REMOVE" : "MODIFY";
  }

  /** The sequence number of record {@code index} in its shard (ascending with the index). */
  public String sequenceNumber(int index) {
    return FIRST_SEQUENCE_NUMBER.add(BigInteger.valueOf(index)).toString();
  }

  /** Record {@code index} as read from the first shard of a stream, arrival unknown. */
  public io.cdcrelay.change.SourceRecord sourceRecord(int index) {
    return new io.cdcrelay.change.SourceRecord(
        "shardId-000000000000", sequenceNumber(index), record(index), java.time.Instant.EPOCH);
  }

  /** The record's data: one JSON document, UTF-8. */
  public byte[] record(int index) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    String eventName = eventName(index);
    ObjectNode root = JSON.createObjectNode();
    root.put("awsRegion", "us-east-1");
    root.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
    root.put("eventName", eventName);
    root.putNull("userIdentity");
    root.put("recordFormat", "application/json");
    root.put("tableName", tableName);
    ObjectNode dynamodb = root.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", FIRST_CREATED_MICROS + 1000L * index);
    dynamodb.put("ApproximateCreationDateTimePrecision", "MICROSECOND");
    dynamodb.putObject("Keys").putObject("id").put("S", key(index));
    if (!"REMOVE".equals(eventName)) {
      ObjectNode image = dynamodb.putObject("NewImage");
      image.putObject("id").put("S", key(index));
      shape(index % items % 4, image, random);
    }
    dynamodb.put("SizeBytes", 60 + random.nextInt(400));
    root.put("eventSource", "aws:dynamodb");
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void shape(int shape, ObjectNode image, SplittableRandom random) {
    switch (shape) {
      case 0 -> {
        image.putObject("customer").put("S", words(random, 1 + random.nextInt(2)));
        image.putObject("total").put("N", random.nextInt(100_000) + "." + random.nextInt(10, 99));
        image.putObject("status").put("S", random.nextBoolean() ? "shipped" : "open");
        ArrayNode lines = image.putObject("lines").putArray("L");
        for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
          ObjectNode line = lines.addObject().putObject("M");
          line.putObject("sku").put("S", "SKU-" + random.nextInt(1_000_000));
          line.putObject("qty").put("N", Integer.toString(1 + random.nextInt(9)));
        }
      }
      case 1 -> {
        image.putObject("name").put("S", words(random, 1 + random.nextInt(2)));
        ArrayNode tags = image.putObject("tags").putArray("SS");
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
          tags.add(WORDS[(i * 7 + random.nextInt(3)) % WORDS.length] + i);
        }
        image.putObject("age").put("N", Integer.toString(18 + random.nextInt(70)));
        image
            .putObject("address")
            .putObject("M")
            .putObject("city")
            .put("S", CITIES[random.nextInt(CITIES.length)]);
        image.putObject("vip").put("BOOL", random.nextBoolean());
        image.putObject("note").put("NULL", true);
      }
      case 2 -> {
        image.putObject("device").put("S", "dev-" + random.nextInt(10_000));
        ArrayNode readings = image.putObject("readings").putArray("L");
        for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
          readings.addObject().put("N", random.nextInt(1000) + "." + random.nextInt(10));
        }
        image.putObject("unit").put("S", random.nextBoolean() ? "celsius" : "kelvin");
        image.putObject("ok").put("BOOL", random.nextBoolean());
      }
      default -> {
        image.putObject("title").put("S", words(random, 2));
        image.putObject("body").put("S", words(random, 1 + random.nextInt(12)));
        image.putObject("version").put("N", Integer.toString(1 + random.nextInt(50)));
        image
            .putObject("meta")
            .putObject("M")
            .putObject("lang")
            .put("S", random.nextBoolean() ? "en" : "de");
      }
    }
  }

  private static String words(SplittableRandom random, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        text.append(' ');
      }
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }
}
