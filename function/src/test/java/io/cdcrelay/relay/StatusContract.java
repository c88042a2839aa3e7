package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.TargetDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status table against a real database: each applied batch adds to its row per source, shard
 * and target table — position and times replaced, counts added up.
 */
abstract class StatusContract {

  private static final AtomicInteger TABLES = new AtomicInteger();

  private TableName table;
  private String stateSchema;

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  @BeforeEach
  void setUp() {
    int n = TABLES.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    table = new TableName(database().schema(), "status_" + pid + "_" + n);
    // A state schema of its own, so that the status table holds this test's rows only.
    stateSchema = database().schema() + "_st_" + pid + "_" + n;
  }

  private JdbcTarget target() {
    TargetUrl url = database().url(database().host(), database().port(), table);
    return new JdbcTarget(url, () -> null, Clock.systemUTC(), 30, stateSchema);
  }

  private BatchResult apply(String source, io.cdcrelay.change.SourceRecord... records) {
    try (Relay relay = relay()) {
      return relay.apply(List.of(records), source);
    }
  }

  private Relay relay() {
    RelaySettings settings =
        new RelaySettings(
            io.cdcrelay.route.TableRoutes.single(table.schema(), table.table()),
            io.cdcrelay.route.DeleteMode.HARD,
            io.cdcrelay.route.TtlPolicy.SAME,
            stateSchema,
            RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
            false);
    return new Relay(target(), settings, Clock.systemUTC());
  }

  private static Target.Status statusRow(String source, TableName table, int n) {
    Instant now = Instant.now();
    return new Target.Status(
        source,
        "shardId-000000000000",
        table,
        Long.toString(1000L + n),
        now,
        now,
        1,
        1,
        0,
        0,
        0,
        0,
        0);
  }

  /** Records {@code batches} batches, each with a status row of both tables in the order given. */
  private static Void addBatches(
      Target target, String source, int batches, TableName firstTable, TableName secondTable) {
    for (int n = 1; n <= batches; n++) {
      target.recordStatus(
          List.of(statusRow(source, firstTable, n), statusRow(source, secondTable, n)));
    }
    return null;
  }

  @Test
  void twoWritersAddingToTheSameRowsInOppositeOrdersLoseNoCount() throws Exception {
    // Two lanes of one shard, each batch holding two tables, given in opposite orders: on
    // PostgreSQL a batch locks the rows it updates one after the other, and the two deadlocked.
    String source = "arn:aws:kinesis:us-east-1:000000000000:stream/lanes";
    TableName a = new TableName(table.schema(), table.table() + "_a");
    TableName b = new TableName(table.schema(), table.table() + "_b");
    int batches = 150;
    java.util.concurrent.ExecutorService lanes =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try (JdbcTarget first = target();
        JdbcTarget second = target()) {
      first.recordStatus(List.of(statusRow(source, a, 0), statusRow(source, b, 0)));
      java.util.concurrent.Future<?> one =
          lanes.submit(() -> addBatches(first, source, batches, a, b));
      java.util.concurrent.Future<?> two =
          lanes.submit(() -> addBatches(second, source, batches, b, a));
      one.get();
      two.get();
      List<Target.Status> status = first.status();
      for (TableName name : List.of(a, b)) {
        assertThat(status)
            .filteredOn(s -> s.table().equals(name))
            .singleElement()
            .satisfies(s -> assertThat(s.received()).as("%s", name).isEqualTo(2L * batches + 1));
      }
    } finally {
      lanes.shutdownNow();
    }
  }

