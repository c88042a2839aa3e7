package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.snapshot.FaultyDynamoDb;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code relay verify} against a DynamoDB emulator and a real database, written once and run per
 * emulator and database: a loaded table is equal; seeded missing, extra, stale and type-changed
 * rows are found and {@code --repair} fixes them; a concurrent writer (its changes reaching the
 * target through the relay core, as the stream's would) causes no false difference; rows deleted in
 * {@code soft} mode count as absent.
 */
abstract class VerifyContract extends DynamoDbTableTest {

  private final AtomicLong micros = new AtomicLong(System.currentTimeMillis() * 1000);

  @Test
  void aLoadedTableIsEqual() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    items.add(TestItems.everyType("id", TestItems.s("every")));
    items.addAll(TestItems.mixed("id", "v", 40));
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, "segments=2"), target()).exitCode()).isZero();

    Run verify = run("verify", dynamo.url(source, "segments=3&batch-size=7"), target());

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output())
        .contains("verified " + source + " against " + table + ": 41 items, 41 rows: EQUAL")
        .contains("equal: 41")
        .contains("missing: 0")
        .contains("extra: 0")
        .contains("different: 0")
        .doesNotContain(io.cdcrelay.snapshot.DynamoDbEmulator.SECRET_KEY);
  }

  @Test
  void differencesOfATableOfTwoKeyColumnsAreReadAgainAFewLookupsAtATime() throws Exception {
    // 68 differences of a table keyed by a text and a number (fractions and numbers beyond 2^53),
    // read again together from both sides and each judged by its own key; the 60 missing keys come
    // first in key order, the rows of the changed and deleted items after them.
    dynamo.createTable(source, "pk:S", "sk:N");
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      items.add(
          Map.of(
              "pk", TestItems.s("p" + i % 4),
              "sk", TestItems.n(i % 2 == 0 ? Integer.toString(i) : i + ".5"),
              "v", TestItems.s("v" + i)));
    }
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    List<Map<String, AttributeValue>> added = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      added.add(
          Map.of(
              "pk", TestItems.s("a" + i % 7),
              "sk", TestItems.n(Long.toString(9_007_199_254_740_993L + i)),
              "v", TestItems.s("new" + i)));
    }
    dynamo.put(source, added);
    List<Map<String, AttributeValue>> changed = new ArrayList<>();
    for (int i = 10; i < 15; i++) {
      Map<String, AttributeValue> item = new HashMap<>(items.get(i));
      item.put("v", TestItems.s("changed"));
      changed.add(item);
    }
    dynamo.put(source, changed);
    for (int i = 20; i < 23; i++) {
      Map<String, AttributeValue> item = items.get(i);
      dynamo
          .client()
          .deleteItem(
              r -> r.tableName(source).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
    }

    Run verify = run("verify", dynamo.url(source, "segments=2"), target(), "--rechecks", "1");

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 97 items, 40 rows: DIFFERENT")
        .contains("equal: 32")
        .contains("missing: 60 (first: ")
        .contains("extra: 3 (first: ")
        .contains("different: 5 (first: ");

    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.output()).contains("repaired: 68").contains(": EQUAL");
  }

  @Test
  void differencesBeyondTheRecheckLimitAreCountedAsScannedAndARepairRunAgainFixesThem()
      throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>(TestItems.mixed("id", "l", 20));
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    // 12 items the target lacks and 3 rows of items gone: 15 differences, 5 read again.
    List<Map<String, AttributeValue>> added = TestItems.mixed("id", "m", 12);
    dynamo.put(source, added);
    for (int i = 0; i < 3; i++) {
      String id = "l" + i;
      dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s(id))));
    }

    Run verify =
        run(
            "verify",
            dynamo.url(source, "segments=1"),
            target(),
            "--rechecks",
            "1",
            "--recheck-limit",
            "5");

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 29 items, 20 rows: DIFFERENT")
        .contains("equal: 17")
        .contains("missing: 12 (first: ")
        .contains("extra: 3")
        .contains("different: 0")
        .contains("more than 5 differences (--recheck-limit): 10 of them are counted");

    Run partly =
        run("verify", dynamo.url(source, ""), target(), "--repair", "--recheck-limit", "5");
    assertThat(partly.exitCode()).as(partly.output()).isEqualTo(1);
    assertThat(partly.output()).contains("repaired: 5").contains("run verify --repair again");
    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.output()).contains("repaired: 10").contains(": EQUAL");

    Run bad = run("verify", dynamo.url(source, ""), target(), "--recheck-limit", "0");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("--recheck-limit=0 is out of range");
  }

  @Test
  void aTableOfLargeItemsIsVerifiedWithinAHeapSmallerThanItsRows() throws Exception {
    // 400 items of about 390 KB, 156 MB, verified by the relay as users run it with a heap of
    // 128 MB: the target's rows are read a bounded fetch at a time. (CrateDB sends every row of a
    // query at once, whatever the fetch size, once it selects the "aux" column where such long
    // texts are kept: a heap this size then runs out of memory.)
    dynamo.createTable(source, "id:S", null);
    String body = "x".repeat(390_000);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      items.add(Map.of("id", TestItems.s("large-" + i), "body", TestItems.s(body + i)));
    }
    dynamo.put(source, items);
    items.clear();
    assertThat(run("load", dynamo.url(source, "segments=4"), target()).exitCode()).isZero();

    try (RelayProcess verify =
        RelayProcess.withHeap("128m", "verify", dynamo.url(source, "segments=4"), target())) {
      assertThat(verify.exitCode(180)).as(verify.output()).isZero();
      assertThat(verify.output())
          .contains("verified " + source + " against " + table + ": 400 items, 400 rows: EQUAL");
    }
  }

  @Test
  void aVerifyStoppedBeforeTheEndReportsNothingAndExits130() throws Exception {
    // Stopped in the middle of its Scan, a verify must not go on to call the rows it never reached
    // equal (each read again by key, every one of them is) and report the table EQUAL.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "s", 60));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    try (io.cdcrelay.snapshot.FaultyDynamoDb proxy =
        new io.cdcrelay.snapshot.FaultyDynamoDb(dynamo.port())) {
      // 12 pages of 5 items, each held 250 ms: 3 s of Scan to stop it in.
      proxy.delayScans(250);
      try (RelayProcess verify =
          RelayProcess.start(
              "verify", dynamo.url(proxy.port(), source, "segments=1&batch-size=5"), target())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.scans() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(proxy.scans()).as(verify.output()).isGreaterThanOrEqualTo(2);
        verify.terminate();

        assertThat(verify.exitCode(60)).as(verify.output()).isEqualTo(130);
        assertThat(verify.output())
            .containsPattern(
                "verify was stopped while scanning "
                    + source
                    + ", after scanning \\d+ items: nothing is reported; run it again")
            .doesNotContain("EQUAL")
            .doesNotContain("verified " + source);
        assertThat(proxy.scans()).isLessThan(12);
      }
    }
  }

  @Test
  void aRepairThatARowsNewerVersionRefusesIsSaidNotRepairedAndWhy() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>(TestItems.mixed("id", "v", 3));
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    Map<String, AttributeValue> stale = new HashMap<>(items.get(1));
    stale.put("name", TestItems.s("renamed"));
    dynamo.put(source, List.of(stale));
    // The target row carries a version from the future (a clock ahead, a change still to come).
    String future =
        new io.cdcrelay.change.ChangeVersion((System.currentTimeMillis() + 86_400_000L) * 1000, "9")
            .encode();
    try (java.sql.Connection c = database().connect();
        java.sql.PreparedStatement update =
            c.prepareStatement("UPDATE " + table.quoted() + " SET cdc_version = ?")) {
      update.setString(1, future);
      assertThat(update.executeUpdate()).isEqualTo(3);
    }
    database().refresh(table);

    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");

    assertThat(repair.exitCode()).as(repair.output()).isEqualTo(1);
    assertThat(repair.output())
        .contains("different: 1 (first: {\"id\":\"v1\"})")
        .contains("not repaired: 1 (still different when read again: a row whose version is newer")
        .doesNotContain("  repaired:");
  }

  @Test
  void seededMissingExtraStaleAndTypeChangedRowsAreFoundAndRepairFixesThem() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>(TestItems.mixed("id", "r", 30));
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    // Changes made in DynamoDB that never reached the target: a new item (missing), a deleted one
    // (extra), an updated one (stale) and one whose attribute changed type (type-changed).
    Map<String, AttributeValue> added = TestItems.mixed("id", "new", 1).get(0);
    dynamo.put(source, List.of(added));
    dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s("r3"))));
    Map<String, AttributeValue> stale = new HashMap<>(items.get(5));
    stale.put("name", TestItems.s("renamed"));
    Map<String, AttributeValue> retyped = new HashMap<>(items.get(7));
    retyped.put("count", TestItems.s(retyped.get("count").n()));
    dynamo.put(source, List.of(stale, retyped));

    Run verify = run("verify", dynamo.url(source, "segments=2"), target(), "--rechecks", "1");

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 30 items, 30 rows: DIFFERENT")
        .contains("equal: 27")
        .contains("missing: 1 (first: {\"id\":\"new0\"})")
        .contains("extra: 1 (first: {\"id\":\"r3\"})")
        .contains("different: 2 (first: {\"id\":\"r5\"}, {\"id\":\"r7\"})");

    if (database().isCrateDb()) {
      // Rows become visible to queries only by a REFRESH now, as the repair's own.
      execute("ALTER TABLE " + table.quoted() + " SET (refresh_interval = 0)");
    }
    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isZero();
    assertThat(repair.output()).contains("repaired: 4").contains(": EQUAL");
    String name = database().isCrateDb() ? "data['name']" : "data->>'name'";
    assertThat(count("SELECT count(*) FROM " + table.quoted() + " WHERE " + name + " = 'renamed'"))
        .as("a query right after the repair sees the rewritten row")
        .isEqualTo(1);

    Run again = run("verify", dynamo.url(source, ""), target());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("equal: 30");
    List<Map<String, AttributeValue>> now = new ArrayList<>(items);
    now.removeIf(i -> List.of("r3", "r5", "r7").contains(i.get("id").s()));
    now.addAll(List.of(added, stale, retyped));
    assertLoaded(now, "id");
  }

  @Test
  void rowsOfANumberKeyStoredAsTextNoItemCanHaveAreExtraAndLeftByTheRepair() throws Exception {
    dynamo.createTable(source, "pk:S", "sk:N");
    dynamo.put(
        source,
        List.of(
            Map.of("pk", TestItems.s("p"), "sk", TestItems.n("9"), "v", TestItems.s("nine")),
            Map.of("pk", TestItems.s("p"), "sk", TestItems.n("12"), "v", TestItems.s("twelve"))));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    // Written by hand: "09" and "12.0" read as the keys 9 and 12, "abc" as no number at all.
    for (String sk : List.of("09", "12.0", "abc")) {
      execute(
          "INSERT INTO "
              + table.quoted()
              + " (\"pk\", \"data\", \"aux\", \"cdc_version\") VALUES ("
              + (database().isCrateDb()
                  ? "{\"pk\"='p', \"sk\"='" + sk + "'}, {}, {}"
                  : "'{\"pk\":\"p\",\"sk\":\"" + sk + "\"}'::jsonb, '{}'::jsonb, '{}'::jsonb")
              + ", '00017000000000000000011')");
    }
    database().refresh(table);

    Run verify = run("verify", dynamo.url(source, ""), target());

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 2 items, 5 rows: DIFFERENT")
        .contains("equal: 2")
        .contains("extra: 3 (first: ")
        .contains("\"sk\":\"09\"")
        .contains("  of the extra, 3 with a key the relay never writes");

    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isEqualTo(1);
    assertThat(repair.output())
        .contains("equal: 2")
        .contains("not repaired: 3 (the rows of a key no item can have, above)");
    assertThat(TableRows.count(database(), table)).as("rows left as they were").isEqualTo(5);
  }

  @Test
  void aConcurrentWriterCausesNoFalseDifference() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "c", 300);
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", target()));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger writes = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              Random random = new Random(1);
              Clock clock = Clock.systemUTC();
              try (Relay relay =
                  new Relay(config.openTarget(() -> null, clock), config.settings(), clock)) {
                while (writing.get()) {
                  Map<String, AttributeValue> item =
                      new HashMap<>(items.get(random.nextInt(items.size())));
                  item.put("count", TestItems.n(Integer.toString(writes.incrementAndGet())));
                  dynamo.put(source, List.of(item));
                  Thread.sleep(20);
                  BatchResult result = relay.apply(List.of(record("MODIFY", item)));
                  assertThat(result.succeeded()).isTrue();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "writer");
    writer.start();
    Run verify;
    int before;
    int during;
    try {
      // Verify starts once the writer is in full swing (its first writes open the connection).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (writes.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      before = writes.get();
      verify = run("verify", dynamo.url(source, "segments=2&batch-size=5"), target());
      during = writes.get() - before;
    } finally {
      writing.set(false);
      writer.join();
    }
    assertThat(before).as("writes before verify started").isGreaterThanOrEqualTo(3);
    assertThat(during).as("writes while verify ran").isGreaterThanOrEqualTo(2);
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": EQUAL").contains("equal: 300");
  }

  @Test
  void rowsDeletedInSoftModeCountAsAbsent() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "s", 10);
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target(), "--deletes", "soft").exitCode())
        .isZero();
    dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s("s4"))));
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of("CRATEDB_SQLALCHEMY_URL", target(), "CRATEDB_DELETES", "soft"));
    Clock clock = Clock.systemUTC();
    try (Relay relay = new Relay(config.openTarget(() -> null, clock), config.settings(), clock)) {
      assertThat(
              relay.apply(List.of(record("REMOVE", Map.of("id", TestItems.s("s4"))))).succeeded())
          .isTrue();
    }
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(10);

    Run verify = run("verify", dynamo.url(source, ""), target(), "--deletes", "soft");

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": 9 items, 9 rows: EQUAL");
  }

  @Test
  void rcuPacesTheScanWithinItsBudgetAndOnlyThenIsDynamoDbAskedForTheCapacity() throws Exception {
    assumeTheEmulatorComputesCapacity("pacing is measured");
    // Some 100 units, which unpaced take well under a second.
    putItemsOfFourKilobytes("p", 200);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    String options = "segments=2&batch-size=50";
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      Run unpaced = run("verify", dynamo.url(proxy.port(), source, options), target());
      assertThat(unpaced.exitCode()).as(unpaced.output()).isZero();
      assertThat(proxy.scans()).isGreaterThan(2);
      assertThat(proxy.scansAskingForCapacity()).isZero();
    }
    int rcu = 40;
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      long started = System.nanoTime();
      Run paced =
          run("verify", dynamo.url(proxy.port(), source, options + "&rcu=" + rcu), target());
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(paced.exitCode()).as(paced.output()).isZero();
      assertThat(paced.output()).contains(": 200 items, 200 rows: EQUAL");
      assertThat(proxy.scansAskingForCapacity()).isEqualTo(proxy.scans());
      double consumed = proxy.consumedCapacity();
      assertThat(consumed).as("capacity the emulator says it served").isGreaterThan(80);
      assertThat(consumed / seconds)
          .as("%.1f units in %.2f s", consumed, seconds)
          .isLessThanOrEqualTo(rcu);
    }
  }

  @Test
  void rowsOfExpiredItemsKeptByTheTtlPolicyAreExpectedExtras() throws Exception {
    Assumptions.assumeTrue(
        dynamo.supportsTimeToLive(), dynamo.name() + " has no time to live (DescribeTimeToLive)");
    dynamo.createTable(source, "id:S", null);
    dynamo
        .client()
        .updateTimeToLive(
            r ->
                r.tableName(source)
                    .timeToLiveSpecification(s -> s.enabled(true).attributeName("expires")));
    List<Map<String, AttributeValue>> items = new ArrayList<>(TestItems.mixed("id", "e", 5));
    items.forEach(i -> i.put("expires", TestItems.n("1700000000")));
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target(), "--ttl-deletes", "keep").exitCode())
        .isZero();
    // DynamoDB expires e2: the item leaves the table, the stream says so, the row is kept.
    dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s("e2"))));
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of("CRATEDB_SQLALCHEMY_URL", target(), "CRATEDB_TTL_DELETES", "keep"));
    Clock clock = Clock.systemUTC();
    String expiry =
        new String(record("REMOVE", items.get(2)).data(), StandardCharsets.UTF_8)
            .replace(
                "\"userIdentity\":null",
                "\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}");
    try (Relay relay = new Relay(config.openTarget(() -> null, clock), config.settings(), clock)) {
      BatchResult result =
          relay.apply(
              List.of(
                  new SourceRecord(
                      "shardId-000000000000",
                      "1",
                      expiry.getBytes(StandardCharsets.UTF_8),
                      Instant.now())));
      assertThat(result.expired()).isEqualTo(1);
    }
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(5);

    Run keep = run("verify", dynamo.url(source, ""), target(), "--ttl-deletes", "keep");
    assertThat(keep.exitCode()).as(keep.output()).isZero();
    assertThat(keep.output())
        .contains(": 4 items, 5 rows: EQUAL")
        .contains("expected extras (expired items the TTL policy keeps): 1");

    Run same = run("verify", dynamo.url(source, ""), target(), "--rechecks", "1");
    assertThat(same.exitCode()).as(same.output()).isEqualTo(1);
    assertThat(same.output()).contains("extra: 1 (first: {\"id\":\"e2\"})");

    // Without dynamodb:DescribeTimeToLive, the kept row would be an extra, and --repair would
    // delete it: refused before anything is read, the row left as it is.
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.denyDescribeTimeToLive();
      Run denied =
          run(
              "verify",
              dynamo.url(proxy.port(), source, ""),
              target(),
              "--ttl-deletes",
              "keep",
              "--repair");
      assertThat(denied.exitCode()).as(denied.output()).isEqualTo(2);
      assertThat(denied.output())
          .contains("Not verified: with --ttl-deletes keep")
          .contains("DescribeTimeToLive of " + source + " failed (AccessDeniedException)");
      assertThat(proxy.scans()).isZero();
    }
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(5);
  }

  @Test
  void aTargetTableThatDoesNotExistIsRefusedBeforeTheScan() throws Exception {
    // Never loaded (or a typo in its name): the whole Scan would only report every item missing.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "m", 20));

    Checked missing = verifyCountingScans(target());

    assertThat(missing.run().exitCode()).as(missing.run().output()).isEqualTo(2);
    assertThat(missing.run().output())
        .contains("Not verified: the target table " + table + " does not exist")
        .contains("load it first with `relay load dynamodb://…/" + source + " TARGET`")
        .doesNotContain("missing: 20");
    assertThat(missing.scans()).as("Scan requests").isZero();

    // An empty DynamoDB table too: its load creates the target table, so a missing one is still
    // a load not run or a wrong name, not an equal table.
    String empty = source + "-empty";
    dynamo.createTable(empty, "id:S", null);
    Run none = run("verify", dynamo.url(empty, ""), target());
    assertThat(none.exitCode()).as(none.output()).isEqualTo(2);
    assertThat(none.output()).contains("the target table " + table + " does not exist");
  }

  @Test
  void aTargetTableKeyedOtherwiseIsRefusedBeforeTheScanNamingBothKeySchemas() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "k", 5));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    // Another DynamoDB table, keyed by two attributes, verified against the table of the first.
    String other = source + "-other";
    dynamo.createTable(other, "pk:S", "sk:N");
    dynamo.put(
        other,
        List.of(Map.of("pk", TestItems.s("a"), "sk", TestItems.n("1"), "v", TestItems.s("x"))));

    Checked wrong = verifyCountingScans(other, target());

    assertThat(wrong.run().exitCode()).as(wrong.run().output()).isEqualTo(2);
    assertThat(wrong.run().output())
        .contains("Not verified: the target table " + table + " is keyed by ")
        .contains(database().isCrateDb() ? "[\"pk\"['id'] text]" : "[id (string)]")
        .contains("the DynamoDB table " + other + " by [pk (S), sk (N)]");
    assertThat(wrong.scans()).as("Scan requests").isZero();
  }

  @Test
  void aTargetTableBoundToAnotherDynamoDbTableIsRefusedBeforeTheScanAlsoWithRepair()
      throws Exception {
    // Keyed alike, so only the binding tells: its rows are the first table's items, and a repair
    // of the second's would be set aside as dead letters (route), not written.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "b", 5));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    String twin = source + "-twin";
    dynamo.createTable(twin, "id:S", null);
    dynamo.put(twin, TestItems.mixed("id", "t", 3));

    for (String[] options : new String[][] {{}, {"--repair"}}) {
      Checked wrong = verifyCountingScans(twin, target(), options);

      assertThat(wrong.run().exitCode()).as(wrong.run().output()).isEqualTo(2);
      assertThat(wrong.run().output())
          .contains(
              "Not verified: the target table "
                  + table
                  + " is bound to DynamoDB table \""
                  + source
                  + "\", not \""
                  + twin
                  + "\"; give it a target table of its own: --table, CRATEDB_TABLE_MAP or a"
                  + " schema-only target URL.");
      assertThat(wrong.scans()).as("Scan requests").isZero();
    }
    Run same = run("verify", dynamo.url(source, ""), target());
    assertThat(same.exitCode()).as(same.output()).isZero();
    assertThat(same.output()).contains(": 5 items, 5 rows: EQUAL");
  }

  @Test
  void aTargetTableKeyedByAnotherTypeIsRefusedBeforeTheScan() throws Exception {
    // A number key where the loaded table holds text keys (PostgreSQL: a row's JSON types); on
    // CrateDB a key column of text holds N keys too (their canonical text), so it is keyed by an
    // integer (the reference tool's layout for a number key) while DynamoDB's key is a string.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "t", 5));
    if (database().isCrateDb()) {
      execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" OBJECT(STRICT) AS (\"id\" BIGINT PRIMARY KEY), \"data\" OBJECT(DYNAMIC),"
              + " \"aux\" OBJECT(IGNORED), \"cdc_version\" TEXT, \"cdc_deleted\" BOOLEAN)");
    } else {
      String numbered = source + "-numbered";
      dynamo.createTable(numbered, "id:N", null);
      dynamo.put(numbered, List.of(Map.of("id", TestItems.n("7"), "v", TestItems.s("x"))));
      assertThat(run("load", dynamo.url(numbered, ""), target()).exitCode()).isZero();
    }

    Checked wrong = verifyCountingScans(target());

    assertThat(wrong.run().exitCode()).as(wrong.run().output()).isEqualTo(2);
    assertThat(wrong.run().output())
        .contains(
            "is keyed by " + (database().isCrateDb() ? "[\"pk\"['id'] bigint]" : "[id (number)"))
        .contains("the DynamoDB table " + source + " by [id (S)]");
    assertThat(wrong.scans()).as("Scan requests").isZero();
  }

  @Test
  void aTargetTableOfAnotherLayoutIsRefusedBeforeTheScan() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "l", 5));
    execute("CREATE TABLE " + table.quoted() + " (\"id\" TEXT PRIMARY KEY, \"v\" TEXT)");

    Checked wrong = verifyCountingScans(target());

    assertThat(wrong.run().exitCode()).as(wrong.run().output()).isEqualTo(2);
    assertThat(wrong.run().output())
        .contains(
            "the target table "
                + table
                + " is not a table of the relay's layout: it has no column \"pk\", \"data\","
                + " \"aux\" (its columns: \"id\", \"v\")");
    assertThat(wrong.scans()).as("Scan requests").isZero();
  }

  @Test
  void rowsWhoseSetsAreInAnotherOrderAreEqualAtOnceButAListInAnotherOrderIsNot() throws Exception {
    // The reference tool writes a set in a Python set's order: here each row's sets (nested in a
    // map and in a list of maps too) are written reversed, through the relay core, dated after
    // the load. One pass finds them equal, none read again, so a recheck limit of 1 costs nothing;
    // a list reversed the same way is a difference.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(
          Map.of(
              "id", TestItems.s("s" + i),
              "tags", AttributeValue.fromSs(List.of("alpha", "beta", "gamma" + i)),
              "nums", AttributeValue.fromNs(List.of("1", "2.5", Integer.toString(10 + i))),
              "inner",
                  AttributeValue.fromM(Map.of("set", AttributeValue.fromSs(List.of("x", "y" + i)))),
              "maps",
                  AttributeValue.fromL(
                      List.of(
                          AttributeValue.fromM(
                              Map.of("set", AttributeValue.fromNs(List.of("7", "8")))),
                          AttributeValue.fromM(Map.of("v", TestItems.s("w" + i)))))));
    }
    Map<String, AttributeValue> listed = new HashMap<>(items.get(0));
    listed.put("id", TestItems.s("list"));
    listed.put("order", AttributeValue.fromL(List.of(TestItems.s("a"), TestItems.s("b"))));
    items.add(listed);
    dynamo.put(source, items);
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", target()));
    Clock clock = Clock.systemUTC();
    try (Relay relay = new Relay(config.openTarget(() -> null, clock), config.settings(), clock)) {
      List<SourceRecord> reversed = new ArrayList<>();
      for (Map<String, AttributeValue> item : items) {
        Map<String, AttributeValue> row = reversedSets(item);
        if (row.containsKey("order")) {
          row.put("order", AttributeValue.fromL(reversed(item.get("order").l())));
        }
        reversed.add(record("MODIFY", row));
      }
      assertThat(relay.apply(reversed).succeeded()).isTrue();
    }

    Run verify =
        run("verify", dynamo.url(source, ""), target(), "--rechecks", "1", "--recheck-limit", "1");

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 7 items, 7 rows: DIFFERENT")
        .contains("equal: 6")
        .doesNotContain("equal when read again")
        .contains("different: 1 (first: {\"id\":\"list\"})");
  }

  @Test
  void setsTheReferenceToolLoadedInItsOwnOrderAreEqualInOnePass(@TempDir java.nio.file.Path dir)
      throws Exception {
    Assumptions.assumeTrue(database().isCrateDb(), "the reference tool writes only into CrateDB");
    // cratedb-toolkit 0.1.1 itself loads the table: it writes each set in the order of a Python
    // set (strings by their randomised hash), not DynamoDB's.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      items.add(
          Map.of(
              "id", TestItems.s("t" + i),
              "tags",
                  AttributeValue.fromSs(List.of("kiwi", "apple", "fig" + i, "banana", "cherry")),
              "nums", AttributeValue.fromNs(List.of("30", "1", "200", i + "5"))));
    }
    dynamo.put(source, items);
    java.nio.file.Path ctk =
        io.cdcrelay.tools.Tools.pythonVenv("ctk", io.cdcrelay.tools.Installs.REFERENCE_TOOL)
            .resolve("ctk");
    io.cdcrelay.tools.Command.Result loaded =
        io.cdcrelay.tools.Command.run(
            List.of(ctk.toString(), "load", dynamo.url(source, "")),
            dir,
            Map.of(
                "CRATEDB_CLUSTER_URL",
                "crate://crate@"
                    + database().host()
                    + ":4200/"
                    + table.schema()
                    + "/"
                    + table.table()),
            java.time.Duration.ofMinutes(5));
    assertThat(loaded.exitCode()).as(loaded.output()).isZero();
    database().refresh(table);

    Run verify =
        run("verify", dynamo.url(source, ""), target(), "--rechecks", "1", "--recheck-limit", "1");

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output())
        .contains(": 12 items, 12 rows: EQUAL")
        .contains("equal: 12")
        .doesNotContain("equal when read again");
  }

  /** The item with the elements of each of its sets reversed, at any depth. */
  private static Map<String, AttributeValue> reversedSets(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> reversed = new HashMap<>();
    item.forEach((name, value) -> reversed.put(name, reversedSets(value)));
    return reversed;
  }

  private static AttributeValue reversedSets(AttributeValue value) {
    if (value.hasSs()) {
      return AttributeValue.fromSs(reversed(value.ss()));
    } else if (value.hasNs()) {
      return AttributeValue.fromNs(reversed(value.ns()));
    } else if (value.hasM()) {
      return AttributeValue.fromM(reversedSets(value.m()));
    } else if (value.hasL()) {
      List<AttributeValue> elements = new ArrayList<>();
      value.l().forEach(v -> elements.add(reversedSets(v)));
      return AttributeValue.fromL(elements);
    }
    return value;
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  @Test
  void aTableTheReferenceToolLoadedIsVerifiedAsItIs() throws Exception {
    Assumptions.assumeTrue(database().isCrateDb(), "the reference tool writes only into CrateDB");
    dynamo.createTable(source, "id:S", null);
    dynamo.put(
        source,
        List.of(
            Map.of("id", TestItems.s("a"), "v", TestItems.s("x")),
            Map.of("id", TestItems.s("b"), "v", TestItems.s("y")),
            Map.of(
                "id",
                TestItems.s("c"),
                "mixed",
                AttributeValue.fromL(List.of(TestItems.n("1"), TestItems.s("a"))))));
    // Its table as cratedb-toolkit 0.1.1 creates and fills it: no column of this relay's own, and
    // a list of mixed types in aux as plain JSON.
    execute(
        "CREATE TABLE "
            + table.quoted()
            + " (\"pk\" OBJECT(STRICT) AS (\"id\" TEXT PRIMARY KEY), \"data\" OBJECT(DYNAMIC),"
            + " \"aux\" OBJECT(IGNORED))");
    execute(
        "INSERT INTO "
            + table.quoted()
            + " (\"pk\", \"data\", \"aux\") VALUES ({id = 'a'}, {id = 'a', v = 'x'}, {}),"
            + " ({id = 'b'}, {id = 'b', v = 'stale'}, {}),"
            + " ({id = 'c'}, {id = 'c'}, '{\"mixed\": [1.0, \"a\"]}'::OBJECT)");

    Run run = run("verify", dynamo.url(source, ""), target());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("equal: 2").contains("different: 1 (first: {\"id\":\"b\"}");
  }

  @Test
  void aTargetDatabaseThatCannotBeReachedFailsBeforeTheScanWithoutItsPassword() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "p", 5));
    int closed = io.cdcrelay.tools.MotoServer.freePort();
    String url = database().userUrl("127.0.0.1", closed, table);
    String password = "review-verify-pw";
    if (!url.contains("password=")) {
      url += "&password=" + password;
    }

    long started = System.nanoTime();
    Checked unreachable = verifyCountingScans(url);

    assertThat(unreachable.run().exitCode()).as(unreachable.run().output()).isEqualTo(1);
    assertThat(unreachable.run().output())
        .contains(
            "The target database failed: cannot connect to jdbc:postgresql://127.0.0.1:" + closed)
        .doesNotContain(password);
    assertThat(unreachable.scans()).as("Scan requests").isZero();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
  }

  @Test
  void aDynamoDbEndpointThatCannotBeReachedFailsAtOnceNamingIt() throws Exception {
    int closed = io.cdcrelay.tools.MotoServer.freePort();

    long started = System.nanoTime();
    Run unreachable = run("verify", dynamo.url(closed, source, ""), target());

    assertThat(unreachable.exitCode()).as(unreachable.output()).isEqualTo(1);
    assertThat(unreachable.output())
        .contains("cannot reach DynamoDB at http://127.0.0.1:" + closed + ": DescribeTable ")
        .contains("check the host and port of the dynamodb:// URL")
        .doesNotContain(io.cdcrelay.snapshot.DynamoDbEmulator.SECRET_KEY);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
  }

  /** A verify's run, and how many Scan requests reached DynamoDB meanwhile. */
  record Checked(Run run, int scans) {}

  /** Verifies this test's source table against {@code target}, counting its Scan requests. */
  private Checked verifyCountingScans(String target) throws Exception {
    return verifyCountingScans(source, target);
  }

  private Checked verifyCountingScans(String of, String target, String... options)
      throws Exception {
    try (io.cdcrelay.snapshot.FaultyDynamoDb proxy =
        new io.cdcrelay.snapshot.FaultyDynamoDb(dynamo.port())) {
      List<String> args =
          new ArrayList<>(List.of("verify", dynamo.url(proxy.port(), of, ""), target));
      args.addAll(List.of(options));
      Run run = run(args.toArray(String[]::new));
      return new Checked(run, proxy.scans());
    }
  }

  /** The number a query of the database under test gives, as a user's query would. */
  private long count(String sql) throws Exception {
    try (java.sql.Connection c = database().connect();
        java.sql.Statement statement = c.createStatement();
        java.sql.ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs a statement in the database under test. */
  void execute(String sql) throws Exception {
    try (java.sql.Connection c = database().connect();
        java.sql.Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A change as "Kinesis Data Streams for DynamoDB" carries it, created now. */
  private SourceRecord record(String event, Map<String, AttributeValue> item) {
    long created = Math.max(micros.incrementAndGet(), Instant.now().toEpochMilli() * 1000);
    micros.set(created);
    String image = event.equals("REMOVE") ? "\"OldImage\"" : "\"NewImage\"";
    String json =
        "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e"
            + created
            + "\",\"eventName\":\""
            + event
            + "\",\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\""
            + source
            + "\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
            + created
            + ",\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\",\"Keys\":"
            + TestItems.dynamoDbJson(Map.of("id", item.get("id")))
            + ","
            + image
            + ":"
            + TestItems.dynamoDbJson(item)
            + ",\"SizeBytes\":100},\"eventSource\":\"aws:dynamodb\"}";
    return new SourceRecord(
        "shardId-000000000000",
        Long.toString(created),
        json.getBytes(StandardCharsets.UTF_8),
        Instant.now());
  }
}
