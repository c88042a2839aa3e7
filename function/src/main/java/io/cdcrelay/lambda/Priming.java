package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.plan.BatchPlan;
import io.cdcrelay.plan.BatchPlanner;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

/**
 * Priming: the part of a batch's work that needs no database — a record of every DynamoDB attribute
 * type decoded (from a Kinesis event for {@link KinesisRelayHandler}, from a DynamoDB Streams
 * event's JSON for {@link DynamoDbStreamsRelayHandler}), its row planned for CrateDB and for
 * PostgreSQL, its version encoded — done a few times while the function initialises, so that the
 * classes this loads and the code it warms are ready before the first batch: in the SnapStart
 * snapshot, or without SnapStart in the init phase rather than the first invoke. Nothing is written
 * anywhere.
 */
final class Priming {

  /** An INSERT of an item holding every DynamoDB attribute type (as in {@code events/}). */
  static final String RECORD =
      "{\"awsRegion\":\"us-east-1\",\"eventID\":\"priming\",\"eventName\":\"INSERT\","
          + "\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\"demo\","
          + "\"dynamodb\":{\"ApproximateCreationDateTime\":1720740233012995,"
          + "\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\","
          + "\"Keys\":{\"device\":{\"S\":\"foo\"},\"n\":{\"N\":\"7\"}},"
          + "\"NewImage\":{\"device\":{\"S\":\"foo\"},\"n\":{\"N\":\"7\"},"
          + "\"name\":{\"S\":\"Küche sensor\"},\"reading\":{\"N\":\"42.42\"},"
          + "\"firmware\":{\"B\":\"AQID/w==\"},\"active\":{\"BOOL\":true},\"note\":{\"NULL\":true},"
          + "\"location\":{\"M\":{\"room\":{\"S\":\"kitchen\"},\"floor\":{\"N\":\"1\"}}},"
          + "\"readings\":{\"L\":[{\"N\":\"21.5\"},{\"S\":\"x\"}]},"
          + "\"tags\":{\"SS\":[\"indoor\"]},\"thresholds\":{\"NS\":[\"10\",\"30.5\"]},"
          + "\"checksums\":{\"BS\":[\"Cgs=\"]}},\"SizeBytes\":266},"
          + "\"eventSource\":\"aws:dynamodb\"}";

  private static final int ROUNDS = 20;

  private Priming() {}

  /** Primes the Kinesis handler's batch path; returns the rows it planned (two a round). */
  static List<PlannedRow> prime() {
    KinesisEvent event = event();
    return prime(
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS),
        () -> KinesisEvents.toSourceRecords(event));
  }

  /**
   * Primes the DynamoDB Streams handler's batch path, from the event's JSON as Lambda sends it (the
   * same item as {@link #RECORD}); returns the rows it planned (two a round).
   */
  static List<PlannedRow> primeDynamoDbStreams() {
    byte[] event = dynamoDbStreamsEvent();
    return prime(
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS),
        () -> {
          try {
            return DynamoDbStreamsEvents.toSourceRecords(DynamoDbJson.parse(event));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static List<PlannedRow> prime(
      DynamoDbChangeDecoder decoder, Supplier<List<SourceRecord>> records) {
    List<PlannedRow> planned = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<Decoded> decoded = new ArrayList<>();
      for (SourceRecord record : records.get()) {
        decoded.add(decoder.decode(record));
      }
      Decoded.Ok ok = (Decoded.Ok) decoded.get(0);
      KeySchema keys = KeySchema.fromKeys(ok.change().keys());
      // CrateDB's mapping (strict names, type drift tracked), then PostgreSQL's.
      for (boolean crateDb : new boolean[] {true, false}) {
        BatchPlan plan =
            new BatchPlanner(
                    new ItemMapper(
                        crateDb, crateDb ? ItemMapper.CRATEDB_MAX_TEXT_BYTES : Integer.MAX_VALUE))
                .plan(decoded, keys, crateDb ? ColumnTypes.empty() : null);
        for (PlannedRow row : plan.rows()) {
          row.version().encode();
          planned.add(row);
        }
      }
    }
    return planned;
  }

  private static KinesisEvent event() {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setData(ByteBuffer.wrap(RECORD.getBytes(StandardCharsets.UTF_8)));
    kinesis.setSequenceNumber("49656709367126341276484543186423045812698406329470730242");
    kinesis.setPartitionKey("priming");
    kinesis.setApproximateArrivalTimestamp(new Date(1_720_740_233_049L));
    KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
    record.setKinesis(kinesis);
    record.setEventSource("aws:kinesis");
    record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/priming");
    KinesisEvent event = new KinesisEvent();
    event.setRecords(List.of(record));
    return event;
  }

  /** A Lambda DynamoDB Streams event of {@link #RECORD}'s change, as JSON. */
  private static byte[] dynamoDbStreamsEvent() {
    try {
      ObjectMapper json = DynamoDbJson.plainMapper();
      JsonNode change = DynamoDbJson.parse(RECORD.getBytes(StandardCharsets.UTF_8));
      ObjectNode record = json.createObjectNode();
      record.put("eventID", "priming");
      record.put("eventName", "INSERT");
      record.put("eventVersion", "1.1");
      record.put("eventSource", "aws:dynamodb");
      record.put("awsRegion", "us-east-1");
      ObjectNode dynamodb = record.putObject("dynamodb");
      dynamodb.put("ApproximateCreationDateTime", 1_720_740_233L);
      dynamodb.set("Keys", change.at("/dynamodb/Keys"));
      dynamodb.set("NewImage", change.at("/dynamodb/NewImage"));
      dynamodb.put("SequenceNumber", "4421584500000000017450439091");
      dynamodb.put("SizeBytes", 266);
      dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
      record.put(
          "eventSourceARN",
          "arn:aws:dynamodb:us-east-1:123456789012:table/demo/stream/2024-07-12T00:00:00.000");
      ObjectNode event = json.createObjectNode();
      event.putArray("Records").add(record);
      return json.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
