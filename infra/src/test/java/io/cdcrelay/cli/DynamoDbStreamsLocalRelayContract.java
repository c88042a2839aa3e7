package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.dynamodbstreams.TableWorkload;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * {@code relay load table 'dynamodb+cdc://…'} from real writes to a moto table with a stream: the
 * target rows must equal the table's items read back with {@code Scan}, after a first run, after a
 * resumed run, and after a run killed with {@code kill -9}.
 */
abstract class DynamoDbStreamsLocalRelayContract {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static MotoServer moto;
  private static DynamoDbClient dynamoDb;

  private TableName target;
  private String table;

  abstract TargetDatabase database();

  static synchronized void startMoto() {
    if (moto != null) {
      return;
    }
    moto = MotoServer.start();
    dynamoDb = moto.client(DynamoDbClient.builder());
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      dynamoDb.close();
      moto.close();
      moto = null;
    }
  }

  @BeforeEach
  void setUp() {
    startMoto();
    int n = NAMES.incrementAndGet();
    table = "cli_" + ProcessHandle.current().pid() + "_" + n;
    target = new TableName(database().schema(), "ddbs_" + table);
  }

  private String source(String options) {
    return "dynamodb+cdc://testing:s%2Fecret@127.0.0.1:"
        + moto.port()
        + "/"
        + table
        + "?region=us-east-1&"
        + options;
  }

  @Test
  void onceRelaysRealWritesThenResumesAfterItsCheckpoint() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    TableWorkload workload = new TableWorkload(dynamoDb, table, 7L);
    workload.run(300);

    LocalRelayContract.Run first =
        LocalRelayContract.load(
            "load", "table", source("once=true&batch-size=50"), "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
    Map<String, String> checkpoints = checkpoints(streamArn);
    assertThat(checkpoints).hasSize(1);
    assertThat(first.output()).doesNotContain("s/ecret").doesNotContain("s%2Fecret");

    workload.run(150);
    LocalRelayContract.Run second = LocalRelayContract.load("load", source("once=true"), target());
    assertThat(second.exitCode()).as(second.output()).isZero();
    Map.Entry<String, String> checkpoint = checkpoints.entrySet().iterator().next();
    assertThat(second.output())
        .contains(
            "shard "
                + checkpoint.getKey()
                + ": reading from AFTER_SEQUENCE_NUMBER "
                + checkpoint.getValue());
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
    assertThat(checkpoints(streamArn).get(checkpoint.getKey())).isNotEqualTo(checkpoint.getValue());
  }

  @Test
  void afterKill9TheRelayResumesAndTheTableStillMatches() throws Exception {
    String streamArn =
        TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    new TableWorkload(dynamoDb, table, 99L).run(500);

    try (RelayProcess relay =
        RelayProcess.start("load", "table", source("batch-size=2"), "--target", target())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (checkpoints(streamArn).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      relay.kill();
      assertThat(checkpoints(streamArn)).as(relay.output()).hasSize(1);
    }
    assertThat(live()).as("killed mid-stream").isNotEqualTo(TableWorkload.scan(dynamoDb, table));

    LocalRelayContract.Run restart =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output()).contains("reading from AFTER_SEQUENCE_NUMBER");
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));
  }

  @Test
  void aTableCreatedAgainIsRelayedFromItsNewStreamsBeginningWhateverStartSays() throws Exception {
    // The table's stream replaced (created again here; a stream disabled and enabled again is a
    // new stream too): the new stream's ARN has no checkpoints, but it goes on from the old one,
    // so start=latest must not skip what was written to it before this run.
    String first = TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    new TableWorkload(dynamoDb, table, 11L).run(60);
    LocalRelayContract.Run before =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(before.exitCode()).as(before.output()).isZero();
    assertThat(live()).isEqualTo(TableWorkload.scan(dynamoDb, table));

    dynamoDb.deleteTable(r -> r.tableName(table));
    String second = TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
    assertThat(second).isNotEqualTo(first);
    new TableWorkload(dynamoDb, table, 12L).run(40);
    Map<String, com.fasterxml.jackson.databind.JsonNode> items =
        TableWorkload.scan(dynamoDb, table);
    assertThat(items).isNotEmpty();

    LocalRelayContract.Run after =
        LocalRelayContract.load(
            "load", "table", source("once=true&start=latest"), "--target", target());

    assertThat(after.exitCode()).as(after.output()).isZero();
    assertThat(after.output())
        .contains(second + " replaces " + first + ", relayed into this state schema before")
        .contains("reading from TRIM_HORIZON")
        .doesNotContain("reading from LATEST");
    assertThat(live()).as(after.output()).containsAllEntriesOf(items);
    assertThat(checkpoints(second)).isNotEmpty();

    // Its start is recorded: the next run resumes the new stream as any other.
    new TableWorkload(dynamoDb, table, 13L).run(20);
    LocalRelayContract.Run again =
        LocalRelayContract.load(
            "load", "table", source("once=true&start=latest"), "--target", target());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output())
        .contains("first run started at earliest, replacing " + first)
        .doesNotContain(" replaces ");
    assertThat(live()).containsAllEntriesOf(TableWorkload.scan(dynamoDb, table));
  }

  @Test
  void aTableWithoutAStreamIsRefusedNamingTheFix() {
    TableWorkload.createTable(dynamoDb, table, null);
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("the DynamoDB table \"" + table + "\" has no stream")
        .contains("relay provision 'dynamodb+cdc://…/" + table + "' --function FUNCTION");
  }

  @Test
  void aStreamWithoutNewImagesIsRefusedNamingTheFix() {
    TableWorkload.createTable(dynamoDb, table, StreamViewType.KEYS_ONLY);
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", "table", source("once=true"), "--target", target());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("has view type KEYS_ONLY, which carries no new images")
        .contains("relay provision");
  }

  private Map<String, com.fasterxml.jackson.databind.JsonNode> live() throws Exception {
    // The number key "sk" is text in a CrateDB table the relay creates: read it as a number.
    return TableWorkload.canonicalKeys(
        TableRows.liveItems(database(), target, java.util.Set.of("sk")));
  }

  /** The checkpoints of the stream, by shard. */
  private Map<String, String> checkpoints(String streamArn) throws Exception {
    TableName checkpoints = new TableName(target.schema(), "cdc_relay_shards");
    Map<String, String> result = new TreeMap<>();
    try (Connection c = database().connect()) {
      database().refresh(checkpoints);
      try (PreparedStatement s =
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
    } catch (java.sql.SQLException e) {
      // Before the relay's first checkpoint the table (on CrateDB even the schema) may not exist.
      String message = String.valueOf(e.getMessage());
      if (message.contains("cdc_relay_shards") || message.contains("Schema '" + target.schema())) {
        return result;
      }
      throw e;
    }
    return result;
  }

  private String target() {
    return database().userUrl(target);
  }
}
