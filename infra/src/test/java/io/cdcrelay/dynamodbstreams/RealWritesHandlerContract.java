package io.cdcrelay.dynamodbstreams;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.lambda.DynamoDbStreamsRelayHandler;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * From real writes to the Lambda function: a random workload of writes to a moto table with a
 * stream, the stream's records read with the SDK and delivered to {@link
 * DynamoDbStreamsRelayHandler} as the {@code DynamodbEvent} batches an event source mapping builds
 * (through the Lambda runtime's own deserialiser), some batches delivered twice; then every target
 * row must equal the table's item read back with {@code Scan}: nothing missing, stale, resurrected
 * or extra.
 */
abstract class RealWritesHandlerContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger TABLES = new AtomicInteger();

  static MotoServer moto;
  static DynamoDbClient dynamoDb;
  static DynamoDbStreamsClient streams;

  abstract TargetDatabase database();

  /** Starts moto on first use, so that a skipped subclass starts nothing. */
  static synchronized void startMoto() {
    if (moto != null) {
      return;
    }
    moto = MotoServer.start();
    dynamoDb = moto.client(DynamoDbClient.builder());
    streams = moto.client(DynamoDbStreamsClient.builder());
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      dynamoDb.close();
      streams.close();
      moto.close();
      moto = null;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {14L, 20261201L})
  void targetRowsEqualTheTableAfterRandomRealWrites(long seed) throws Exception {
    startMoto();
    String tableName = "orders_" + seed + "_" + TABLES.incrementAndGet();
    String streamArn =
        TableWorkload.createTable(dynamoDb, tableName, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, tableName, seed);
    int writes = workload.run(400);
    assertThat(workload.conditionalFailures()).as("conditional writes refused").isPositive();

    List<ObjectNode> records = readStream(streamArn);
    assertThat(records).as("one stream record per write").hasSizeGreaterThanOrEqualTo(writes);

    TableName target =
        new TableName(
            database().schema(), "real_" + ProcessHandle.current().pid() + "_" + tableName);
    DynamoDbStreamsRelayHandler handler = handler(target);
    Random random = new Random(seed);
    List<ObjectNode> redelivered = new ArrayList<>();
    for (int from = 0; from < records.size(); ) {
      int to = Math.min(records.size(), from + 1 + random.nextInt(100));
      List<ObjectNode> batch = records.subList(from, to);
      assertThat(deliver(handler, batch).getBatchItemFailures()).isEmpty();
      if (random.nextInt(4) == 0) {
        // An event source mapping delivers a batch again after a failed invocation.
        redelivered.addAll(batch);
      }
      from = to;
    }
    // Late duplicates, out of order: nothing older may overwrite or resurrect anything.
    assertThat(deliver(handler, redelivered).getBatchItemFailures()).isEmpty();

    var expected = TableWorkload.scan(dynamoDb, tableName);
    // The number key "sk" is text in a CrateDB table the relay creates: read it back as a number.
    var actual = TableWorkload.canonicalKeys(TableRows.liveItems(database(), target, Set.of("sk")));
    assertThat(actual.keySet()).as("keys").isEqualTo(expected.keySet());
    assertThat(actual).isEqualTo(expected);
    assertThat(expected).as("the workload leaves items behind").hasSizeGreaterThan(5);
  }

  /** Every record of the stream, each shard from its start, as Lambda event records. */
  static List<ObjectNode> readStream(String streamArn) {
    List<ObjectNode> records = new ArrayList<>();
    for (Shard shard :
        streams.describeStream(d -> d.streamArn(streamArn)).streamDescription().shards()) {
      String iterator =
          streams
              .getShardIterator(
                  g ->
                      g.streamArn(streamArn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        var page = streams.getRecords(g -> g.shardIterator(current).limit(1000));
        for (Record record : page.records()) {
          records.add(StreamRecordJson.toNode(record, streamArn));
        }
        iterator = page.records().isEmpty() ? null : page.nextShardIterator();
      }
    }
    return records;
  }

  private StreamsEventResponse deliver(DynamoDbStreamsRelayHandler handler, List<ObjectNode> batch)
      throws Exception {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode array = event.putArray("Records");
    batch.forEach(array::add);
    DynamodbEvent parsed =
        LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
            .fromJson(JSON.writeValueAsString(event));
    return handler.handleRequest(parsed, null);
  }

  private DynamoDbStreamsRelayHandler handler(TableName table) {
    var url = database().url(database().host(), database().port(), table);
    String query = url.jdbcUrl().contains("?") ? "&" : "?";
    String target =
        url.jdbcUrl()
            + query
            + "table="
            + table.schema()
            + "."
            + table.table()
            + (url.user() == null ? "" : "&user=" + url.user())
            + (url.password() == null ? "" : "&password=" + url.password());
    return new DynamoDbStreamsRelayHandler(
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", target)),
        Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream()));
  }
}
