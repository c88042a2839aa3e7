package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.expire;
import static io.cdcrelay.testing.Records.inTable;
import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data model against a real database, written once and run per database: routing, versions,
 * delete modes, TTL expiries, the purge horizon and the state schema.
 */
abstract class DataModelContract {

  private static final AtomicInteger TABLES = new AtomicInteger();

  private String prefix;
  // Sequence numbers of their own, as the state schema's dead letters are shared by all tests.
  private int base;
  private final List<Relay> relays = new ArrayList<>();

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  @BeforeEach
  void setUp() {
    int n = TABLES.incrementAndGet();
    prefix = "dm_" + ProcessHandle.current().pid() + "_" + n;
    base = 10_000 * n;
  }

  @AfterEach
  void tearDown() {
    relays.forEach(Relay::close);
  }

  private TableName table(String name) {
    return new TableName(database().schema(), name);
  }

  private TargetUrl schemaOnlyUrl() {
    TargetUrl url = database().url(database().host(), database().port(), table(prefix + "_unused"));
    return new TargetUrl(url.jdbcUrl(), url.user(), url.password(), url.schema(), null);
  }

  private Relay relay(RelaySettings settings) {
    Relay relay =
        new Relay(
            new JdbcTarget(schemaOnlyUrl(), () -> null, Clock.systemUTC(), 30),
            settings,
            Clock.systemUTC());
    relays.add(relay);
    return relay;
  }

  private Relay single(String table, DeleteMode deletes) {
    return relay(RelaySettings.single(database().schema(), table).withDeletes(deletes));
  }

  private Relay schemaOnly() {
    return relay(
        new RelaySettings(
            new TableRoutes(database().schema(), null, Optional.empty(), Map.of(), Set.of()),
            DeleteMode.HARD,
            TtlPolicy.SAME,
            null,
            RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
            false));
  }

  private Map<String, JsonNode> live(String table) throws Exception {
    return TableRows.liveItems(database(), table(table));
  }

