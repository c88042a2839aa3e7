package io.cdcrelay.dynamodbstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.testing.TableRows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Real writes to a DynamoDB table (on moto): a random, seeded mix of puts, updates with {@code
 * UpdateExpression}, conditional writes, deletes and re-inserts of a small key pool, with items of
 * every DynamoDB type; and the table read back with {@code Scan} in the form {@link TableRows}
 * rebuilds target rows in.
 */
public final class TableWorkload {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Random random;
  private int writes;
  private int conditionalFailures;

  public TableWorkload(DynamoDbClient dynamoDb, String table, long seed) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.random = new Random(seed);
  }

  /** Creates the table (hash key {@code pk} S, range key {@code sk} N) with a stream. */
  public static String createTable(DynamoDbClient dynamoDb, String table, StreamViewType viewType) {
    return dynamoDb
        .createTable(
            t ->
                t.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                    .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .streamSpecification(
                        s -> {
                          if (viewType != null) {
                            s.streamEnabled(true).streamViewType(viewType);
                          } else {
                            s.streamEnabled(false);
                          }
                        }))
        .tableDescription()
        .latestStreamArn();
  }

  /** Runs {@code operations} random writes; returns how many changed the table. */
  public int run(int operations) {
    for (int i = 0; i < operations; i++) {
      Map<String, AttributeValue> key = randomKey();
      int kind = random.nextInt(100);
      try {
        if (kind < 25) {
          put(key);
        } else if (kind < 35) {
          dynamoDb.putItem(
              p ->
                  p.tableName(table)
                      .item(item(key))
                      .conditionExpression("attribute_not_exists(pk)"));
        } else if (kind < 55) {
          update(key);
        } else if (kind < 65) {
          dynamoDb.updateItem(
              u ->
                  u.tableName(table)
                      .key(key)
                      .updateExpression("SET #s = :s, #c = if_not_exists(#c, :zero) + :one")
                      .conditionExpression("attribute_exists(pk) AND #s <> :s")
                      .expressionAttributeNames(Map.of("#s", "status", "#c", "counter"))
                      .expressionAttributeValues(
                          Map.of(
                              ":s", s(random.nextBoolean() ? "active" : "paused"),
                              ":zero", n("0"),
                              ":one", n("1"))));
        } else if (kind < 82) {
          dynamoDb.deleteItem(d -> d.tableName(table).key(key));
        } else if (kind < 88) {
          dynamoDb.deleteItem(
              d ->
                  d.tableName(table)
                      .key(key)
                      .conditionExpression("attribute_exists(#s)")
                      .expressionAttributeNames(Map.of("#s", "status")));
        } else {
          // An update of a key that may be missing creates the item (an upsert).
          dynamoDb.updateItem(
              u ->
                  u.tableName(table)
                      .key(key)
                      .updateExpression("SET note = :n")
                      .expressionAttributeValues(Map.of(":n", s("upserted " + random.nextInt()))));
        }
        writes++;
      } catch (ConditionalCheckFailedException e) {
        conditionalFailures++;
      }
    }
    return writes;
  }

  public int conditionalFailures() {
    return conditionalFailures;
  }

  private void put(Map<String, AttributeValue> key) {
    dynamoDb.putItem(p -> p.tableName(table).item(item(key)));
  }

  private void update(Map<String, AttributeValue> key) {
    Map<String, String> names = new HashMap<>();
    names.put("#t", "tags");
    names.put("#h", "history");
    names.put("#r", "reading");
    names.put("#d", "meta.source");
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":r", number());
    values.put(":tag", AttributeValue.builder().ss("t" + random.nextInt(5)).build());
    values.put(":h", AttributeValue.builder().l(value(random.nextInt(10))).build());
    values.put(":empty", AttributeValue.builder().l(List.of()).build());
    values.put(":d", s("update " + random.nextInt(1000)));
    String remove = random.nextBoolean() ? " REMOVE flag, nested" : "";
    dynamoDb.updateItem(
        u ->
            u.tableName(table)
                .key(key)
                .updateExpression(
                    "SET #r = :r, #d = :d, #h = list_append(if_not_exists(#h, :empty), :h)"
                        + " ADD #t :tag"
                        + remove)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
  }

  private Map<String, AttributeValue> randomKey() {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    key.put("pk", s("user#" + random.nextInt(8)));
    key.put("sk", n(Integer.toString(random.nextInt(4))));
    return key;
  }

  private Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(key);
    int attributes = 1 + random.nextInt(8);
    for (int i = 0; i < attributes; i++) {
      int type = random.nextInt(10);
      item.put(attributeName(type), value(type));
    }
    item.put("status", s(random.nextBoolean() ? "active" : "new"));
    return item;
  }

  private String attributeName(int type) {
    String[] names = {
      "name",
      "reading",
      "blob",
      "flag",
      "nothing",
      "nested",
      "history",
      "tags",
      "levels",
      "digests",
      "meta.source",
      "sp ace",
      "ü"
    };
    return random.nextInt(4) == 0 ? names[10 + random.nextInt(3)] : names[type];
  }

  /** A value of one of the ten types: S, N, B, BOOL, NULL, M, L, SS, NS, BS. */
  private AttributeValue value(int type) {
    return switch (type) {
      case 0 -> s(random.nextInt(5) == 0 ? "" : "K\u00fcche " + random.nextInt(100));
      case 1 -> number();
      case 2 -> bytes();
      case 3 -> AttributeValue.builder().bool(random.nextBoolean()).build();
      case 4 -> AttributeValue.builder().nul(true).build();
      case 5 ->
          AttributeValue.builder()
              .m(Map.of("room", s("r" + random.nextInt(3)), "depth", value(random.nextInt(5))))
              .build();
      case 6 ->
          AttributeValue.builder()
              .l(value(random.nextInt(5)), value(random.nextInt(5)), s("x"))
              .build();
      case 7 -> AttributeValue.builder().ss("a", "b" + random.nextInt(3)).build();
      case 8 -> AttributeValue.builder().ns("1", "2.5", "-" + (1 + random.nextInt(99))).build();
      default ->
          AttributeValue.builder()
              .bs(
                  SdkBytes.fromByteArray(new byte[] {1, (byte) random.nextInt(256)}),
                  SdkBytes.fromByteArray(new byte[] {(byte) 0xff}))
              .build();
    };
  }

  private AttributeValue number() {
    return switch (random.nextInt(5)) {
      case 0 -> n(Integer.toString(random.nextInt(1000) - 500));
      case 1 -> n(BigDecimal.valueOf(random.nextInt(100000), 3).toPlainString());
      // 38 significant digits: more than a double holds.
      case 2 -> n("1234567890123456789012345678901234567" + random.nextInt(10));
      case 3 -> n("0.000000000000000000000000000001" + random.nextInt(10));
      default -> n("-" + random.nextInt(100) + ".25");
    };
  }

  private AttributeValue bytes() {
    byte[] data = new byte[random.nextInt(6)];
    random.nextBytes(data);
    return AttributeValue.builder().b(SdkBytes.fromByteArray(data)).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static AttributeValue n(String value) {
    return AttributeValue.builder().n(value).build();
  }

  /** Every item of the table, by canonical pk JSON, in the plain form of {@link TableRows}. */
  public static Map<String, JsonNode> scan(DynamoDbClient dynamoDb, String table) throws Exception {
    Map<String, JsonNode> items = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page =
          dynamoDb.scan(s -> s.tableName(table).consistentRead(true).exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        var decoded = DynamoDbJson.readItem(StreamRecordJson.item(item), "Item");
        Map<String, Object> pk = new TreeMap<>();
        pk.put("pk", item.get("pk").s());
        pk.put("sk", new BigDecimal(item.get("sk").n()));
        items.put(JSON.writeValueAsString(pk), TableRows.plain(decoded));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return items;
  }

  /** Target rows keyed the same way as {@link #scan}. */
  public static Map<String, JsonNode> canonicalKeys(Map<String, JsonNode> rows) throws Exception {
    Map<String, JsonNode> canonical = new TreeMap<>();
    for (Map.Entry<String, JsonNode> row : rows.entrySet()) {
      JsonNode pk =
          new ObjectMapper()
              .enable(
                  com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
              .readTree(row.getKey());
      Map<String, Object> key = new TreeMap<>();
      key.put("pk", pk.get("pk").asText());
      // A number on PostgreSQL, its canonical decimal text on CrateDB.
      key.put("sk", new BigDecimal(pk.get("sk").asText()));
      canonical.put(JSON.writeValueAsString(key), row.getValue());
    }
    return canonical;
  }

  public static List<String> keysOf(Map<String, JsonNode> items) {
    return new ArrayList<>(items.keySet());
  }
}