  @Test
  void eachBatchAddsItsCountsAndMovesThePositionOfItsSourceShardAndTable() throws Exception {
    Instant before = Instant.now();
    String stream = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";
    assertThat(
            apply(
                    stream,
                    record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, "")),
                    record(2, upsert("INSERT", "b", 1_720_000_001_000_000L, "")))
                .succeeded())
        .isTrue();
    assertThat(
            apply(
                    stream,
                    record(3, remove("a", 1_720_000_002_000_000L)),
                    record(4, upsert("INSERT", "c", 1_720_000_003_000_000L, "")))
                .succeeded())
        .isTrue();
    // Another source's batch is its own row.
    assertThat(
            apply("arn:other", record(5, upsert("INSERT", "d", 1_720_000_004_000_000L, "")))
                .succeeded())
        .isTrue();

    List<Target.Status> rows;
    try (JdbcTarget target = target()) {
      rows = target.status();
    }
    assertThat(rows).extracting(Target.Status::source).containsExactly(stream, "arn:other");
    Target.Status status = rows.get(0);
    assertThat(status.shardId()).isEqualTo("shardId-000000000000");
    assertThat(status.table()).isEqualTo(table);
    assertThat(status.lastSequenceNumber()).isEqualTo(sequenceNumber(4));
    assertThat(status.newestChangeAt()).isEqualTo(Instant.ofEpochSecond(1_720_000_003L));
    assertThat(status.appliedAt()).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(status.received()).isEqualTo(4);
    assertThat(status.upserted()).isEqualTo(3);
    assertThat(status.deleted()).isEqualTo(1);
    assertThat(status.lag()).isPositive();
    assertThat(rows.get(1).received()).isEqualTo(1);
  }

  /** Batches of one shard applied at once finish in any order: the position only moves on. */
  @Test
  void aBatchThatFinishesAfterALaterOneLeavesThePositionAtTheLaterOne() throws Exception {
    String stream = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";
    assertThat(
            apply(
                    stream,
                    record(7, upsert("INSERT", "b", 1_720_000_007_000_000L, "")),
                    record(8, upsert("INSERT", "c", 1_720_000_008_000_000L, "")))
                .succeeded())
        .isTrue();
    assertThat(
            apply(
                    stream,
                    record(5, upsert("INSERT", "a", 1_720_000_005_000_000L, "")),
                    record(6, upsert("INSERT", "d", 1_720_000_006_000_000L, "")))
                .succeeded())
        .isTrue();

    Target.Status status;
    try (JdbcTarget target = target()) {
      status = target.status().get(0);
    }
    assertThat(status.lastSequenceNumber()).isEqualTo(sequenceNumber(8));
    assertThat(status.newestChangeAt()).isEqualTo(Instant.ofEpochSecond(1_720_000_008L));
    assertThat(status.received()).isEqualTo(4);
  }

  @Test
  void aShuffledDuplicatedReplayCountsEachStaleChangeOnceInTheStatusTable() throws Exception {
    String stream = "arn:aws:kinesis:eu-central-1:123456789012:stream/replay";
    ShuffledReplay replay = new ShuffledReplay(7, 80, 8);
    long base = 1_720_000_000_000_000L;
    int stale = 0;
    int received = 0;
    try (Relay relay = relay()) {
      for (List<ShuffledReplay.Change> batch : replay.batches) {
        BatchResult result = relay.apply(ShuffledReplay.records(batch, base), stream);
        assertThat(result.succeeded()).isTrue();
        stale += result.stale();
        received += batch.size();
      }
    }

    assertThat(replay.stale).as("the replay has stale changes").isGreaterThan(5);
    assertThat(stale).isEqualTo(replay.stale);
    List<Target.Status> rows;
    try (JdbcTarget target = target()) {
      rows = target.status();
    }
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).stale()).isEqualTo(replay.stale);
    assertThat(rows.get(0).received()).isEqualTo(received);
    // The table holds each item's newest change, whatever order the changes came in.
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> live =
        io.cdcrelay.testing.TableRows.liveItems(database(), table);
    for (ShuffledReplay.Change newest : replay.newest.values()) {
      String pk = "{\"id\":\"" + newest.item() + "\"}";
      if (newest.delete()) {
        assertThat(live).doesNotContainKey(pk);
      } else {
        assertThat(live.get(pk).get("n").asInt()).as(pk).isEqualTo(newest.n());
      }
    }
  }
}