  private List<String> deadLetterStages(TableName deadLetters, int... sequence) throws Exception {
    database().refresh(deadLetters);
    List<String> stages = new ArrayList<>();
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"stage\", \"reason\" FROM "
                    + deadLetters.quoted()
                    + " WHERE \"sequence_number\" = ?")) {
      for (int n : sequence) {
        s.setString(1, sequenceNumber(base + n));
        try (ResultSet rs = s.executeQuery()) {
          stages.add(rs.next() ? rs.getString(1) + ": " + rs.getString(2) : null);
        }
      }
    }
    return stages;
  }

  private TableName stateDeadLetters() {
    return table("cdc_relay_dead_letters");
  }

  private SourceRecord rec(int n, String json) {
    return record(base + n, json);
  }

  private static List<SourceRecord> batch(SourceRecord... records) {
    return List.of(records);
  }

  @Test
  void theTableOptionsShapeEachTableTheRelayCreatesOnCrateDbAndAreRefusedOnPostgreSql()
      throws Exception {
    TableName target = table(prefix + "_shaped");
    Relay relay =
        relayWithTableOptions(target, "CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = 0)");
    List<SourceRecord> batch = batch(rec(1, upsert("INSERT", "a", 100, "")));
    if (!database().isCrateDb()) {
      assertThatThrownBy(() -> relay.apply(batch))
          .isInstanceOf(BadTargetException.class)
          .hasMessage(
              "the table options CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = 0)"
                  + " (CRATEDB_TABLE_OPTIONS, --table-options) are CrateDB's; the target is"
                  + " PostgreSQL: unset them");
      return;
    }
    assertThat(relay.apply(batch).succeeded()).isTrue();
    assertThat(TableRows.shards(database(), target)).isEqualTo(3);
    assertThat(live(target.table())).containsOnlyKeys("{\"id\":\"a\"}");
  }

  @Test
  void aTablePartitionedByItsKeyTakesUpsertsChangesAndDeletes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        database().isCrateDb(), "only CrateDB takes table options");
    TableName target = table(prefix + "_partitioned");
    // The relay's key is pk['id']: the only kind of column CrateDB partitions its tables by.
    Relay relay =
        relayWithTableOptions(
            target,
            "CLUSTERED INTO 2 SHARDS PARTITIONED BY (pk['id']) WITH (number_of_replicas = '0-1')");

    assertThat(
            relay
                .apply(
                    batch(
                        rec(1, upsert("INSERT", "a", 100, "\"n\":{\"N\":\"1\"}")),
                        rec(2, upsert("INSERT", "b", 101, "\"n\":{\"N\":\"2\"}"))))
                .succeeded())
        .isTrue();
    assertThat(
            relay
                .apply(
                    batch(
                        rec(3, upsert("MODIFY", "a", 102, "\"n\":{\"N\":\"3\"}")),
                        rec(4, remove("b", 103)),
                        rec(5, upsert("MODIFY", "a", 99, "\"n\":{\"N\":\"0\"}"))))
                .succeeded())
        .isTrue();

    assertThat(liveValues(target.table())).containsExactly(Map.entry("{\"id\":\"a\"}", "3"));
    assertThat(TableRows.partitions(database(), target)).as("a partition per item").isEqualTo(2);
  }

  @Test
  void tableOptionsCrateDbRefusesAreABadConfigurationNotAnOutage() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        database().isCrateDb(), "only CrateDB takes table options");
    TableName target = table(prefix + "_misshaped");
    Relay relay = relayWithTableOptions(target, "WITH (no_such_setting = 1)");

    assertThatThrownBy(() -> relay.apply(batch(rec(1, upsert("INSERT", "a", 100, "")))))
        .isInstanceOf(BadTargetException.class)
        .hasMessageStartingWith(
            "creating "
                + target
                + " with the table options WITH (no_such_setting = 1) (CRATEDB_TABLE_OPTIONS,"
                + " --table-options): ")
        .hasMessageContaining("no_such_setting");
  }

  /** A relay whose settings come from the environment, as the Lambda function's do. */
  private Relay relayWithTableOptions(TableName target, String clauses) {
    io.cdcrelay.lambda.FunctionConfig config =
        io.cdcrelay.lambda.FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL",
                database().userUrl(target),
                "CRATEDB_TABLE_OPTIONS",
                clauses));
    Relay relay =
        new Relay(
            config.openTarget(() -> null, Clock.systemUTC()), config.settings(), Clock.systemUTC());
    relays.add(relay);
    return relay;
  }

  @Test
  void twoDynamoDbTablesSharingAKeyLandInTwoTablesOfTheSchema() throws Exception {
    BatchResult result =
        schemaOnly()
            .apply(
                batch(
                    rec(
                        1,
                        inTable(
                            upsert("INSERT", "42", 100, "\"total\":{\"N\":\"10\"}"),
                            prefix + "-Orders")),
                    rec(
                        2,
                        inTable(
                            upsert("INSERT", "42", 101, "\"name\":{\"S\":\"Ann\"}"),
                            prefix + "-Users"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.tables()).hasSize(2);
    assertThat(live(prefix + "_orders").get("{\"id\":\"42\"}").get("total").asInt()).isEqualTo(10);
    assertThat(live(prefix + "_users").get("{\"id\":\"42\"}").get("name").asText())
        .isEqualTo("Ann");
  }

  @Test
  void aSingleTableIsBoundToItsFirstDynamoDbTableAndAnotherIsADeadLetter() throws Exception {
    String target = prefix + "_single";
    single(target, DeleteMode.HARD)
        .apply(
            batch(
                rec(
                    1,
                    inTable(upsert("INSERT", "42", 100, "\"total\":{\"N\":\"10\"}"), "orders"))));
    // Another process, later: the binding is in the state schema.
    BatchResult result =
        single(target, DeleteMode.HARD)
            .apply(
                batch(
                    rec(
                        2,
                        inTable(
                            upsert("INSERT", "42", 101, "\"name\":{\"S\":\"Ann\"}"), "users"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isEqualTo(1);
    JsonNode row = live(target).get("{\"id\":\"42\"}");
    assertThat(row.get("total").asInt()).isEqualTo(10);
    assertThat(row.has("name")).isFalse();
    assertThat(deadLetterStages(stateDeadLetters(), 2).get(0))
        .startsWith("route: ")
        .contains("\"users\"")
        .contains("\"orders\"");
  }

  @Test
  void theMapRoutesTheIncludeListSkipsAndCollidingNamesAreRefused() throws Exception {
    Relay relay =
        relay(
            new RelaySettings(
                new TableRoutes(
                    database().schema(),
                    null,
                    Optional.empty(),
                    Map.of("orders", new TableRoutes.QualifiedName(null, prefix + "_sales")),
                    Set.of("orders", prefix + "-x", prefix + ".X")),
                DeleteMode.HARD,
                TtlPolicy.SAME,
                null,
                RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
                false));
    BatchResult result =
        relay.apply(
            batch(
                rec(1, inTable(upsert("INSERT", "a", 100, ""), "orders")),
                rec(2, inTable(upsert("INSERT", "b", 101, ""), "audit")),
                rec(3, inTable(upsert("INSERT", "c", 102, ""), prefix + "-x")),
                rec(4, inTable(upsert("INSERT", "d", 103, ""), prefix + ".X"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.skipped()).isEqualTo(1);
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(live(prefix + "_sales")).containsOnlyKeys("{\"id\":\"a\"}");
    assertThat(live(prefix + "_x")).containsOnlyKeys("{\"id\":\"c\"}");
    assertThat(deadLetterStages(stateDeadLetters(), 2, 4))
        .satisfiesExactly(
            skipped -> assertThat(skipped).isNull(),
            collision -> assertThat(collision).startsWith("route: ").contains(prefix + "-x"));
  }

  @Test
  void hardDeletesRemoveTheRowAndKeepOrderingSafe() throws Exception {
    String target = prefix + "_hard";
    Relay relay = single(target, DeleteMode.HARD);
    relay.apply(
        batch(
            rec(1, upsert("INSERT", "a", 100, "")),
            rec(2, upsert("INSERT", "b", 100, "")),
            rec(3, remove("a", 200)),
            rec(4, remove("b", 200))));
    assertThat(TableRows.read(database(), table(target))).isEmpty();
    // Late older changes, a duplicate delete, and a re-insert.
    BatchResult late =
        relay.apply(
            batch(
                rec(5, upsert("INSERT", "a", 150, "\"v\":{\"S\":\"zombie\"}")),
                rec(6, remove("a", 200)),
                rec(7, upsert("MODIFY", "b", 199, "\"v\":{\"S\":\"stale\"}"))));
    assertThat(late.succeeded()).isTrue();
    assertThat(TableRows.read(database(), table(target))).isEmpty();
    relay.apply(batch(rec(8, upsert("INSERT", "b", 300, "\"v\":{\"S\":\"back\"}"))));
    assertThat(live(target).get("{\"id\":\"b\"}").get("v").asText()).isEqualTo("back");
    assertThat(TableRows.read(database(), table(target))).hasSize(1);
    assertThat(TableRows.tombstones(database(), table(target)))
        .containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
  }

  @Test
  void aDeletedItemWhoseKeyHoldsAQuoteStaysDeleted() throws Exception {
    String target = prefix + "_quote";
    Relay relay = single(target, DeleteMode.HARD);
    relay.apply(
        batch(rec(1, upsert("INSERT", "o'brien", 100, "")), rec(2, remove("o'brien", 200))));
    relay.apply(batch(rec(3, upsert("INSERT", "o'brien", 150, "\"v\":{\"S\":\"zombie\"}"))));
    assertThat(TableRows.read(database(), table(target))).isEmpty();
    assertThat(TableRows.tombstones(database(), table(target)))
        .containsOnlyKeys("{\"id\":\"o'brien\"}");
  }

  @Test
  void softDeletesKeepFlaggedRowsAndALiveView() throws Exception {
    String target = prefix + "_soft";
    Relay relay = single(target, DeleteMode.SOFT);
    relay.apply(
        batch(
            rec(1, upsert("INSERT", "a", 100, "")),
            rec(2, upsert("INSERT", "b", 100, "")),
            rec(3, remove("a", 200))));
    relay.apply(batch(rec(4, upsert("INSERT", "a", 150, "\"v\":{\"S\":\"zombie\"}"))));
    Map<String, TableRows.Row> rows = TableRows.read(database(), table(target));
    assertThat(rows).hasSize(2);
    assertThat(rows.get("{\"id\":\"a\"}").deleted()).isTrue();
    assertThat(countOf(table(target + "_live"))).isEqualTo(1);
  }

  @Test
  void aWriterWithAnotherDeleteModeIsRefused() throws Exception {
    String target = prefix + "_mode";
    single(target, DeleteMode.SOFT).apply(batch(rec(1, upsert("INSERT", "a", 100, ""))));
    Relay hard = single(target, DeleteMode.HARD);
    assertThatThrownBy(() -> hard.apply(batch(rec(2, upsert("INSERT", "b", 100, "")))))
        .isInstanceOf(BadTargetException.class)
        .hasMessageContaining("deletes=soft")
        .hasMessageContaining("CRATEDB_DELETES=soft");
  }

  @Test
  void shuffledAndDuplicatedReplayConvergesInBothModes() throws Exception {
    for (DeleteMode mode : DeleteMode.values()) {
      String target = prefix + "_replay_" + mode.label();
      Random random = new Random(42);
      Workload work = workload(random, 300, 40, 4);
      List<SourceRecord> workload = work.records();
      Map<String, String> expected = work.expected();
      List<SourceRecord> delivered = new ArrayList<>(workload);
      delivered.addAll(workload.subList(0, 100));
      Collections.shuffle(delivered, random);
      Relay relay = single(target, mode);
      for (int from = 0; from < delivered.size(); from += 37) {
        List<SourceRecord> slice = delivered.subList(from, Math.min(delivered.size(), from + 37));
        assertThat(relay.apply(slice).succeeded()).isTrue();
      }
      assertThat(liveValues(target)).as("mode %s", mode).isEqualTo(expected);
      if (mode == DeleteMode.HARD) {
        assertThat(TableRows.read(database(), table(target))).hasSize(expected.size());
      }
    }
  }

  @Test
  void concurrentWritersOfOneTableConvergeWithoutResurrection() throws Exception {
    String target = prefix + "_concurrent";
    Workload work = workload(new Random(7), 600, 30, 3);
    List<SourceRecord> workload = work.records();
    Map<String, String> expected = work.expected();
    // The first batch creates the table; then four writers apply interleaved batches at once.
    single(target, DeleteMode.HARD).apply(List.of(workload.get(0)));
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        List<SourceRecord> mine = new ArrayList<>();
        for (int i = w; i < workload.size(); i += writers) {
          mine.add(workload.get(i));
        }
        Collections.shuffle(mine, new Random(w));
        Relay relay = single(target, DeleteMode.HARD);
        running.add(
            pool.submit(
                () -> {
                  for (int from = 0; from < mine.size(); from += 10) {
                    List<SourceRecord> slice = mine.subList(from, Math.min(mine.size(), from + 10));
                    // A failed batch is retried whole, as Lambda and the local relay do
                    // (PostgreSQL may pick one of two writers as a deadlock victim).
                    BatchResult result = relay.apply(slice);
                    for (int retry = 0; !result.succeeded() && retry < 20; retry++) {
                      result = relay.apply(slice);
                    }
                    if (!result.succeeded()) {
                      throw new AssertionError(result.failure().orElse("failed"));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(liveValues(target)).isEqualTo(expected);
    assertThat(TableRows.read(database(), table(target))).hasSize(expected.size());
  }

  @Test
  void ttlExpiriesFollowTheirPolicyAndAreCountedApart() throws Exception {
    for (TtlPolicy policy : TtlPolicy.values()) {
      String target = prefix + "_ttl_" + policy.label();
      Relay relay = relay(RelaySettings.single(database().schema(), target).withTtl(policy));
      relay.apply(batch(rec(1, upsert("INSERT", "a", 100_000, "\"v\":{\"S\":\"x\"}"))));
      // 0.2 s after the epoch: CrateDB keeps timestamps to the millisecond.
      BatchResult result = relay.apply(batch(rec(2, expire("a", 200_000, "x"))));
      assertThat(result.succeeded()).isTrue();
      assertThat(result.expired()).as("policy %s", policy).isEqualTo(1);
      assertThat(result.deleted()).isZero();
      Map<String, JsonNode> live = live(target);
      if (policy == TtlPolicy.SAME) {
        assertThat(live).isEmpty();
      } else {
        assertThat(live.get("{\"id\":\"a\"}").get("v").asText()).isEqualTo("x");
      }
      if (policy == TtlPolicy.MARK) {
        database().refresh(table(target));
        try (Connection c = database().connect();
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery("SELECT \"cdc_expired_at\" FROM " + table(target).quoted())) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getTimestamp(1).toInstant())
              .isEqualTo(Instant.EPOCH.plus(200, ChronoUnit.MILLIS));
        }
      }
    }
  }

  @Test
  void aChangeOlderThanThePurgeHorizonIsRefusedUnlessForced() throws Exception {
    String target = prefix + "_purge";
    long day = Duration.ofDays(1).toNanos() / 1_000;
    long start = 400 * day;
    RelaySettings settings =
        new RelaySettings(
            TableRoutes.single(database().schema(), target),
            DeleteMode.HARD,
            TtlPolicy.SAME,
            null,
            Duration.ofDays(2),
            false);
    Relay relay = relay(settings);
    relay.apply(batch(rec(1, upsert("INSERT", "a", start, "")), rec(2, remove("a", start + 1))));
    assertThat(TableRows.tombstones(database(), table(target))).hasSize(1);
    // Changes three days later move the horizon past the tombstone, which is purged.
    relay.apply(batch(rec(3, upsert("INSERT", "b", start + 3 * day, ""))));
    assertThat(TableRows.tombstones(database(), table(target))).isEmpty();
    BatchResult late =
        relay.apply(batch(rec(4, upsert("INSERT", "a", start, "\"v\":{\"S\":\"zombie\"}"))));
    assertThat(late.succeeded()).isTrue();
    assertThat(late.deadLettered()).isEqualTo(1);
    assertThat(live(target)).containsOnlyKeys("{\"id\":\"b\"}");
    assertThat(deadLetterStages(table(target + "_dead_letters"), 4).get(0)).startsWith("too-old: ");
    Relay forced =
        relay(
            new RelaySettings(
                settings.routes(),
                DeleteMode.HARD,
                TtlPolicy.SAME,
                null,
                Duration.ofDays(2),
                true));
    assertThat(forced.apply(batch(rec(4, upsert("INSERT", "a", start, "")))).deadLettered())
        .isZero();
    assertThat(live(target)).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
  }

  @Test
  void rowsFlaggedDeletedByAnEarlierReleaseMoveToTombstonesOnFirstHardUse() throws Exception {
    String target = prefix + "_legacy";
    // What the previous release left: tombstone rows in the table, no state schema entry.
    Relay soft = single(target, DeleteMode.SOFT);
    soft.apply(
        batch(
            rec(1, upsert("INSERT", "a", 100, "")),
            rec(2, upsert("INSERT", "b", 100, "")),
            rec(3, remove("a", 200))));
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "DELETE FROM "
              + table("cdc_relay_tables").quoted()
              + " WHERE \"target_table\" = '"
              + table(target)
              + "'");
    }
    database().refresh(table("cdc_relay_tables"));
    Relay hard = single(target, DeleteMode.HARD);
    hard.apply(batch(rec(4, upsert("INSERT", "c", 100, ""))));
    assertThat(TableRows.read(database(), table(target)))
        .containsOnlyKeys("{\"id\":\"b\"}", "{\"id\":\"c\"}");
    assertThat(TableRows.tombstones(database(), table(target))).containsOnlyKeys("{\"id\":\"a\"}");
    hard.apply(batch(rec(5, upsert("INSERT", "a", 150, ""))));
    assertThat(live(target)).doesNotContainKey("{\"id\":\"a\"}");
  }

  /** Changes of random items in stream order, and the value {@code n} each item ends with. */
  private record Workload(List<SourceRecord> records, Map<String, String> expected) {}

  /**
   * {@code changes} changes of {@code keys} items, one in {@code deleteOneIn} a REMOVE, the others
   * a MODIFY setting {@code n} to the change's number; creation times grow with the number.
   */
  private Workload workload(Random random, int changes, int keys, int deleteOneIn) {
    List<SourceRecord> records = new ArrayList<>();
    Map<String, String> expected = new TreeMap<>();
    for (int n = 1; n <= changes; n++) {
      String id = "k" + random.nextInt(keys);
      if (random.nextInt(deleteOneIn) == 0) {
        records.add(rec(n, remove(id, 1_000 + n)));
        expected.remove("{\"id\":\"" + id + "\"}");
      } else {
        records.add(rec(n, upsert("MODIFY", id, 1_000 + n, "\"n\":{\"N\":\"" + n + "\"}")));
        expected.put("{\"id\":\"" + id + "\"}", Integer.toString(n));
      }
    }
    return new Workload(records, expected);
  }

  /** The value {@code n} of every live item of the table, by its pk JSON. */
  private Map<String, String> liveValues(String table) throws Exception {
    Map<String, String> values = new TreeMap<>();
    live(table)
        .forEach(
            (pk, item) ->
                values.put(pk, Integer.toString(item.get("n").decimalValue().intValue())));
    return values;
  }

  private long countOf(TableName table) throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted())) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
