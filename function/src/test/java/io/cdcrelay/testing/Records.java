package io.cdcrelay.testing;

import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds DynamoDB CDC records as "Kinesis Data Streams for DynamoDB" writes them. */
public final class Records {

  public static final String SHARD = "shardId-000000000000";
  private static final String SEQUENCE_BASE = "49656709367126341276484543186423045812698406329470";

  private Records() {}

  /** A record at position {@code n} of the shard, created at {@code micros}. */
  public static SourceRecord record(int n, String json) {
    return new SourceRecord(
        SHARD,
        sequenceNumber(n),
        json.getBytes(StandardCharsets.UTF_8),
        Instant.parse("2024-07-12T01:17:42Z").plusMillis(n));
  }

  /** A realistic 56-digit sequence number that grows with {@code n}. */
  public static String sequenceNumber(int n) {
    return SEQUENCE_BASE + String.format("%06d", n);
  }

  /** An INSERT or MODIFY of item {@code id} with the given attributes (DynamoDB JSON). */
  public static String upsert(String event, String id, long micros, String attributes) {
    String newImage =
        "{\"id\":{\"S\":\"" + id + "\"}" + (attributes.isEmpty() ? "" : "," + attributes) + "}";
    return envelope(event, id, micros, "\"NewImage\":" + newImage);
  }

  /** The same record as made by DynamoDB table {@code table}. */
  public static String inTable(String json, String table) {
    return json.replace("\"tableName\":\"demo\"", "\"tableName\":\"" + table + "\"");
  }

  /** A REMOVE of item {@code id} by DynamoDB's time to live, its old image holding {@code v}. */
  public static String expire(String id, long micros, String v) {
    return envelope(
            "REMOVE",
            id,
            micros,
            "\"OldImage\":{\"id\":{\"S\":\"" + id + "\"},\"v\":{\"S\":\"" + v + "\"}}")
        .replace(
            "\"userIdentity\":null",
            "\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}");
  }

  /** A REMOVE of item {@code id}. */
  public static String remove(String id, long micros) {
    return envelope("REMOVE", id, micros, "\"OldImage\":{\"id\":{\"S\":\"" + id + "\"}}");
  }

  private static String envelope(String event, String id, long micros, String images) {
    return "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e-"
        + id
        + "-"
        + micros
        + "\",\"eventName\":\""
        + event
        + "\",\"userIdentity\":null,\"recordFormat\":\"application/json\","
        + "\"tableName\":\"demo\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
        + micros
        + ",\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\","
        + "\"Keys\":{\"id\":{\"S\":\""
        + id
        + "\"}},"
        + images
        + ",\"SizeBytes\":42},\"eventSource\":\"aws:dynamodb\"}";
  }
}
