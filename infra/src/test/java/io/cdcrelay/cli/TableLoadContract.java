package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.FaultyDynamoDb;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The full load ({@code relay load dynamodb://…}) against a DynamoDB emulator and a real database,
 * written once and run per emulator and database: every type, S/N/B keys, empty and one-item
 * tables, a multiple of the page size, parallel segments, a Scan fault mid-way, kill -9 and resume,
 * {@code --restart}, and {@code rcu} pacing where the emulator computes capacity.
 */
abstract class TableLoadContract extends DynamoDbTableTest {

  @Test
  void aQueryRightAfterTheLoadSeesEveryRow() throws Exception {
    // A count, not a key lookup: on CrateDB it sees only refreshed rows, and the load refreshes
    // its table once it is done (without that, a count a moment after a load of 300,000 items saw
    // 141,553 of 150,000 rows).
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "c", 300));

    Run run = run("load", dynamo.url(source, "segments=2"), target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    try (java.sql.Connection connection = database().connect();
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet count =
            statement.executeQuery("SELECT count(*) FROM " + table.quoted())) {
      assertThat(count.next()).isTrue();
      assertThat(count.getLong(1)).as("rows a query sees").isEqualTo(300);
    }
  }

  @Test
  void aTableCreatedAgainWithAnotherKeyTypeIsRefusedBeforeAnythingIsWritten() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, List.of(Map.of("id", TestItems.s("5"))));
    Run first = run("load", dynamo.url(source, ""), target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    // The same name, a number key: its 5 would be the text 5 of the string key's row.
    dynamo.deleteTable(source);
    dynamo.createTable(source, "id:N", null);
    dynamo.put(source, List.of(Map.of("id", TestItems.n("5"))));

    Run again = run("load", dynamo.url(source, "segments=2"), target(), "--restart");

    assertThat(again.exitCode()).as(again.output()).isEqualTo(2);
    assertThat(again.output())
        .contains(
            "the target table "
                + table
                + " takes id keys of type S, the DynamoDB table "
                + source
                + " has id of type N; load it into a target table of its own")
        .doesNotContain("Exception");
    assertThat(TableRows.count(database(), table)).isEqualTo(1);
  }

  @Test
  void aTargetTableOfAnotherLayoutOrKeyIsRefusedAndLeftAsItWas() throws Exception {
    dynamo.createTable(source, "id:S", "ts:N");
    dynamo.put(source, List.of(Map.of("id", TestItems.s("a"), "ts", TestItems.n("1"))));
    TableName plain = new TableName(table.schema(), table.table() + "_plain");
    // The reference tool's layout (no column of the relay's own yet), keyed by id alone.
    TableName keyed = new TableName(table.schema(), table.table() + "_keyed");
    try (java.sql.Connection c = database().connect();
        java.sql.Statement statement = c.createStatement()) {
      statement.execute("CREATE TABLE " + plain.quoted() + " (id TEXT PRIMARY KEY, v INTEGER)");
      statement.execute(
          database().isCrateDb()
              ? "CREATE TABLE "
                  + keyed.quoted()
                  + " (pk OBJECT(STRICT) AS (id TEXT PRIMARY KEY), data OBJECT(DYNAMIC),"
                  + " aux OBJECT(IGNORED))"
              : "CREATE TABLE "
                  + keyed.quoted()
                  + " (pk JSONB PRIMARY KEY, data JSONB, aux JSONB)");
    }

    Run foreign = run("load", dynamo.url(source, ""), target(plain));
    assertThat(foreign.exitCode()).as(foreign.output()).isEqualTo(2);
    assertThat(foreign.output())
        .contains(
            "the target table "
                + plain
                + " is not of the relay's layout (columns pk, data, aux; it has id, v)")
        .contains("nothing was changed in it")
        .doesNotContain("Exception");
    assertThat(columnsOf(plain)).containsExactly("id", "v");

    if (database().isCrateDb()) {
      // PostgreSQL's pk is JSON: it names no key to compare.
      Run otherKey = run("load", dynamo.url(source, ""), target(keyed));
      assertThat(otherKey.exitCode()).as(otherKey.output()).isEqualTo(2);
      assertThat(otherKey.output()).contains("the target table " + keyed + " has the primary key");
      assertThat(columnsOf(keyed)).doesNotContain("cdc_version", "cdc_deleted");
    }
    // Neither bound nor begun: the cursors of a load are recorded once its table is ready.
    assertThat(targetsIn(StateSql.TABLES))
        .as("bound")
        .doesNotContain(plain.toString(), keyed.toString());
    assertThat(targetsIn(SnapshotCursors.TABLE))
        .as("loads begun")
        .doesNotContain(plain.toString(), keyed.toString());
  }

  /** The target tables named in the state table {@code stateTable}, if it exists. */
  private List<String> targetsIn(String stateTable) throws Exception {
    TableName state = new TableName(table.schema(), stateTable);
    List<String> targets = new ArrayList<>();
    if (TableRows.exists(database(), state)) {
      database().refresh(state);
      try (java.sql.Connection c = database().connect();
          java.sql.Statement statement = c.createStatement();
          java.sql.ResultSet rs =
              statement.executeQuery("SELECT target_table FROM " + state.quoted())) {
        while (rs.next()) {
          targets.add(rs.getString(1));
        }
      }
    }
    return targets;
  }

  private List<String> columnsOf(TableName of) throws Exception {
    return TableRows.columns(database(), of);
  }

  @Test
  void everyTypeIsLoadedAsTheStreamWouldWriteIt(@TempDir Path dir) throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    items.add(TestItems.everyType("id", TestItems.s("every")));
    items.addAll(TestItems.mixed("id", "m", 9));
    dynamo.put(source, items);
    Instant before = Instant.now();

    Run run = run("load", "table", dynamo.url(source, "batch-size=4"), "--target", target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(items, "id");
    assertThat(run.output())
        .contains("loaded " + source + " into " + table + ": 10 items in 1 segment (")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY);
    // Every row carries the snapshot version: the load's start less the clock-skew margin.
    for (TableRows.Row row : TableRows.read(database(), table).values()) {
      ChangeVersion version = ChangeVersion.decode(row.version());
      assertThat(version.sequenceNumber()).isEqualTo(ChangeVersion.LOWEST_SEQUENCE);
      assertThat(version.createdAt())
          .isBetween(before.minusSeconds(5), Instant.now().minusSeconds(5));
    }
    // The same items as a stream delivers them (an NDJSON dump of CDC records) give the same rows.
    TableName streamed = new TableName(table.schema(), table.table() + "_stream");
    Path dump = dir.resolve("cdc.ndjson");
    List<String> lines = new ArrayList<>();
    long micros = System.currentTimeMillis() * 1000;
    for (Map<String, AttributeValue> item : items) {
      lines.add(
          "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e\",\"eventName\":\"INSERT\","
              + "\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\""
              + source
              + "\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
              + micros++
              + ",\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\",\"Keys\":"
              + TestItems.dynamoDbJson(Map.of("id", item.get("id")))
              + ",\"NewImage\":"
              + TestItems.dynamoDbJson(item)
              + ",\"SizeBytes\":100},\"eventSource\":\"aws:dynamodb\"}");
    }
    Files.write(dump, lines);
    Run replay = run("load", dump.toString(), target(streamed));
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    Map<String, TableRows.Row> snapshotRows = TableRows.read(database(), table);
    Map<String, TableRows.Row> streamRows = TableRows.read(database(), streamed);
    assertThat(streamRows.keySet()).isEqualTo(snapshotRows.keySet());
    snapshotRows.forEach(
        (pk, row) -> {
          TableRows.Row other = streamRows.get(pk);
          assertThat(row.data()).as(pk).isEqualTo(other.data());
          assertThat(row.aux()).as(pk).isEqualTo(other.aux());
        });
  }

  @Test
  void numberAndBinaryKeysAndSortKeysAreLoaded() throws Exception {
    dynamo.createTable(source, "shop:N", "sku:S");
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      items.add(
          Map.of(
              "shop", TestItems.n(Integer.toString(i % 3 - 1)),
              "sku", TestItems.s("sku-" + i),
              "qty", TestItems.n(Integer.toString(i))));
    }
    dynamo.put(source, items);
    Run run = run("load", dynamo.url(source, "batch-size=5&segments=2"), target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(items, "shop", "sku");

    TableName binary = new TableName(table.schema(), table.table() + "_b");
    String binarySource = source + "-b";
    dynamo.createTable(binarySource, "key:B", null);
    List<Map<String, AttributeValue>> binaryItems = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      binaryItems.add(
          Map.of(
              "key", TestItems.b(new byte[] {(byte) i, (byte) 0xff}),
              "v", TestItems.s("v" + i)));
    }
    dynamo.put(binarySource, binaryItems);
    Run binaryRun = run("load", dynamo.url(binarySource, ""), target(binary));
    assertThat(binaryRun.exitCode()).as(binaryRun.output()).isZero();
    assertLoaded(binary, binaryItems, "key");
  }

  @Test
  void anEmptyTableGetsItsTargetTableFromDescribeTable() throws Exception {
    dynamo.createTable(source, "pk:S", "sk:N");
    Run run = run("load", dynamo.url(source, "segments=4"), target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(TableRows.count(database(), table)).isZero();
    assertThat(run.output())
        .contains("loaded " + source + " into " + table + ": 0 items in 4 segments (");
    // The table has the DynamoDB table's key: a stream's first change fits it.
    assertThat(columnsOf(table)).contains("pk", "data", "aux", "cdc_version");
  }

  @Test
  void oneItemAndAPageSizeThatDividesTheItemCountAreLoadedWhole() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> one = TestItems.mixed("id", "one", 1);
    dynamo.put(source, one);
    Run run = run("load", dynamo.url(source, ""), target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(one, "id");

    List<Map<String, AttributeValue>> thirty = TestItems.mixed("id", "t", 29);
    dynamo.put(source, thirty);
    Run again = run("load", dynamo.url(source, "batch-size=10"), target(), "--restart");
    assertThat(again.exitCode()).as(again.output()).isZero();
    List<Map<String, AttributeValue>> all = new ArrayList<>(one);
    all.addAll(thirty);
    assertLoaded(all, "id");
    assertThat(again.output()).contains(": 30 items");
  }

  @Test
  void fourAndEightSegmentsLoadEveryItemAndRecordEachSegment() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "seg", 300);
    dynamo.put(source, items);
    // Fewer segments last: a restart leaves no cursor of the run before it.
    for (int segments : new int[] {4, 8, 2}) {
      Run run =
          run(
              "load",
              dynamo.url(source, "batch-size=20&segments=" + segments),
              target(),
              "--restart");
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertLoaded(items, "id");
      Map<Integer, Long> cursors = cursors();
      assertThat(cursors.keySet()).containsExactlyInAnyOrderElementsOf(range(-1, segments));
      long sum = 0;
      for (int s = 0; s < segments; s++) {
        sum += cursors.get(s);
      }
      assertThat(sum).as("items of all segments").isEqualTo(300);
      assertThat(run.output())
          .contains("loaded " + source + " into " + table + ": 300 items")
          .contains(": 300 items in " + segments + " segments");
      Run status = run("status", target());
      assertThat(status.output())
          .contains(
              "  "
                  + source
                  + " -> "
                  + table
                  + ": complete, 300 items in "
                  + segments
                  + " segments, started");
    }
    // A cursor an earlier release left beyond the run's segments (it removed none on restart).
    TableName cursorTable = new TableName(table.schema(), SnapshotCursors.TABLE);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + cursorTable.quoted()
                    + " (\"source\", \"target_table\", \"segment\", \"total_segments\","
                    + " \"done\", \"items\", \"started_at\", \"updated_at\")"
                    + " SELECT \"source\", \"target_table\", 5, 8, true, 1000, \"started_at\","
                    + " \"updated_at\" FROM "
                    + cursorTable.quoted()
                    + " WHERE \"target_table\" = ? AND \"segment\" = 0")) {
      s.setString(1, table.toString());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    database().refresh(cursorTable);
    assertThat(run("status", target()).output())
        .contains("  " + source + " -> " + table + ": complete, 300 items in 2 segments, started");
    Run complete = run("load", dynamo.url(source, "batch-size=20&segments=2"), target());
    assertThat(complete.exitCode()).as(complete.output()).isZero();
    assertThat(complete.output()).contains("is complete (300 items); --restart loads it again");
  }

  @Test
  void aScanFaultMidWayFailsNamingEachSegmentAndTheSameCommandResumes() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "f", 120);
    dynamo.put(source, items);
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.failScansAfter(4);
      String url = dynamo.url(proxy.port(), source, "batch-size=10&segments=2");
      Run failed = run("load", url, target(), "--give-up-after", "2s");

      assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
      assertThat(proxy.failedScans()).isPositive();
      assertThat(failed.output())
          .contains("FAILED after")
          .containsPattern("segment 0: (failed|stopped), \\d+ items")
          .containsPattern("segment 1: (failed|stopped), \\d+ items")
          .contains(": failed, ")
          .contains("Internal server error (injected)")
          // In the words a stream relay gives up in: how long, the limit, the step.
          .containsPattern(
              "Gave up after \\d+ s of failures \\(--give-up-after 2 s\\): reading segment [01]");
      long loaded = TableRows.count(database(), table);
      assertThat(loaded).isBetween(1L, 119L);
      // Verify says why items are missing: the load recorded as begun and not complete.
      Run verify = run("verify", dynamo.url(source, ""), target());
      assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
      assertThat(verify.output())
          .contains("missing: " + (120 - loaded))
          .containsPattern(
              "  the load of \\S+ into "
                  + java.util.regex.Pattern.quote(table.toString())
                  + " \\(\\d of 2 segments done, \\d+ items, last written at [^)]+\\) is not"
                  + " complete: the items it has not reached yet are missing; run it again");

      proxy.heal();
      Run resumed = run("load", url, target());
      assertThat(resumed.exitCode()).as(resumed.output()).isZero();
      assertThat(resumed.output()).contains("resuming the load of " + source);
      assertLoaded(items, "id");
      assertThat(resumed.output()).contains(": 120 items");
    }
  }

  @Test
  void aLoadIntoATableDroppedSinceItsCursorsIsRefusedAndRestartLoadsItWhole() throws Exception {
    // Dropped to add shards, say: the cursors outlive the table, and a resume would read on from
    // them into an empty table, ending short of every row applied before, with exit 0.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "d", 60);
    dynamo.put(source, items);
    String message =
        "applied %s, but the table did not exist (dropped since?) and was created again empty:"
            + " load it anew with --restart";
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.failScansAfter(3);
      String url = dynamo.url(proxy.port(), source, "batch-size=10");
      Run failed = run("load", url, target(), "--give-up-after", "1s");
      assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
      long applied = TableRows.count(database(), table);
      assertThat(applied).isBetween(1L, 59L);
      proxy.heal();
      dropTarget();

      Run resumed = run("load", url, target());

      assertThat(resumed.exitCode()).as(resumed.output()).isEqualTo(2);
      assertThat(resumed.output())
          .contains("an earlier load of " + source + " into " + table + " begun at ")
          .contains(String.format(message, applied + " items"));
      assertThat(TableRows.count(database(), table)).isZero();
    }
    // A load that was complete, its table dropped: not "complete" over an empty table.
    assertThat(run("load", dynamo.url(source, ""), target(), "--restart").exitCode()).isZero();
    assertLoaded(items, "id");
    dropTarget();

    Run again = run("load", dynamo.url(source, ""), target());

    assertThat(again.exitCode()).as(again.output()).isEqualTo(2);
    assertThat(again.output()).contains(String.format(message, "60 items"));
    Run restarted = run("load", dynamo.url(source, ""), target(), "--restart");
    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertLoaded(items, "id");
  }

  @Test
  void aSegmentThatEndsEarlyRecordsEveryPageItApplied() throws Exception {
    // Cursors are written at most once a second while pages are applied: a segment that fails or
    // is stopped records what it applied before it ends, so a resume reads nothing twice.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "r", 120));
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.failScansAfter(6);
      String url = dynamo.url(proxy.port(), source, "batch-size=5&segments=2");
      Run failed = run("load", url, target(), "--give-up-after", "1s");
      assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
      long loaded = TableRows.count(database(), table);
      assertThat(loaded).isBetween(5L, 119L);
      assertThat(recorded()).as("items the cursors record: %s", failed.output()).isEqualTo(loaded);
    }
  }

  @Test
  void transientScanFaultsAreRetriedWithBackoff() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "t", 50);
    dynamo.put(source, items);
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.failNextScans(3);
      Run run = run("load", dynamo.url(proxy.port(), source, "batch-size=10"), target());
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.failedScans()).isEqualTo(3);
      assertThat(run.output()).contains("reading segment 0 failed, retrying in");
      assertLoaded(items, "id");
    }
  }

  @Test
  void afterKill9AtARandomMomentTheSameCommandResumesEverySegment() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "k", 800);
    dynamo.put(source, items);
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      // Each segment reads at most 40 items a second, so the cursors, written once a second, lag
      // the applied rows by some 160 items: killed at 400 recorded, the load is far from its end.
      proxy.delayScans(50);
      String url = dynamo.url(proxy.port(), source, "batch-size=2&segments=4");
      // A random moment: once the segments have recorded between 4 and 400 items.
      long moment = 4 + new Random().nextInt(397);
      try (RelayProcess relay = RelayProcess.start("load", url, target())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (recorded() < moment && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        relay.kill();
        assertThat(relay.output()).as("killed before the end").doesNotContain("loaded " + source);
      }
      long before = TableRows.count(database(), table);
      assertThat(before).as("killed after %d items", moment).isLessThan(800);
      // relay status shows the load, not "nothing ran": no stream relay wrote status rows here.
      Run stopped = run("status", target());
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
      assertThat(stopped.output())
          .contains(
              "No stream relay has recorded a batch into "
                  + table
                  + " in state schema "
                  + table.schema())
          .contains("Full loads:\n  " + source + " -> " + table + ": not complete, ")
          .contains(" of 4 segments done, last written ")
          .contains("the same relay load command resumes it");

      proxy.delayScans(0);
      Run resumed = run("load", url, target());
      assertThat(resumed.exitCode()).as(resumed.output()).isZero();
      assertThat(resumed.output()).contains("resuming the load of " + source);
      assertLoaded(items, "id");
      assertThat(resumed.output()).contains(": 800 items");
      Run complete = run("status", target());
      assertThat(complete.output())
          .contains(
              "  " + source + " -> " + table + ": complete, 800 items in 4 segments, started");
      Run json = run("status", target(), "--json");
      assertThat(json.exitCode()).as(json.output()).isZero();
      com.fasterxml.jackson.databind.JsonNode loads =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(json.output().substring(json.output().indexOf("{\n")))
              .get("loads");
      assertThat(loads).as(json.output()).hasSize(1);
      assertThat(loads.get(0).get("target_table").asText()).isEqualTo(table.toString());
      assertThat(loads.get(0).get("complete").asBoolean()).isTrue();
      assertThat(loads.get(0).get("items").asLong()).isEqualTo(800);
      assertThat(loads.get(0).get("segments_done").asInt()).isEqualTo(4);
    }
  }

  @Test
  void aSecondLoadOfTheSameTableIntoTheSameTargetIsRefusedWhileTheFirstRuns() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "c", 200);
    dynamo.put(source, items);
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.delayScans(200);
      String url = dynamo.url(proxy.port(), source, "batch-size=5&segments=2");
      try (RelayProcess first = RelayProcess.start("load", url, target())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (recorded() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(recorded()).as(first.output()).isGreaterThanOrEqualTo(2);

        Run second = run("load", url, target());

        assertThat(second.exitCode()).as(second.output()).isEqualTo(2);
        assertThat(second.output())
            .contains("another load (")
            .contains(") loads " + source + " into " + table + ", last seen ")
            .contains("nothing was loaded");
        first.terminate();
        assertThat(first.exitCode(60)).as(first.output()).isEqualTo(130);
      }
      // Stopped, it gave the lease up: the same command resumes at once.
      proxy.delayScans(0);
      Run resumed = run("load", url, target());
      assertThat(resumed.exitCode()).as(resumed.output()).isZero();
      assertThat(resumed.output()).contains("resuming the load of " + source);
      assertLoaded(items, "id");
    }
  }

  @Test
  void rcuPacesTheScanWithinItsBudget() throws Exception {
    assumeTheEmulatorComputesCapacity("pacing is measured");
    // Some 150 units, which unpaced take well under a second.
    List<Map<String, AttributeValue>> items = putItemsOfFourKilobytes("r", 300);
    int rcu = 50;
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      long started = System.nanoTime();
      Run run =
          run(
              "load",
              dynamo.url(proxy.port(), source, "rcu=" + rcu + "&segments=2&batch-size=100"),
              target());
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertLoaded(items, "id");
      double consumed = proxy.consumedCapacity();
      assertThat(consumed).as("capacity the emulator says it served").isGreaterThan(100);
      // What the emulator served, over the whole load, is within the budget.
      assertThat(consumed / seconds)
          .as("%.1f units in %.2f s", consumed, seconds)
          .isLessThanOrEqualTo(rcu);
      assertThat(run.output())
          .containsPattern(
              "[0-9.]+ read capacity units consumed \\([0-9.]+ per second, budget 50\\)");
      assertThat(proxy.scansAskingForCapacity()).isEqualTo(proxy.scans());
      // The segments share the budget in turns: each reads before the other has finished (the
      // segment whose page came back with capacity to spare used to take it again and again).
      List<Integer> order = proxy.scanSegments();
      assertThat(order.indexOf(1))
          .as("segment 1's first request in %s", order)
          .isLessThan(order.lastIndexOf(0));
      assertThat(order.indexOf(0))
          .as("segment 0's first request in %s", order)
          .isLessThan(order.lastIndexOf(1));
    }
  }

  @Test
  void withoutABudgetTheLoadComputesItsCapacityAsDynamoDbReportsIt() throws Exception {
    assumeTheEmulatorComputesCapacity("what DynamoDB reports is compared");
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "c", 300);
    for (int i = 0; i < items.size(); i++) {
      items.get(i).put("blob", TestItems.s("z".repeat(i * 37 % 5000)));
    }
    dynamo.put(source, items);
    String options = "segments=2&batch-size=7";
    double computed;
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      Run run = run("load", dynamo.url(proxy.port(), source, options), target());
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertLoaded(items, "id");
      // DynamoDB was not asked for the capacity (it costs dynalite a tenth of its time per item).
      assertThat(proxy.scans()).isGreaterThan(40);
      assertThat(proxy.scansAskingForCapacity()).isZero();
      Matcher summary =
          Pattern.compile(
                  "about ([0-9.]+) read capacity units consumed \\(from the items' sizes\\)")
              .matcher(run.output());
      assertThat(summary.find()).as(run.output()).isTrue();
      computed = Double.parseDouble(summary.group(1));
    }
    // The same pages again, paced by a budget too large to slow them: DynamoDB reports them.
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      Run run =
          run(
              "load",
              dynamo.url(proxy.port(), source, options + "&rcu=1000000"),
              target(),
              "--restart");
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.scansAskingForCapacity()).isEqualTo(proxy.scans());
      // A page that read nothing (a segment's last, at times) costs a read on DynamoDB, nothing on
      // dynalite: half a unit more for each of the two segments at most.
      assertThat(computed - proxy.consumedCapacity())
          .as("computed %.1f, reported %.1f", computed, proxy.consumedCapacity())
          .isBetween(0.0, 1.0);
    }
  }

  @Test
  void badSourceOptionsAreRefusedBeforeAnythingIsRead() {
    Run run = run("load", dynamo.url(source, "segmants=4"), target());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("unknown option \"segmants\"").contains("\"segments\"");
    Run options = run("load", dynamo.url(source, ""), target(), "--table-options", "DROP TABLE x");
    assertThat(options.exitCode()).isEqualTo(2);
    assertThat(options.output()).contains("--table-options=DROP TABLE x is not CrateDB table");
  }
}
