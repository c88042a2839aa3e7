package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.dynamodbstreams.StreamRecordJson;
import io.cdcrelay.dynamodbstreams.TableWorkload;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * One table fed first by one source, then by the other — Kinesis Data Streams then DynamoDB
 * Streams, and the reverse — through {@code relay load table} for each source, from real writes on
 * moto. moto's DynamoDB stream carries the table's changes as written; moto has no Kinesis
 * streaming destination, so the test mirrors each of those changes as a "Kinesis Data Streams for
 * DynamoDB" record (its creation time in microseconds) onto a moto Kinesis stream, in a shuffled
 * order with duplicates, as Kinesis may deliver them.
 *
 * <p>The switching rule (README, Versions): a switch is a cutover at a second boundary, the old
 * source applying the changes up to the cutover second, the new one those after it. Re-deliveries
 * by the new source of changes the old one applied must not win: from a DynamoDB stream they never
 * can (a change's whole second is never above the microseconds of a later change); re-delivered
 * through Kinesis, an older change of an earlier second than the item's newest applied change must
 * lose, and one of a deleted item must not bring it back.
 */
abstract class SourceSwitchContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static MotoServer moto;
  private static DynamoDbClient dynamoDb;
  private static DynamoDbStreamsClient streams;
  private static KinesisClient kinesis;

  private TableName target;
  private String table;

  abstract TargetDatabase database();

  static synchronized void startMoto() {
    if (moto != null) {
      return;
    }
    moto = MotoServer.start();
    dynamoDb = moto.client(DynamoDbClient.builder());
    streams = moto.client(DynamoDbStreamsClient.builder());
    kinesis = moto.kinesis();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      dynamoDb.close();
      streams.close();
      kinesis.close();
      moto.close();
      moto = null;
    }
  }

  @BeforeEach
  void setUp() {
    startMoto();
    int n = NAMES.incrementAndGet();
    table = "switch_" + ProcessHandle.current().pid() + "_" + n;
    target = new TableName(database().schema(), table);
  }

  @Test
  void kinesisThenDynamoDbStreamsFromItsEarliestRecord() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    String kinesisStream = table + "-cdc";
    kinesis.createStream(r -> r.streamName(kinesisStream).shardCount(1));
    TableWorkload workload = new TableWorkload(dynamoDb, table, 11L);

    // Before the cutover: every change reaches the Kinesis stream, duplicated and reordered.
    workload.run(150);
    Map<String, JsonNode> beforeCutover = TableWorkload.scan(dynamoDb, table);
    Instant cutover = nextSecond();
    List<Record> before = records(streamArn);
    assertThat(before).isNotEmpty();
    putShuffledWithDuplicates(kinesisStream, before, 1L);
    load(kinesisUrl(kinesisStream));
    assertThat(live()).as("after the Kinesis source").isEqualTo(beforeCutover);

    // After the cutover second only the DynamoDB stream is read; started at its earliest record
    // it delivers again every change the Kinesis source applied, each older than or equal to it.
    workload.run(150);
    List<Record> all = records(streamArn);
    assertThat(created(all.get(all.size() - 1))).isAfter(cutover);
    assertThat(all.subList(0, before.size())).isEqualTo(before);
    load(tableUrl("start=earliest"));
    assertThat(live()).as("after the switch").isEqualTo(TableWorkload.scan(dynamoDb, table));
  }

  @Test
  void dynamoDbStreamsThenKinesisWithLateRedeliveries() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, table, 23L);

    // Two seconds of changes through the DynamoDB stream.
    workload.run(120);
    Instant second = nextSecond();
    workload.run(120);
    List<Record> first = records(streamArn);
    load(tableUrl("start=earliest"));
    Map<String, JsonNode> beforeCutover = TableWorkload.scan(dynamoDb, table);
    assertThat(live()).as("after the DynamoDB stream").isEqualTo(beforeCutover);

    // Cutover: the Kinesis stream carries the changes after it, shuffled and duplicated, and then,
    // late, the changes of the first second again: each is older than its item's newest change,
    // which the DynamoDB stream applied in a later second (or a delete, whose item stays gone).
    Instant cutover = nextSecond();
    String kinesisStream = table + "-cdc";
    kinesis.createStream(r -> r.streamName(kinesisStream).shardCount(1));
    workload.run(120);
    List<Record> all = records(streamArn);
    List<Record> after = all.subList(first.size(), all.size());
    assertThat(after).isNotEmpty().allMatch(r -> !created(r).isBefore(cutover));
    List<Record> firstSecond = first.stream().filter(r -> created(r).isBefore(second)).toList();
    Set<String> changedLater = keysChangedAtOrAfter(first, second);
    assertThat(firstSecond).anyMatch(r -> changedLater.contains(key(r)));
    putShuffledWithDuplicates(kinesisStream, after, 2L);
    putShuffledWithDuplicates(
        kinesisStream,
        firstSecond.stream().filter(r -> changedLater.contains(key(r))).toList(),
        3L);
    load(kinesisUrl(kinesisStream));
    assertThat(live()).as("after the switch").isEqualTo(TableWorkload.scan(dynamoDb, table));
  }

  /** Waits past the next whole second; returns it. Changes after the call are of later seconds. */
  private static Instant nextSecond() throws InterruptedException {
    Instant next = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Thread.sleep(Math.max(0, next.toEpochMilli() - System.currentTimeMillis()) + 50);
    return next;
  }

  /** Every record of the table's stream (moto: one shard that never closes), in stream order. */
  private static List<Record> records(String streamArn) {
    List<Record> records = new ArrayList<>();
    String shard =
        streams
            .describeStream(r -> r.streamArn(streamArn))
            .streamDescription()
            .shards()
            .get(0)
            .shardId();
    String iterator =
        streams
            .getShardIterator(
                r ->
                    r.streamArn(streamArn)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    while (iterator != null) {
      String current = iterator;
      GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(current).limit(1000));
      if (page.records().isEmpty()) {
        break;
      }
      records.addAll(page.records());
      iterator = page.nextShardIterator();
    }
    return records;
  }

  private static Instant created(Record record) {
    return record.dynamodb().approximateCreationDateTime();
  }

  private static String key(Record record) {
    return StreamRecordJson.item(record.dynamodb().keys()).toString();
  }

  private static Set<String> keysChangedAtOrAfter(List<Record> records, Instant at) {
    Set<String> keys = new java.util.HashSet<>();
    records.stream().filter(r -> !created(r).isBefore(at)).forEach(r -> keys.add(key(r)));
    return keys;
  }

  /**
   * Puts each change as the "Kinesis Data Streams for DynamoDB" record AWS would write for it, in a
   * seeded shuffle with every third record twice. Creation times are the write's, in microseconds,
   * kept strictly increasing in stream order so that Kinesis orders one item's changes as they were
   * made.
   */
  private void putShuffledWithDuplicates(String stream, List<Record> changes, long seed)
      throws Exception {
    Map<Record, Long> micros = new HashMap<>();
    long last = 0;
    for (Record change : changes) {
      Instant created = created(change);
      long us =
          Math.max(created.getEpochSecond() * 1_000_000L + created.getNano() / 1_000, last + 1);
      micros.put(change, us);
      last = us;
    }
    List<Record> order = new ArrayList<>(changes);
    for (int i = 0; i < changes.size(); i += 3) {
      order.add(changes.get(i));
    }
    Collections.shuffle(order, new Random(seed));
    for (Record change : order) {
      byte[] data = kinesisRecord(change, micros.get(change));
      kinesis.putRecord(
          r -> r.streamName(stream).partitionKey(key(change)).data(SdkBytes.fromByteArray(data)));
    }
  }

  private byte[] kinesisRecord(Record change, long micros) throws Exception {
    ObjectNode ddb = StreamRecordJson.toNode(change, "unused");
    ObjectNode record = JSON.createObjectNode();
    record.put("awsRegion", "us-east-1");
    record.put("eventID", change.eventID());
    record.put("eventName", change.eventNameAsString());
    record.putNull("userIdentity");
    record.put("recordFormat", "application/json");
    record.put("tableName", table);
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("ApproximateCreationDateTime", micros);
    dynamodb.put("ApproximateCreationDateTimePrecision", "MICROSECOND");
    for (String image : List.of("Keys", "NewImage", "OldImage", "SizeBytes")) {
      if (ddb.path("dynamodb").has(image)) {
        dynamodb.set(image, ddb.path("dynamodb").get(image));
      }
    }
    record.put("eventSource", "aws:dynamodb");
    return JSON.writeValueAsBytes(record);
  }

  private void load(String source) {
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", "table", source, "--target", target());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  private String tableUrl(String options) {
    return "dynamodb+cdc://testing:testing@127.0.0.1:"
        + moto.port()
        + "/"
        + table
        + "?region=us-east-1&once=true&"
        + options;
  }

  private static String kinesisUrl(String stream) {
    return "kinesis+dynamodb+cdc://testing:testing@127.0.0.1:"
        + moto.port()
        + "/"
        + stream
        + "?region=us-east-1&once=true&batch-size=40";
  }

  private Map<String, JsonNode> live() throws Exception {
    // The number key "sk" is text in a CrateDB table the relay creates: read it as a number.
    return TableWorkload.canonicalKeys(TableRows.liveItems(database(), target, Set.of("sk")));
  }

  private String target() {
    return database().userUrl(target);
  }
}
