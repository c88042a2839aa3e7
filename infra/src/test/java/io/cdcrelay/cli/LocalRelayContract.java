package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.FaultyKinesis;
import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.local.Checkpoints;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.FaultyProxy;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The local relay ({@code relay load}) against the Kinesis API of an emulator and a real database,
 * written once and run per emulator and database: every {@code start} mode, several shards, a shard
 * split while consuming, checkpoints across kill -9 and SIGTERM, {@code once}, reads of up to
 * 10,000 records cut into batches, the file source, a database outage, and Kinesis throttling and
 * expiring iterators (through {@link FaultyKinesis}).
 */
abstract class LocalRelayContract {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Pattern RECEIVED = Pattern.compile("batch \\S+: received=(\\d+)");

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  /** The Kinesis emulator under test. */
  abstract KinesisEmulator kinesis();

  private KinesisEmulator kinesis;
  private TableName table;
  private String stream;

  @BeforeEach
  void setUp() {
    kinesis = kinesis();
    int n = NAMES.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    table = new TableName(database().schema(), "load_" + pid + "_" + n);
    stream = "load-" + pid + "-" + n;
  }

  @Test
  void onceFromEarliestRelaysEveryChangeCheckpointsAndExits() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("a", 20);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());

    Run run =
        load(
            "load",
            "table",
            kinesis.url(stream, "once=true&batch-size=7&checkpointer=cratedb&describe-timeout=5"),
            "--target",
            target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    assertThat(run.output())
        .contains("batch " + table + ": received=7")
        .contains("options checkpointer, describe-timeout are superseded")
        .doesNotContain(kinesis.secretKey());
  }

  @Test
  void checkpointsOfThePreviousReleaseAreTakenOverLowestFirst() throws Exception {
    List<PutRecordsResultEntry> put = tenInserts();
    // The checkpoint table as the previous release wrote it, with this stream's shard checkpointed
    // for two target tables: the lower checkpoint wins, so nothing is skipped.
    TableName legacy = new TableName(table.schema(), "cdc_relay_checkpoints");
    try (Connection c = database().connect()) {
      c.createStatement()
          .execute(
              "CREATE TABLE IF NOT EXISTS "
                  + legacy.quoted()
                  + " (\"target_table\" TEXT NOT NULL, \"stream\" TEXT NOT NULL,"
                  + " \"shard_id\" TEXT NOT NULL, \"sequence_number\" TEXT,"
                  + " \"updated_at\" TIMESTAMP WITH TIME ZONE,"
                  + " PRIMARY KEY (\"target_table\", \"stream\", \"shard_id\"))");
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO "
                  + legacy.quoted()
                  + " (\"target_table\", \"stream\", \"shard_id\", \"sequence_number\")"
                  + " VALUES (?, ?, ?, ?)")) {
        for (int[] row : new int[][] {{7, 1}, {5, 2}}) {
          insert.setString(1, table + (row[1] == 1 ? "" : "_other"));
          insert.setString(2, stream);
          insert.setString(3, put.get(0).shardId());
          insert.setString(4, put.get(row[0]).sequenceNumber());
          insert.executeUpdate();
        }
      }
    }
    database().refresh(legacy);

    Run run = load("load", kinesis.url(stream, "once=true"), target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live().keySet()).containsExactlyElementsOf(ids(6, 10));
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
  }

  @Test
  void twoShardsAreRelayedWithTheNewerSpellingLoadSrcTarget() throws Exception {
    kinesis.createStream(stream, 2);
    SourceItems items = SourceItems.mixed("b", 30);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    Map<String, String> lastPerShard = new TreeMap<>();
    put.forEach(e -> lastPerShard.merge(e.shardId(), e.sequenceNumber(), LocalRelayContract::max));
    assertThat(lastPerShard).as("records in both shards").hasSize(2);

    Run run = load("load", kinesis.url(stream, "once=true&batch-size=10"), target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).isEqualTo(lastPerShard);
  }

  @Test
  void seqnoAtStartsAtThatRecord() throws Exception {
    List<PutRecordsResultEntry> put = tenInserts();
    Run run =
        load(
            "load",
            "table",
            kinesis.url(stream, "once=true&start=seqno-at&seqno=" + put.get(4).sequenceNumber()),
            "--target",
            target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live().keySet()).containsExactlyElementsOf(ids(4, 10));
  }

  @Test
  void seqnoAtOnATwoShardStreamFindsTheShardThatHoldsTheRecord() throws Exception {
    kinesis.createStream(stream, 2);
    SourceItems items = new SourceItems();
    for (int i = 0; i < 20; i++) {
      items.insert("i" + i, i);
    }
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    // The start record in the shard listed last, so that the other shard is asked first.
    String startShard =
        put.stream().map(PutRecordsResultEntry::shardId).max(String::compareTo).orElseThrow();
    List<Integer> inStartShard = new ArrayList<>();
    for (int i = 0; i < put.size(); i++) {
      if (put.get(i).shardId().equals(startShard)) {
        inStartShard.add(i);
      }
    }
    assertThat(inStartShard).as("records in the start shard").hasSizeGreaterThan(2);
    int start = inStartShard.get(inStartShard.size() / 2);

    Run run =
        load(
            "load",
            "table",
            kinesis.url(
                stream, "once=true&start=seqno-at&seqno=" + put.get(start).sequenceNumber()),
            "--target",
            target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    Set<String> live = live().keySet();
    for (int i : inStartShard) {
      assertThat(live.contains("{\"id\":\"i" + i + "\"}"))
          .as("record %d of the start shard", i)
          .isEqualTo(i >= start);
    }
    assertThat(checkpoints())
        .containsEntry(
            startShard, last(put.stream().filter(p -> p.shardId().equals(startShard)).toList()));
  }

  @Test
  void seqnoAfterStartsRightAfterThatRecord() throws Exception {
    List<PutRecordsResultEntry> put = tenInserts();
    Run run =
        load(
            "load",
            "table",
            kinesis.url(stream, "once=true&start=seqno-after&seqno=" + put.get(4).sequenceNumber()),
            "--target",
            target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live().keySet()).containsExactlyElementsOf(ids(5, 10));
  }

  @Test
  void latestRelaysOnlyNewRecordsAndSigtermStopsCleanlyWithACheckpoint() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems old = new SourceItems();
    for (int i = 0; i < 5; i++) {
      old.insert("old" + i, i);
    }
    kinesis.put(stream, old.take());

    try (RelayProcess relay =
        RelayProcess.start(
            "load",
            "table",
            kinesis.url(stream, "start=latest&idle-sleep=0.1&buffer-time=0.1"),
            "--target",
            target())) {
      relay.awaitLine("reading from LATEST", 60);
      SourceItems fresh = new SourceItems();
      for (int i = 0; i < 6; i++) {
        fresh.insert("new" + i, i);
      }
      List<PutRecordsResultEntry> put = kinesis.put(stream, fresh.take());
      awaitLive(fresh.expected(), relay);

      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      assertThat(relay.output()).contains("SIGTERM received");
      assertThat(live()).isEqualTo(fresh.expected());
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  @Test
  void aStreamReadBeforeReadsAShardWithoutACheckpointFromItsBeginningWhateverStartSays()
      throws Exception {
    // start=latest is for the first run: stopped before it applied anything (no checkpoint), the
    // relay must not skip at its next start what was written meanwhile.
    kinesis.createStream(stream, 1);
    try (RelayProcess relay =
        RelayProcess.start(
            "load",
            "table",
            kinesis.url(stream, "start=latest&idle-sleep=0.1&buffer-time=0.1"),
            "--target",
            target())) {
      relay.awaitLine("reading from LATEST", 60);
      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
    }
    assertThat(checkpoints()).isEmpty();
    SourceItems whileStopped = new SourceItems();
    for (int i = 0; i < 6; i++) {
      whileStopped.insert("stopped" + i, i);
    }
    kinesis.put(stream, whileStopped.take());

    Run restart =
        load("load", "table", kinesis.url(stream, "start=latest&once=true"), "--target", target());

    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output())
        .contains(
            "relayed into this state schema before (first run started at latest); a shard"
                + " without a checkpoint is read from its beginning, whatever start says")
        .contains("reading from TRIM_HORIZON");
    assertThat(live()).isEqualTo(whileStopped.expected());
  }

  @Test
  void aStreamDeletedAndCreatedAgainIsReadFromItsBeginningItsOldCheckpointsDropped()
      throws Exception {
    // The same name, so the same ARN: the old stream's checkpoints would place the new one's
    // shards at sequence numbers it has never had (every start failing), and start=latest would
    // skip what was written to it before this run.
    kinesis.createStream(stream, 1);
    SourceItems old = SourceItems.mixed("old", 6);
    kinesis.put(stream, old.take());
    Run first = load("load", "table", kinesis.url(stream, "once=true"), "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(checkpoints()).hasSize(1);

    kinesis.client().deleteStream(r -> r.streamName(stream));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (kinesis.exists(stream) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    kinesis.createStream(stream, 1);
    SourceItems fresh = SourceItems.mixed("new", 8);
    kinesis.put(stream, fresh.take());

    Run again =
        load("load", "table", kinesis.url(stream, "start=latest&once=true"), "--target", target());

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output())
        .contains(
            "stream "
                + stream
                + " was deleted and created again since this state schema last relayed it")
        .contains("the 1 shard checkpoints of the old one are dropped")
        .contains("reading from TRIM_HORIZON")
        .doesNotContain("reading from AFTER_SEQUENCE_NUMBER");
    assertThat(live()).containsAllEntriesOf(fresh.expected());

    // Recorded: the next run resumes the new stream's checkpoints.
    Run third =
        load("load", "table", kinesis.url(stream, "start=latest&once=true"), "--target", target());
    assertThat(third.exitCode()).as(third.output()).isZero();
    assertThat(third.output())
        .doesNotContain("created again")
        .contains("reading from AFTER_SEQUENCE_NUMBER");
  }

  @Test
  void aSeqnoStartIsLookedUpOnTheFirstRunOnlyAndAnIdleShardIsLaterReadFromItsBeginning()
      throws Exception {
    // Two shards, every record in the first: the second stays idle, without a checkpoint. On the
    // next run it must not be placed by the seqno again (past the stream's retention that lookup
    // fails every restart), but read from its beginning.
    kinesis.createStream(stream, 2);
    SourceItems items = new SourceItems();
    List<String> firstShardKeys = keysOfTheFirstOfTwoShards("f", 6);
    for (int i = 0; i < firstShardKeys.size(); i++) {
      items.insert(firstShardKeys.get(i), i);
    }
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    assertThat(put.stream().map(PutRecordsResultEntry::shardId).distinct()).hasSize(1);
    String seqno = put.get(0).sequenceNumber();
    String url = kinesis.url(stream, "start=seqno-at&seqno=" + seqno + "&once=true");
    Run first = load("load", "table", url, "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("reading from AT_TIMESTAMP");
    assertThat(checkpoints()).containsOnlyKeys(put.get(0).shardId());

    Run again = load("load", "table", url, "--target", target());

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output())
        .contains(
            "relayed into this state schema before (first run started at seqno-at " + seqno + ")")
        .contains("reading from TRIM_HORIZON")
        .doesNotContain("reading from AT_TIMESTAMP");
    assertThat(live()).isEqualTo(items.expected());
  }

  /** {@code n} keys that Kinesis places in the first shard of two (MD5 below 2^127). */
  private static List<String> keysOfTheFirstOfTwoShards(String prefix, int n) throws Exception {
    List<String> keys = new ArrayList<>();
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    BigInteger half = BigInteger.ONE.shiftLeft(127);
    for (int i = 0; keys.size() < n; i++) {
      String key = prefix + i;
      if (new BigInteger(1, md5.digest(key.getBytes(StandardCharsets.UTF_8))).compareTo(half) < 0) {
        keys.add(key);
      }
    }
    return keys;
  }

  @Test
  void afterKill9TheRelayResumesRightAfterItsCheckpoint() throws Exception {
    kinesis.createStream(stream, 1);
    // 307 records in batches of 2: one read brings them all, and the relay is killed well before
    // it has applied them.
    SourceItems items = SourceItems.mixed("k", 200);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    String shard = put.get(0).shardId();

    String checkpoint;
    try (RelayProcess relay =
        RelayProcess.start(
            "load", "table", kinesis.url(stream, "batch-size=2"), "--target", target())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (checkpoints().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      relay.kill();
      checkpoint = checkpoints().get(shard);
      assertThat(checkpoint).as(relay.output()).isNotNull();
    }
    assertThat(new BigInteger(checkpoint))
        .as("killed mid-stream")
        .isLessThan(new BigInteger(last(put)));

    Run restart = load("load", "table", kinesis.url(stream, "once=true"), "--target", target());

    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output())
        .contains("shard " + shard + ": reading from AFTER_SEQUENCE_NUMBER " + checkpoint);
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));
  }

  @Test
  void aTwoTableStreamKilledAndResumedLeavesEachTableEqualToItsSource() throws Exception {
    kinesis.createStream(stream, 2);
    // Two DynamoDB tables sharing keys in one stream, routed by a schema-only target into tables
    // named after them (normalised: "Orders-…" → "orders_…", "users.…" → "users_…").
    String suffix = table.table().substring("load_".length());
    SourceItems orders = SourceItems.mixed(new SourceItems("Orders-" + suffix), "k", 120);
    SourceItems users = new SourceItems("users." + suffix);
    for (int i = 0; i < 120; i++) {
      users.insert("k" + i, 5_000 + i);
    }
    for (int i = 0; i < 120; i += 2) {
      users.modify("k" + i, 7_000 + i);
    }
    for (int i = 0; i < 120; i += 4) {
      users.remove("k" + i);
    }
    List<Map.Entry<String, byte[]>> records = SourceItems.interleave(orders, users);
    List<PutRecordsResultEntry> put = kinesis.put(stream, records);
    Map<String, String> lastByShard = new TreeMap<>();
    put.forEach(r -> lastByShard.merge(r.shardId(), r.sequenceNumber(), LocalRelayContract::max));
    assertThat(lastByShard).as("the records span both shards").hasSize(2);
    // What the status table must end with: per shard and target table, the last record.
    Map<String, String> lastByShardAndTable = new TreeMap<>();
    Map<String, Integer> recordsByTable = new TreeMap<>();
    for (int i = 0; i < put.size(); i++) {
      String json = new String(records.get(i).getValue(), StandardCharsets.UTF_8);
      String target = json.contains("\"tableName\":\"Orders-") ? "orders_" : "users_";
      lastByShardAndTable.merge(
          put.get(i).shardId() + " " + table.schema() + "." + target + suffix,
          put.get(i).sequenceNumber(),
          LocalRelayContract::max);
      recordsByTable.merge(table.schema() + "." + target + suffix, 1, Integer::sum);
    }
    String target = schemaTarget();

    Map<String, String> killedAt;
    try (RelayProcess relay =
        RelayProcess.start(
            "load", "table", kinesis.url(stream, "batch-size=3"), "--target", target)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (checkpoints().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      relay.kill();
      killedAt = checkpoints();
      assertThat(killedAt).as(relay.output()).isNotEmpty();
    }
    assertThat(killedAt).as("killed mid-stream").isNotEqualTo(lastByShard);

    Run restart = load("load", "table", kinesis.url(stream, "once=true"), "--target", target);

    assertThat(restart.exitCode()).as(restart.output()).isZero();
    for (Map.Entry<String, String> shard : lastByShard.entrySet()) {
      String from =
          killedAt.containsKey(shard.getKey())
              ? "AFTER_SEQUENCE_NUMBER " + killedAt.get(shard.getKey())
              : "TRIM_HORIZON";
      assertThat(restart.output()).contains("shard " + shard.getKey() + ": reading from " + from);
      assertThat(restart.output().split("shard " + shard.getKey() + ": reading from", -1))
          .as("each shard resumes once")
          .hasSize(2);
    }
    TableName ordersTable = new TableName(table.schema(), "orders_" + suffix);
    TableName usersTable = new TableName(table.schema(), "users_" + suffix);
    assertThat(TableRows.liveItems(database(), ordersTable)).isEqualTo(orders.expected());
    assertThat(TableRows.liveItems(database(), usersTable)).isEqualTo(users.expected());
    assertThat(checkpoints()).isEqualTo(lastByShard);
    // The status table: each shard and table at its last record; every record counted at least
    // once (a batch applied but not checkpointed before the kill is applied, and counted, again).
    Map<String, String> statusPositions = new TreeMap<>();
    Map<String, Long> received = new TreeMap<>();
    TableName status = new TableName(table.schema(), "cdc_relay_status");
    database().refresh(status);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT shard_id, target_table, last_sequence_number, received FROM "
                    + status.quoted()
                    + " WHERE source LIKE ?")) {
      s.setString(1, "%:stream/" + stream);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          statusPositions.put(rs.getString(1) + " " + rs.getString(2), rs.getString(3));
          received.merge(rs.getString(2), rs.getLong(4), Long::sum);
        }
      }
    }
    assertThat(statusPositions).isEqualTo(lastByShardAndTable);
    recordsByTable.forEach(
        (name, count) -> assertThat(received.get(name)).as(name).isGreaterThanOrEqualTo(count));
  }

  @Test
  void aShardSplitWhileConsumingIsFollowedChildrenAfterTheirParent() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("s", 12);
    String parent = kinesis.put(stream, items.take()).get(0).shardId();

    try (RelayProcess relay =
        RelayProcess.start(
            "load",
            "table",
            kinesis.url(stream, "idle-sleep=0.1&buffer-time=0.1"),
            "--target",
            target())) {
      awaitLive(items.expected(), relay);

      kinesis
          .client()
          .splitShard(
              r ->
                  r.streamName(stream)
                      .shardToSplit(parent)
                      .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
      kinesis.awaitActive(stream);
      for (int i = 0; i < 12; i++) {
        items.modify("s" + i, 1000 + i);
      }
      for (int i = 12; i < 20; i++) {
        items.insert("s" + i, i);
      }
      List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
      assertThat(put).allMatch(e -> !e.shardId().equals(parent));
      awaitLive(items.expected(), relay);

      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      List<String> lines = relay.lines();
      int parentEnded = indexOf(lines, "shard " + parent + ": closed and read to its end");
      for (String child :
          put.stream().map(PutRecordsResultEntry::shardId).collect(Collectors.toSet())) {
        assertThat(indexOf(lines, "shard " + child + ": reading from"))
            .as(relay.output())
            .isGreaterThan(parentEnded);
      }
      assertThat(checkpoints()).containsEntry(parent, Checkpoints.SHARD_END);
    }
    assertThat(live()).isEqualTo(items.expected());
  }

  @Test
  void atLatestTheChildrenOfASplitBeforeTheStartLoseNothingWrittenWhileTheirParentIsRead()
      throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems before = SourceItems.mixed("b", 6);
    String parent = kinesis.put(stream, before.take()).get(0).shardId();
    kinesis
        .client()
        .splitShard(
            r ->
                r.streamName(stream)
                    .shardToSplit(parent)
                    .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
    kinesis.awaitActive(stream);

    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port());
        RelayProcess relay =
            RelayProcess.start(
                "load",
                "table",
                proxy.url(kinesis, stream, "start=latest&idle-sleep=0.1&buffer-time=0.1"),
                "--target",
                target())) {
      // The parent (closed) is read first, at LATEST; its children only once it ended. Its reads
      // throttled for a while, the relay has started when these changes are written, and reads
      // neither child yet.
      proxy.throttleGetRecords(12);
      relay.awaitLine("shard " + parent + ": throttled, retrying in", 60);
      SourceItems after = new SourceItems();
      for (int i = 0; i < 8; i++) {
        after.insert("a" + i, i);
      }
      after.modify("a1", 100).remove("a2");
      List<PutRecordsResultEntry> put = kinesis.put(stream, after.take());
      assertThat(put).allMatch(e -> !e.shardId().equals(parent));
      relay.awaitLine("shard " + parent + ": closed and read to its end", 60);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Map<String, com.fasterxml.jackson.databind.JsonNode> applied = Map.of();
      while (System.nanoTime() < deadline) {
        if (TableRows.exists(database(), table)) {
          applied = live();
          if (applied.entrySet().containsAll(after.expected().entrySet())) {
            break;
          }
        }
        Thread.sleep(100);
      }
      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      // What was written before the start may be applied too (a minute's margin for the clocks):
      // everything written since must be.
      assertThat(applied).as(relay.output()).containsAllEntriesOf(after.expected());
      assertThat(applied).as(relay.output()).doesNotContainKey("{\"id\":\"a2\"}");
    }
  }

  /** {@code n} items {@code prefix0}… inserted. */
  private static SourceItems inserted(String prefix, int n) {
    SourceItems items = new SourceItems();
    for (int i = 0; i < n; i++) {
      items.insert(prefix + i, i);
    }
    return items;
  }

  /** The records the items' changes make, as the lines of a dump. */
  private static List<String> lines(SourceItems items) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, byte[]> record : items.take()) {
      lines.add(new String(record.getValue(), StandardCharsets.UTF_8));
    }
    return lines;
  }

  @Test
  void aFileOfBothLineFormsIsRelayed(@TempDir Path dir) throws Exception {
    SourceItems plain = new SourceItems();
    for (int i = 0; i < 5; i++) {
      plain.insert("f" + i, i);
    }
    plain.modify("f1", 100).remove("f2");
    List<String> lines = lines(plain);
    lines.add("");
    lines.add("this line is not JSON");
    SourceItems lambda = new SourceItems();
    lambda.insert("g0", 0).insert("g1", 1).modify("g0", 5);
    int n = 0;
    for (Map.Entry<String, byte[]> record : lambda.take()) {
      String sequenceNumber = "4965670936712634127648454318642304581269840632947" + (100 + n++);
      lines.add(
          "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\""
              + record.getKey()
              + "\",\"sequenceNumber\":\""
              + sequenceNumber
              + "\",\"data\":\""
              + Base64.getEncoder().encodeToString(record.getValue())
              + "\",\"approximateArrivalTimestamp\":1720746062.123},\"eventSource\":\"aws:kinesis\","
              + "\"eventVersion\":\"1.0\",\"eventID\":\"shardId-000000000007:"
              + sequenceNumber
              + "\",\"eventName\":\"aws:kinesis:record\",\"awsRegion\":\"us-east-1\"}");
    }
    Path file = dir.resolve("dump.ndjson");
    Files.write(file, lines, StandardCharsets.UTF_8);

    String state = table.table() + "_state";
    Run run = load("load", file.toUri() + "?batch-size=3", target(), "--state-schema", state);

    assertThat(run.exitCode()).as(run.output()).isZero();
    Map<String, com.fasterxml.jackson.databind.JsonNode> expected = new TreeMap<>(plain.expected());
    expected.putAll(lambda.expected());
    assertThat(live()).isEqualTo(expected);
    // The poison line has no target table: a dead letter in the state schema.
    assertThat(TableRows.count(database(), new TableName(state, "cdc_relay_dead_letters")))
        .isEqualTo(1);
    // Its batches are in the status, under the file, as a stream's under its ARN.
    DynamoDbTableTest.Run status =
        DynamoDbTableTest.run("status", target(), "--state-schema", state);
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output())
        .contains("file:" + file.toAbsolutePath().normalize())
        .doesNotContain("no status yet");
  }

  @Test
  void aFileRelayWhoseTargetGoesDownMidFileGivesUpAfterGiveUpAfterWithExitOne(@TempDir Path dir)
      throws Exception {
    SourceItems items = inserted("x", 400);
    List<String> lines = lines(items);
    Path file = Files.write(dir.resolve("dump.ndjson"), lines, StandardCharsets.UTF_8);
    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port())) {
      // Past connecting and the first batches, the database is gone for good.
      proxy.cutAfter(60_000);
      long started = System.nanoTime();
      Run run =
          load(
              "load",
              file.toUri() + "?batch-size=5",
              target("127.0.0.1", proxy.port()),
              "--give-up-after",
              "2s");
      long tookSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

      assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
      assertThat(tookSeconds).as("gave up after about 2 s, not for ever").isLessThan(60);
      assertThat(run.output())
          .contains("(--give-up-after 2 s): ")
          .contains("not applied")
          .doesNotContain("done: ");
    }
    assertThat(live().size()).as("some applied, not all").isBetween(1, 399);
  }

  @Test
  void aTruncatedGzipDumpRelaysItsWholeLinesAndExitsOneSayingWhere(@TempDir Path dir)
      throws Exception {
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      for (String line : lines(inserted("z", 2000))) {
        gzip.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] whole = zipped.toByteArray();
    Path file = Files.write(dir.resolve("dump.ndjson.gz"), Arrays.copyOf(whole, whole.length / 2));

    Run run = load("load", file.toUri() + "?batch-size=50", target());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains(file + " is not a whole gzip file (")
        .contains("the lines before were relayed")
        .doesNotContain("\tat ")
        .doesNotContain("done: ");
    // Every whole line before the cut is applied, batches of fewer than 50 too.
    java.util.regex.Matcher line =
        java.util.regex.Pattern.compile("after line ([0-9,]+)").matcher(run.output());
    assertThat(line.find()).as(run.output()).isTrue();
    int lines = Integer.parseInt(line.group(1).replace(",", ""));
    assertThat(lines).isBetween(1, 1999);
    assertThat(live()).hasSize(lines);
  }

  @Test
  void aStreamUrlWhosePathIsADumpReplaysItAsTheReferenceToolDoes(@TempDir Path dir)
      throws Exception {
    SourceItems items = new SourceItems();
    items.insert("d0", 0).insert("d1", 1).modify("d1", 7).remove("d0");
    List<String> lines = lines(items);
    Path file = dir.resolve("dump.ndjson");
    Files.write(file, lines, StandardCharsets.UTF_8);

    Run run =
        load(
            "load",
            "kinesis+dynamodb+cdc://" + file.toAbsolutePath() + "?batch-size=2",
            target(),
            "--state-schema",
            table.table() + "_state");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(live()).isEqualTo(items.expected());
    Run directory = load("load", "kinesis+dynamodb+cdc://" + dir.toAbsolutePath(), target());
    assertThat(directory.exitCode()).as(directory.output()).isEqualTo(2);
    assertThat(directory.output()).contains("exists but is not a file");
  }

  @Test
  void aStreamThatDoesNotExistIsNamedWithWhereItWasLookedFor() {
    String url = kinesis.url(stream, "once=true");
    Run run = load("load", "table", url, "--target", target());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("the stream \"" + stream + "\" does not exist")
        .containsPattern("\\(at http://127\\.0\\.0\\.1:\\d+, region [a-z0-9-]+\\)\\.")
        .contains("stopped: 0 records");
  }

  @Test
  void aStreamRelayedIntoAnotherTargetWithTheSameCheckpointsIsRefusedNotSkipped() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("o", 5);
    kinesis.put(stream, items.take());
    String url = kinesis.url(stream, "once=true");
    Run first = load("load", "table", url, "--target", target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).containsPattern("done: [1-9][0-9]* records");

    // Same state schema, another table: read on from the checkpoints, it would get nothing.
    String other = target().replace(table.table(), table.table() + "_other");
    Run second = load("load", "table", url, "--target", other);
    assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
    assertThat(second.output())
        .contains("in this state schema were written relaying into table ")
        .contains("Give this target its own --state-schema")
        .as("a refused run does not end saying done")
        .contains("stopped: 0 records")
        .doesNotContain("done: 0 records");

    Run own =
        load("load", "table", url, "--target", other, "--state-schema", table.table() + "_own");
    assertThat(own.exitCode()).as(own.output()).isZero();
    TableName otherTable = new TableName(table.schema(), table.table() + "_other");
    assertThat(TableRows.count(database(), otherTable)).isEqualTo(items.expected().size());
  }

  @Test
  void aSecondRelayOfTheSameStreamIsRefusedUntilTheFirstStops() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("l", 5);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    String url = kinesis.url(stream, "idle-sleep=0.1&buffer-time=0.1");

    try (RelayProcess first = RelayProcess.start("load", "table", url, "--target", target())) {
      awaitLive(items.expected(), first);
      Run second = load("load", "table", url + "&once=true", "--target", target());
      assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
      assertThat(second.output())
          .contains("another relay (")
          .contains(") relays stream " + stream + " into this state schema, last seen");

      first.terminate();
      assertThat(first.exitCode(30)).as(first.output()).isZero();
    }
    // Stopped, the first gave the stream up: the next one reads on from its checkpoint.
    Run next = load("load", "table", url + "&once=true", "--target", target());
    assertThat(next.exitCode()).as(next.output()).isZero();
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
  }

  @Test
  void afterKill9TheSameCommandResumesAtOnceThoughANewProcessHasTheKilledOnesId() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("p", 10);
    kinesis.put(stream, items.take());
    String url = kinesis.url(stream, "idle-sleep=0.1&buffer-time=0.1");
    try (RelayProcess killed = RelayProcess.start("load", "table", url, "--target", target())) {
      awaitLive(items.expected(), killed);
      killed.kill();
    }
    // A container restarted after a kill -9 (an OOM kill, say) runs the relay again on the same
    // host under the same process id (often 1). Here the process id is this JVM's, which runs the
    // next relay: the killed relay's lease names it instead of its own.
    String lease = leaseHolder();
    String[] owner = lease.split(":");
    owner[1] = Long.toString(ProcessHandle.current().pid());
    setLeaseHolder(lease, String.join(":", owner));

    items.modify("p1", 101).insert("p10", 10);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    Run again = load("load", "table", url + "&once=true", "--target", target());

    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
  }

  @Test
  void theTargetGoingAwayMidStreamIsRetriedWithBackoffNothingLostNothingSkipped() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("u", 10);
    List<PutRecordsResultEntry> put = new ArrayList<>(kinesis.put(stream, items.take()));
    String shard = put.get(0).shardId();

    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port());
        RelayProcess relay =
            RelayProcess.start(
                "load",
                "table",
                kinesis.url(stream, "batch-size=5&idle-sleep=0.1&buffer-time=0.1"),
                "--target",
                target("127.0.0.1", proxy.port()))) {
      awaitLive(items.expected(), relay);
      // Down only once the checkpoint is written too: a checkpoint write caught by the outage
      // backs off on its own schedule, and the lines awaited below are the batch's.
      awaitCheckpoint(shard, last(put), relay);
      Map<String, com.fasterxml.jackson.databind.JsonNode> beforeOutage = live();

      proxy.down();
      for (int i = 1; i < 10; i += 2) {
        items.modify("u" + i, 500 + i);
      }
      items.insert("u10", 10).insert("u11", 11).remove("u4");
      put.addAll(kinesis.put(stream, items.take()));
      relay.awaitLine("not applied yet, retrying in 500 ms", 30);
      relay.awaitLine("not applied yet, retrying in 1000 ms", 10);
      Thread.sleep(
          1000); // down for about 2.5 s: the relay keeps retrying, it neither exits nor skips
      assertThat(live()).as("nothing applied while the database is away").isEqualTo(beforeOutage);

      proxy.up();
      items.insert("u12", 12).modify("u10", 1010);
      put.addAll(kinesis.put(stream, items.take()));
      awaitLive(items.expected(), relay);
      awaitCheckpoint(shard, last(put), relay);

      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      assertThat(relay.output())
          .contains("batch " + table + ": received=")
          .contains(" FAILED from ")
          .contains("retrying in 500 ms")
          .contains("retrying in 1000 ms")
          .doesNotContain("ERROR");
    }
    assertThat(live()).isEqualTo(items.expected());
    assertThat(deadLetters()).isZero();
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));
  }

  @Test
  void aOnceRunGivesUpOnAClosedTargetPortAndTheNextRunResumesAfterItsCheckpoint() throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("g", 10);
    List<PutRecordsResultEntry> put = new ArrayList<>(kinesis.put(stream, items.take()));
    String shard = put.get(0).shardId();
    Run first = load("load", kinesis.url(stream, "once=true"), target());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));

    items.insert("g10", 10).modify("g1", 101).remove("g2");
    List<PutRecordsResultEntry> more = kinesis.put(stream, items.take());
    put.addAll(more);
    int closed;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String secret = "s3cr3t-" + ProcessHandle.current().pid();
    long started = System.nanoTime();
    Run failed =
        load(
            "load",
            kinesis.url(stream, "once=true"),
            target("127.0.0.1", closed) + "&password=" + secret,
            "--give-up-after",
            "2s");
    long tookSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(tookSeconds).as("gave up after about 2 s, not for ever").isLessThan(30);
    assertThat(failed.output())
        .containsPattern(
            "The target database could not be reached for \\d+ s \\(--give-up-after 2 s\\): connecting at start: ")
        .contains("127.0.0.1:" + closed)
        .doesNotContain(secret)
        .doesNotContain(kinesis.secretKey());
    assertThat(checkpoints())
        .as("untouched")
        .containsExactly(Map.entry(shard, last(put.subList(0, put.size() - more.size()))));

    Run resumed = load("load", kinesis.url(stream, "once=true"), target());

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(received(resumed.output()))
        .as("only the records after the checkpoint: " + resumed.output())
        .isEqualTo(more.size());
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));
  }

  @Test
  void aRelayWhoseStreamStaysDownLongerThanGiveUpAfterExitsOneAndTheNextRunResumes()
      throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("s", 10);
    List<PutRecordsResultEntry> put = new ArrayList<>(kinesis.put(stream, items.take()));
    String shard = put.get(0).shardId();
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port());
        RelayProcess relay =
            RelayProcess.start(
                "load",
                proxy.url(kinesis, stream, "batch-size=5&idle-sleep=0.1&buffer-time=0.1"),
                "--target",
                target(),
                "--give-up-after",
                "2s")) {
      awaitLive(items.expected(), relay);
      awaitCheckpoint(shard, last(put), relay);

      // The stream's port closed: every read refused from now on, mid-run. It used to be retried
      // for ever, even by a once=true job.
      proxy.close();

      assertThat(relay.exitCode(60)).as(relay.output()).isEqualTo(1);
      assertThat(relay.output())
          .containsPattern(
              "Gave up after \\d+ s of failures \\(--give-up-after 2 s\\): shard "
                  + shard
                  + ": reading the stream: ")
          .contains("The relay stopped; the checkpoints of what was applied are kept")
          .doesNotContain(kinesis.secretKey());
    }
    assertThat(checkpoints()).as("kept").containsExactly(Map.entry(shard, last(put)));
    items.insert("s10", 10).modify("s3", 303);
    put.addAll(kinesis.put(stream, items.take()));

    Run resumed = load("load", kinesis.url(stream, "once=true"), target());

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(received(resumed.output())).as(resumed.output()).isEqualTo(2);
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));
  }

  @Test
  void aRelayWhoseTargetStaysDownLongerThanGiveUpAfterExitsOneAndTheNextRunResumes()
      throws Exception {
    kinesis.createStream(stream, 1);
    SourceItems items = SourceItems.mixed("d", 10);
    List<PutRecordsResultEntry> put = new ArrayList<>(kinesis.put(stream, items.take()));
    String shard = put.get(0).shardId();
    List<PutRecordsResultEntry> more;
    try (FaultyProxy proxy = new FaultyProxy(database().host(), database().port());
        RelayProcess relay =
            RelayProcess.start(
                "load",
                kinesis.url(stream, "batch-size=5&idle-sleep=0.1&buffer-time=0.1"),
                target("127.0.0.1", proxy.port()),
                "--give-up-after",
                "2s")) {
      awaitLive(items.expected(), relay);
      awaitCheckpoint(shard, last(put), relay);

      // The port closed: every connection refused from now on, mid-run.
      proxy.close();
      items.insert("d10", 10).modify("d3", 303).remove("d5");
      more = kinesis.put(stream, items.take());

      assertThat(relay.exitCode(60)).as(relay.output()).isEqualTo(1);
      assertThat(relay.output())
          .contains("The target database could not be reached for ")
          .contains("(--give-up-after 2 s): ")
          .contains(
              "The relay stopped; the checkpoints of what was applied are kept: the same"
                  + " command resumes from them.")
          .doesNotContain(kinesis.secretKey());
    }
    assertThat(checkpoints()).as("kept").containsExactly(Map.entry(shard, last(put)));
    put.addAll(more);

    Run resumed = load("load", kinesis.url(stream, "once=true"), target());

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(received(resumed.output()))
        .as("only the records after the checkpoint: " + resumed.output())
        .isEqualTo(more.size());
    assertThat(live()).isEqualTo(items.expected());
    assertThat(checkpoints()).containsExactly(Map.entry(shard, last(put)));
  }

  // --- helpers

  @Test
  void throttledReadsAreRetriedWithBackoffAndNothingIsLost() throws Exception {
    kinesis.createStream(stream, 1);
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port())) {
      SourceItems items = SourceItems.mixed("t", 20);
      List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());

      // The SDK retries a throttled call itself (3 retries by default), then the relay backs off:
      // 6 throttled calls reach the relay's own backoff whatever the SDK's retry mode.
      proxy.throttleGetRecords(6);
      Run run =
          load(
              "load",
              "table",
              proxy.url(kinesis, stream, "once=true&batch-size=10&idle-sleep=0.1"),
              "--target",
              target());

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.contentTypes())
          .as("the relay speaks JSON to a custom endpoint")
          .containsExactly(FaultyKinesis.JSON);
      assertThat(proxy.throttledCalls()).isEqualTo(6);
      // The stream is described while it is made ready, not again for each shard and lane (two
      // lanes here).
      assertThat(proxy.describeStreamSummaryCalls()).isBetween(1, 2);
      assertThat(proxy.getRecordsCalls()).isGreaterThan(6);
      assertThat(run.output())
          .contains("throttled, retrying in 200 ms")
          .doesNotContain("Kinesis failed")
          .doesNotContain("ERROR");
      assertThat(received(run.output())).as(run.output()).isEqualTo(put.size());
      assertThat(live()).isEqualTo(items.expected());
      assertThat(deadLetters()).isZero();
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  @Test
  void aStreamThrottledAtStartIsDescribedAgainAndNothingIsLost() throws Exception {
    // DescribeStreamSummary allows 20 calls a second an account (a cron of once=true runs, other
    // readers): throttled, the stream answers, only slower.
    kinesis.createStream(stream, 1);
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port())) {
      SourceItems items = SourceItems.mixed("d", 5);
      List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
      proxy.throttleDescribeStreamSummary(3);

      Run run =
          load(
              "load",
              "table",
              proxy.url(kinesis, stream, "once=true&batch-size=10&idle-sleep=0.1"),
              "--target",
              target());

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.describeStreamSummaryCalls()).isGreaterThan(3);
      assertThat(run.output()).contains("throttled at start");
      assertThat(live()).isEqualTo(items.expected());
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  @Test
  void anExpiredIteratorIsRenewedAfterTheLastRecordReadThoughNotAllOfItIsApplied()
      throws Exception {
    kinesis.createStream(stream, 1);
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port())) {
      SourceItems items = SourceItems.mixed("x", 20);
      List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
      assertThat(put.size()).isEqualTo(31);

      // The first read brings all 31 records: four batches of 7 are applied, the last 3 stay
      // buffered (buffer-time 10 s); the second read finds its iterator expired.
      proxy.expireIteratorAfter(1);
      Run run =
          load(
              "load",
              "table",
              proxy.url(kinesis, stream, "once=true&batch-size=7&idle-sleep=0.1&buffer-time=10"),
              "--target",
              target());

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.expiredCalls()).isEqualTo(1);
      String lastRead = last(put);
      assertThat(run.output())
          .contains("iterator expired, renewing it after " + lastRead)
          .doesNotContain("ERROR");
      List<Map<String, Object>> iterators = proxy.getShardIteratorRequests();
      assertThat(proxy.getShardIteratorCalls()).isEqualTo(2);
      assertThat(iterators.get(0)).containsEntry("ShardIteratorType", "TRIM_HORIZON");
      assertThat(iterators.get(1))
          .containsEntry("ShardId", put.get(0).shardId())
          .containsEntry("ShardIteratorType", "AFTER_SEQUENCE_NUMBER")
          .containsEntry("StartingSequenceNumber", lastRead);
      // Every record applied exactly once, in batches of 7: the buffered ones neither lost nor
      // read twice.
      assertThat(batchSizes(run.output())).as(run.output()).containsExactly(7, 7, 7, 7, 3);
      assertThat(live()).isEqualTo(items.expected());
      assertThat(deadLetters()).isZero();
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  @Test
  void anIteratorAtLatestThatExpiresUnusedIsRenewedWithoutSkippingWhatWasWrittenMeanwhile()
      throws Exception {
    kinesis.createStream(stream, 1);
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port());
        RelayProcess relay =
            RelayProcess.start(
                "load",
                "table",
                proxy.url(kinesis, stream, "start=latest&idle-sleep=5&buffer-time=0.1"),
                "--target",
                target())) {
      relay.awaitLine("reading from LATEST", 60);
      // Until the relay idles (idle-sleep 5 s after an empty read that is not behind): no read of
      // the first iterator is in flight that could still take the records put below (an
      // emulator's empty answer may say it is behind, and the next read comes at once).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int calls = -1;
      while ((proxy.getRecordsCalls() < 1 || proxy.getRecordsCalls() != calls)
          && System.nanoTime() < deadline) {
        calls = proxy.getRecordsCalls();
        Thread.sleep(500);
      }
      // The reads found the shard empty: the next read finds its iterator expired (as after an
      // idle-sleep beyond Kinesis's 5 minutes), and records come meanwhile. The expiry is set
      // first, so that no read of the first iterator can take the records.
      proxy.expireIteratorAfter(0);
      SourceItems fresh = new SourceItems();
      for (int i = 0; i < 6; i++) {
        fresh.insert("new" + i, i);
      }
      List<PutRecordsResultEntry> put = kinesis.put(stream, fresh.take());
      awaitLive(fresh.expected(), relay);

      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      assertThat(proxy.expiredCalls()).isEqualTo(1);
      List<Map<String, Object>> iterators = proxy.getShardIteratorRequests();
      assertThat(iterators.get(0)).containsEntry("ShardIteratorType", "LATEST");
      assertThat(iterators.get(1)).containsEntry("ShardIteratorType", "AT_TIMESTAMP");
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  @Test
  void readsAskForTenThousandRecordsWhateverTheBatchSizeAndBatchesKeepTheirSize() throws Exception {
    kinesis.createStream(stream, 1);
    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port())) {
      SourceItems items = new SourceItems();
      for (int i = 0; i < 250; i++) {
        items.insert("r" + i, i);
      }
      List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());

      Run run =
          load(
              "load",
              "table",
              proxy.url(kinesis, stream, "once=true&batch-size=100&idle-sleep=0.1"),
              "--target",
              target());

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.getRecordsRequests())
          .as("the Limit of every GetRecords")
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.get("Limit")).hasToString("10000"));
      assertThat(batchSizes(run.output())).as(run.output()).containsExactly(100, 100, 50);
      assertThat(live()).isEqualTo(items.expected());
      assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
    }
  }

  /** The number of records of each batch, in the order of the relay's batch lines. */
  private static List<Integer> batchSizes(String output) {
    List<Integer> sizes = new ArrayList<>();
    Matcher m = RECEIVED.matcher(output);
    while (m.find()) {
      sizes.add(Integer.parseInt(m.group(1)));
    }
    return sizes;
  }

  /** The records the relay's batches received, summed over its batch lines. */
  private static int received(String output) {
    return batchSizes(output).stream().mapToInt(Integer::intValue).sum();
  }

  private List<PutRecordsResultEntry> tenInserts() {
    kinesis.createStream(stream, 1);
    SourceItems items = new SourceItems();
    for (int i = 0; i < 10; i++) {
      items.insert("i" + i, i);
    }
    return kinesis.put(stream, items.take());
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("{\"id\":\"i" + i + "\"}");
    }
    return ids;
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line containing " + text + " in:\n" + String.join("\n", lines));
  }

  private static String last(List<PutRecordsResultEntry> put) {
    return put.stream()
        .map(PutRecordsResultEntry::sequenceNumber)
        .reduce(LocalRelayContract::max)
        .orElseThrow();
  }

  private static String max(String a, String b) {
    return new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b;
  }

  Map<String, com.fasterxml.jackson.databind.JsonNode> live() throws Exception {
    return TableRows.liveItems(database(), table);
  }

  private void awaitLive(
      Map<String, com.fasterxml.jackson.databind.JsonNode> expected, RelayProcess relay)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (TableRows.exists(database(), table) && live().equals(expected)) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(live()).as(relay.output()).isEqualTo(expected);
  }

  private void awaitCheckpoint(String shard, String sequenceNumber, RelayProcess relay)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!sequenceNumber.equals(checkpoints().get(shard)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(checkpoints()).as(relay.output()).containsEntry(shard, sequenceNumber);
  }

  /** How many records of this test's table were dead-lettered (0 without a dead-letter table). */
  private long deadLetters() throws Exception {
    TableName deadLetters = table.sibling("_dead_letters");
    if (!TableRows.exists(database(), deadLetters)) {
      return 0;
    }
    return TableRows.count(database(), deadLetters);
  }

  /** The checkpoints of this test's stream and table, by shard. */
  Map<String, String> checkpoints() throws Exception {
    TableName checkpoints = new TableName(table.schema(), "cdc_relay_shards");
    Map<String, String> result = new TreeMap<>();
    if (!TableRows.exists(database(), checkpoints)) {
      return result;
    }
    database().refresh(checkpoints);
    try (Connection c = database().connect()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT shard_id, sequence_number FROM "
                  + checkpoints.quoted()
                  + " WHERE source LIKE ? AND shard_id NOT LIKE ?")) {
        // Not the relay's own rows: its first start and its lease, "(started)", "(relay)".
        s.setString(1, "%:stream/" + stream);
        s.setString(2, "(%");
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return result;
  }

  /** The lease row of this test's stream: its holder and when it last renewed. */
  private String leaseHolder() throws Exception {
    TableName checkpoints = new TableName(table.schema(), "cdc_relay_shards");
    database().refresh(checkpoints);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT sequence_number FROM "
                    + checkpoints.quoted()
                    + " WHERE source LIKE ? AND shard_id = ?")) {
      s.setString(1, "%:stream/" + stream);
      s.setString(2, "(relay)");
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("a lease row").isTrue();
        return rs.getString(1);
      }
    }
  }

  private void setLeaseHolder(String before, String after) throws Exception {
    TableName checkpoints = new TableName(table.schema(), "cdc_relay_shards");
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + checkpoints.quoted()
                    + " SET sequence_number = ? WHERE source LIKE ? AND shard_id = ?"
                    + " AND sequence_number = ?")) {
      s.setString(1, after);
      s.setString(2, "%:stream/" + stream);
      s.setString(3, "(relay)");
      s.setString(4, before);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    database().refresh(checkpoints);
  }

  /** The target URL of this test's table, as a user passes it. */
  String target() {
    return target(database().host(), database().port());
  }

  /** This test's target table. */
  TableName targetTable() {
    return table;
  }

  /** The target URL of this test's table, reaching the database at {@code host:port}. */
  String target(String host, int port) {
    return database().userUrl(host, port, table);
  }

  /** A target URL naming this test's schema and no table: each DynamoDB table goes to its own. */
  String schemaTarget() {
    TargetUrl url = database().url(database().host(), database().port(), table);
    StringBuilder text = new StringBuilder(url.jdbcUrl());
    if (!url.jdbcUrl().contains("currentSchema=")) {
      text.append(url.jdbcUrl().contains("?") ? '&' : '?')
          .append("currentSchema=")
          .append(TargetDatabase.encode(table.schema()));
    }
    return TargetDatabase.withCredentials(url, text);
  }

  /** What an in-process run of the command line returned and wrote to standard error. */
  record Run(int exitCode, String output) {}

  /** Runs the command line in this JVM, its standard error captured (and still shown). */
  static Run load(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      int code = RelayCli.run(args);
      return new Run(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
