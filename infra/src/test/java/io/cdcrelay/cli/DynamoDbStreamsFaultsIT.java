package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.dynamodbstreams.FaultyDynamoDbStreams;
import io.cdcrelay.dynamodbstreams.TableWorkload;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * {@code relay load table 'dynamodb+cdc://…'} through {@link FaultyDynamoDbStreams} in front of
 * moto: a shard closed with a child (lineage), an expired iterator, and a checkpoint past the
 * stream's retention (trimmed). Each time the target must equal the table read back with Scan.
 */
class DynamoDbStreamsFaultsIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static MotoServer moto;
  private static DynamoDbClient dynamoDb;
  private static DynamoDbStreamsClient streams;

  private FaultyDynamoDbStreams proxy;
  private String table;
  private TableName target;

  @BeforeAll
  static void startMoto() {
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
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    proxy = new FaultyDynamoDbStreams(moto.port());
    table = "faults_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    target = new TableName(database().schema(), "ddbs_" + table);
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  private static TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Test
  void aClosedShardIsReadToItsEndBeforeItsChildStarts() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, table, 3L);
    workload.run(150);
    Shard shard = firstShard(streamArn);
    String splitAt = lastSequenceNumber(streamArn, shard.shardId());
    String child = "shardId-00000001720740299999-0abc1234";
    proxy.split(shard.shardId(), splitAt, child);
    workload.run(150);

    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", "table", source("once=true&batch-size=40"), "--target", target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
    Map<String, String> checkpoints = checkpoints(streamArn);
    assertThat(checkpoints).containsEntry(shard.shardId(), "SHARD_END").containsKey(child);
    assertThat(new java.math.BigInteger(checkpoints.get(child)))
        .isGreaterThan(new java.math.BigInteger(splitAt));
    // The child's first iterator is asked for only after the parent's last read.
    List<FaultyDynamoDbStreams.Call> calls = proxy.calls();
    int firstOfChild = -1;
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).action().equals("GetShardIterator")
          && calls.get(i).body().path("ShardId").asText().equals(child)) {
        firstOfChild = i;
        break;
      }
    }
    assertThat(firstOfChild).as("the child was read").isPositive();
    assertThat(run.output().indexOf("shard " + shard.shardId() + ": closed and read to its end"))
        .isPositive()
        .isLessThan(run.output().indexOf("shard " + child + ": reading from"));
  }

  @Test
  void aShardRemovedFromTheStreamCountsAsEndedAndItsChildIsRead() throws Exception {
    // Stopped for a day: the shard it was reading closed, its records passed the retention and
    // DynamoDB Streams removed it, although a listing a moment older still shows it.
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, table, 11L);
    workload.run(120);
    LocalRelayContract.Run first =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    Shard shard = firstShard(streamArn);
    String child = "shardId-00000001720740299999-0def5678";
    proxy.split(shard.shardId(), lastSequenceNumber(streamArn, shard.shardId()), child);
    workload.run(120);
    proxy.remove(shard.shardId());

    LocalRelayContract.Run second =
        LocalRelayContract.load(
            "load", "table", source("once=true&batch-size=40"), "--target", target());

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output())
        .contains("shard " + shard.shardId() + ": no longer in the stream")
        .contains("Shard does not exist");
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
    assertThat(checkpoints(streamArn))
        .containsEntry(shard.shardId(), "SHARD_END")
        .containsKey(child);
  }

  @Test
  void anExpiredIteratorIsRenewedAfterTheLastRecordRead() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    // More than one read of 1,000 records: the second read finds its iterator expired.
    new TableWorkload(dynamoDb, table, 5L).run(1_150);
    String shard = firstShard(streamArn).shardId();
    String thousandth = nthSequenceNumber(streamArn, shard, 1_000);
    proxy.expireIteratorAfter(1);

    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", "table", source("once=true&batch-size=500"), "--target", target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("iterator expired, renewing it after " + thousandth);
    assertThat(proxy.calls())
        .anySatisfy(
            call -> {
              assertThat(call.action()).isEqualTo("GetShardIterator");
              assertThat(call.body().path("ShardIteratorType").asText())
                  .isEqualTo("AFTER_SEQUENCE_NUMBER");
              assertThat(call.body().path("SequenceNumber").asText()).isEqualTo(thousandth);
            });
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
  }

  @Test
  void aCheckpointPastTheRetentionRestartsAtTheTrimHorizonAndSaysSo() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, table, 8L);
    workload.run(100);
    LocalRelayContract.Run first =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    workload.run(100);
    proxy.trimNextSequenceNumberIterator();

    LocalRelayContract.Run second =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("are past the stream's retention and lost");
    List<String> types = new ArrayList<>();
    for (FaultyDynamoDbStreams.Call call : proxy.calls()) {
      if (call.action().equals("GetShardIterator")) {
        types.add(call.body().path("ShardIteratorType").asText() + (call.faulted() ? "!" : ""));
      }
    }
    assertThat(types).containsSubsequence("AFTER_SEQUENCE_NUMBER!", "TRIM_HORIZON");
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
    assertThat(checkpoints(streamArn)).hasSize(1);
  }

  private String source(String options) {
    return "dynamodb+cdc://testing:testing@127.0.0.1:"
        + proxy.port()
        + "/"
        + table
        + "?region=us-east-1&"
        + options;
  }

  /** The stream's first shard, as DynamoDB Streams (through the proxy) describes it. */
  private static Shard firstShard(String streamArn) {
    return streams.describeStream(d -> d.streamArn(streamArn)).streamDescription().shards().get(0);
  }

  private static String lastSequenceNumber(String streamArn, String shardId) {
    List<String> all = sequenceNumbers(streamArn, shardId);
    return all.get(all.size() - 1);
  }

  private static String nthSequenceNumber(String streamArn, String shardId, int n) {
    return sequenceNumbers(streamArn, shardId).get(n - 1);
  }

  private static List<String> sequenceNumbers(String streamArn, String shardId) {
    List<String> sequenceNumbers = new ArrayList<>();
    String iterator =
        streams
            .getShardIterator(
                g ->
                    g.streamArn(streamArn)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    while (iterator != null) {
      String current = iterator;
      var page = streams.getRecords(g -> g.shardIterator(current).limit(1000));
      page.records().forEach(r -> sequenceNumbers.add(r.dynamodb().sequenceNumber()));
      iterator = page.records().isEmpty() ? null : page.nextShardIterator();
    }
    return sequenceNumbers;
  }

  private Map<String, com.fasterxml.jackson.databind.JsonNode> live() throws Exception {
    // The number key "sk" is text in a CrateDB table the relay creates: read it as a number.
    return TableWorkload.canonicalKeys(
        TableRows.liveItems(database(), target, java.util.Set.of("sk")));
  }

  private Map<String, String> checkpoints(String streamArn) throws Exception {
    TableName checkpoints = new TableName(target.schema(), "cdc_relay_shards");
    Map<String, String> result = new TreeMap<>();
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT shard_id, sequence_number FROM "
                    + checkpoints.quoted()
                    + " WHERE source = ? AND shard_id NOT LIKE ?")) {
      s.setString(1, streamArn);
      s.setString(2, "(%"); // not the relay's own rows, "(started)" and "(relay)"
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return result;
  }

  private String target() {
    return database().userUrl(target);
  }
}
