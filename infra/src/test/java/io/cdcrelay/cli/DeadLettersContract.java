package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.inTable;
import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.deadletter.DeadLetterRetention;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.MovingClock;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code relay dead-letters list|replay|discard} and the dead-letter retention against a real
 * database, written once and run per database. Each test has a schema of its own, which is also its
 * state schema, so that the dead letters of other tests never mix in.
 */
abstract class DeadLettersContract {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private String schema;
  private long now;
  private final List<Relay> relays = new ArrayList<>();

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  /** The URL of a table, as the command line takes it. */
  abstract String url(String schema, String table);

  /**
   * Creates {@code table} (the relay's layout) so that it rejects an item whose {@code price} is
   * text, wherever the relay puts it: a type conflict that moving it to {@code aux} cannot resolve.
   */
  abstract void rejectTextPrices(TableName table) throws Exception;

  /** Resolves the conflict: the table takes text prices from now on. */
  abstract void acceptTextPrices(TableName table) throws Exception;

  /**
   * The URL of {@code table} for a new user who may only read {@code readable} (and use their
   * schema), if the database under test makes one here.
   */
  Optional<String> urlOfAReader(String schema, String table, List<TableName> readable)
      throws Exception {
    return Optional.empty();
  }

  @BeforeEach
  void setUp() {
    schema = "dl_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  @AfterEach
  void tearDown() {
    relays.forEach(Relay::close);
  }

  @Test
  void aTypeConflictFixedLetsItsDeadLetterLandAndAReplayBeforeTheFixKeepsOneCopy()
      throws Exception {
    TableName orders = table("orders");
    rejectTextPrices(orders);
    BatchResult result =
        relay(url(schema, "orders"))
            .apply(
                List.of(
                    record(1, upsert("INSERT", "a", now, "\"price\":{\"N\":\"10\"}")),
                    record(2, upsert("INSERT", "b", now + 1, "\"price\":{\"S\":\"ten\"}")),
                    record(3, upsert("INSERT", "c", now + 2, "\"price\":{\"N\":\"3\"}"))));
    assertThat(result.deadLettered()).isEqualTo(1);
    List<Letter> before = letters(orders.sibling("_dead_letters"));
    assertThat(before).extracting(Letter::sequenceNumber).containsExactly(sequenceNumber(2));
    assertThat(before.get(0).stage()).isIn("plan", "write");

    Run again = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.out()).contains("1 dead letter selected: 0 applied and removed, 1 failed");
    List<Letter> kept = letters(orders.sibling("_dead_letters"));
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).failedAt()).isAfter(before.get(0).failedAt());

    acceptTextPrices(orders);
    Run replay = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out()).contains("1 dead letter selected: 1 applied and removed, 0 failed");
    assertThat(letters(orders.sibling("_dead_letters"))).isEmpty();
    Map<String, JsonNode> live = TableRows.liveItems(database(), orders);
    assertThat(live).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}");
    assertThat(live.get("{\"id\":\"b\"}").get("price").asText()).isEqualTo("ten");
  }

  @Test
  void aReplayedDeadLetterNeverOverwritesANewerChangeOrBringsBackADeletedItem() throws Exception {
    TableName orders = table("orders");
    rejectTextPrices(orders);
    Relay relay = relay(url(schema, "orders"));
    applyEach(
        relay,
        record(1, upsert("INSERT", "b", now + 1, "\"price\":{\"S\":\"ten\"}")),
        record(2, upsert("INSERT", "c", now + 2, "\"price\":{\"S\":\"two\"}")));
    assertThat(letters(orders.sibling("_dead_letters"))).hasSize(2);
    // Meanwhile the relay goes on: b changes again, c is deleted.
    applyEach(
        relay,
        record(3, upsert("MODIFY", "b", now + 5, "\"price\":{\"N\":\"7\"}")),
        record(4, io.cdcrelay.testing.Records.remove("c", now + 6)));

    acceptTextPrices(orders);
    Run replay = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));

    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out()).contains("2 dead letters selected: 2 applied and removed, 0 failed");
    assertThat(letters(orders.sibling("_dead_letters"))).isEmpty();
    Map<String, JsonNode> live = TableRows.liveItems(database(), orders);
    assertThat(live).containsOnlyKeys("{\"id\":\"b\"}");
    assertThat(live.get("{\"id\":\"b\"}").get("price").asInt()).isEqualTo(7);
  }

  @Test
  void aDeadLetterOfADynamoDbStreamsRecordIsReplayedInItsOwnFormat() throws Exception {
    // Its table is in eventSourceARN and its creation time in seconds: read as a Kinesis record,
    // it would name no table (and so fail again as a change of another table).
    TableName orders = table("orders");
    rejectTextPrices(orders);
    String json =
        "{\"eventID\":\"1\",\"eventName\":\"INSERT\",\"eventSource\":\"aws:dynamodb\","
            + "\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
            + "2026-12-01T00:00:00.000\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
            + now / 1_000_000
            + ",\"Keys\":{\"id\":{\"S\":\"b\"}},\"NewImage\":{\"id\":{\"S\":\"b\"},"
            + "\"price\":{\"S\":\"ten\"}},\"SequenceNumber\":\""
            + sequenceNumber(1)
            + "\",\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";
    SourceRecord record =
        new SourceRecord(
            "shardId-00000001700000000000-0000abcd",
            sequenceNumber(1),
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Instant.now());
    BatchResult result =
        relay(url(schema, "orders"))
            .applyDecoded(
                List.of(
                    new io.cdcrelay.decode.DynamoDbChangeDecoder(
                            io.cdcrelay.decode.DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS)
                        .decode(record)));
    assertThat(result.deadLettered()).isEqualTo(1);

    acceptTextPrices(orders);
    Run replay = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));

    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out()).contains("1 dead letter selected: 1 applied and removed, 0 failed");
    Map<String, JsonNode> live = TableRows.liveItems(database(), orders);
    assertThat(live.get("{\"id\":\"b\"}").get("price").asText()).isEqualTo("ten");
  }

  @Test
  void aTargetUrlNamingATableTakesOnlyThatTablesDeadLetters() throws Exception {
    TableName orders = table("orders");
    TableName users = table("users");
    rejectTextPrices(orders);
    rejectTextPrices(users);
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "\"price\":{\"S\":\"ten\"}")));
    applyEach(
        relay(url(schema, "users")),
        record(2, upsert("INSERT", "u", now + 1, "\"price\":{\"S\":\"ten\"}")));
    assertThat(letters(orders.sibling("_dead_letters"))).hasSize(1);
    assertThat(letters(users.sibling("_dead_letters"))).hasSize(1);

    Run list = run(new ListDeadLettersCommand(Map.of()), url(schema, "orders"), "--json");
    assertThat(list.exitCode()).as(list.output()).isZero();
    JsonNode groups = JSON.readTree(list.out());
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).get("table").asText()).isEqualTo(orders.toString());
    // The URL's table named without its schema (the URL's) is the URL's table.
    Run bare =
        run(
            new ListDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--json",
            "--table",
            "orders");
    assertThat(bare.exitCode()).as(bare.output()).isZero();
    assertThat(JSON.readTree(bare.out())).hasSize(1);
    Run otherSchema =
        run(
            new ListDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table",
            schema + "_other.orders");
    assertThat(otherSchema.exitCode()).as(otherSchema.output()).isEqualTo(2);
    assertThat(otherSchema.err()).contains("is not the table the target URL names");
    Run other =
        run(
            new ReplayDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table",
            users.toString());
    assertThat(other.exitCode()).as(other.output()).isEqualTo(2);
    assertThat(other.err()).contains("is not the table the target URL names");

    // Replayed with the URL of orders, the letter of users would be written into orders.
    acceptTextPrices(orders);
    acceptTextPrices(users);
    Run replay = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out()).contains("1 dead letter selected: 1 applied and removed");
    assertThat(TableRows.liveItems(database(), orders)).containsOnlyKeys("{\"id\":\"a\"}");
    assertThat(letters(users.sibling("_dead_letters"))).hasSize(1);
    run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"), "--all");
    assertThat(letters(users.sibling("_dead_letters"))).hasSize(1);
  }

  @Test
  void aTableMapExtendedRoutesDeadLettersAndOneFailingAgainMovesWithoutACopy() throws Exception {
    TableName audit = table("audit");
    rejectTextPrices(audit);
    applyEach(
        relay(url(schema, "orders")),
        record(1, inTable(upsert("INSERT", "a", now, ""), "orders")),
        record(2, inTable(upsert("INSERT", "x", now + 1, ""), "users")),
        record(3, inTable(upsert("INSERT", "y", now + 2, "\"price\":{\"S\":\"ten\"}"), "audit")));
    TableName unrouted = table("cdc_relay_dead_letters");
    assertThat(letters(unrouted)).extracting(Letter::stage).containsExactly("route", "route");

    Run list = run(new ListDeadLettersCommand(Map.of()), url(schema, "orders"), "--json");
    assertThat(list.exitCode()).as(list.output()).isZero();
    JsonNode groups = JSON.readTree(list.out());
    assertThat(groups).hasSize(2);
    for (JsonNode group : groups) {
      assertThat(group.get("table").asText()).isEqualTo("-");
      assertThat(group.get("stage").asText()).isEqualTo("route");
      assertThat(group.get("count").asInt()).isEqualTo(1);
    }

    Run partly =
        run(
            new ReplayDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table-map",
            "users=" + schema + ".users",
            "--tables",
            "orders,users");
    assertThat(partly.exitCode()).as(partly.output()).isZero();
    assertThat(partly.out())
        .contains("2 dead letters selected: 1 applied and removed, 0 failed again")
        .contains("1 not replayed: their DynamoDB table is not in CRATEDB_TABLES");
    assertThat(letters(unrouted))
        .extracting(Letter::sequenceNumber)
        .containsExactly(sequenceNumber(3));

    Run replay =
        run(
            new ReplayDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table-map",
            "users=" + schema + ".users,audit=" + schema + ".audit",
            "--table",
            "-");
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out())
        .contains("1 dead letter selected: 0 applied and removed, 1 failed again")
        .contains("moved to another dead-letter table: 1");
    assertThat(letters(unrouted)).isEmpty();
    assertThat(TableRows.liveItems(database(), table("users"))).containsOnlyKeys("{\"id\":\"x\"}");
    assertThat(letters(audit.sibling("_dead_letters")))
        .extracting(Letter::sequenceNumber)
        .containsExactly(sequenceNumber(3));
  }

  @Test
  void aDeadLetterWithNoKinesisPositionIsReportedAndLeftAsItIs() throws Exception {
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "")),
        record(2, inTable(upsert("INSERT", "x", now + 1, ""), "users")));
    TableName unrouted = table("cdc_relay_dead_letters");
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + unrouted.quoted()
                    + " (\"shard_id\", \"sequence_number\", \"stage\", \"reason\","
                    + " \"payload_base64\", \"failed_at\") VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, "by-hand");
      s.setString(2, "line-7");
      s.setString(3, "decode");
      s.setString(4, "copied from elsewhere");
      s.setString(5, "");
      s.setTimestamp(6, Timestamp.from(Instant.now()));
      s.executeUpdate();
    }
    database().refresh(unrouted);
    Run replay =
        run(
            new ReplayDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table-map",
            "users=" + schema + ".users");
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out())
        .contains("2 dead letters selected: 1 applied and removed, 1 failed again (not replayable");
    assertThat(letters(unrouted)).extracting(Letter::sequenceNumber).containsExactly("line-7");
  }

  @Test
  void discardTakesTheFiltersAndWithoutOneOnlyAll() throws Exception {
    TableName orders = table("orders");
    rejectTextPrices(orders);
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "\"price\":{\"S\":\"ten\"}")),
        record(2, inTable(upsert("INSERT", "x", now + 1, ""), "users")),
        record(3, inTable(upsert("INSERT", "y", now + 2, ""), "audit")));
    TableName unrouted = table("cdc_relay_dead_letters");
    TableName ordersLetters = orders.sibling("_dead_letters");
    age(unrouted, sequenceNumber(3), Duration.ofDays(2));

    Run unfiltered = run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(unfiltered.exitCode()).isEqualTo(2);
    assertThat(unfiltered.err()).contains("--all");
    assertThat(letters(unrouted)).hasSize(2);

    Run recent =
        run(
            new DiscardDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--table",
            "-",
            "--since",
            "1d");
    assertThat(recent.exitCode()).as(recent.output()).isZero();
    assertThat(recent.out()).contains("1 dead letters discarded");
    assertThat(letters(unrouted))
        .extracting(Letter::sequenceNumber)
        .containsExactly(sequenceNumber(3));
    assertThat(letters(ordersLetters)).hasSize(1);

    Run ofStage =
        run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"), "--stage", "write");
    assertThat(ofStage.out()).contains("1 dead letters discarded");
    assertThat(letters(ordersLetters)).isEmpty();
    assertThat(letters(unrouted)).hasSize(1);

    Run badStage =
        run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"), "--stage", "wrte");
    assertThat(badStage.exitCode()).isEqualTo(2);
    assertThat(badStage.err()).contains("--stage wrte is not a stage");

    Run all = run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"), "--all");
    assertThat(all.out()).contains("1 dead letters discarded");
    assertThat(letters(unrouted)).isEmpty();
  }

  @Test
  void deadLettersPastTheRetentionAreRemovedByTheCommandsAndHourlyByARunningRelay()
      throws Exception {
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "")),
        record(2, inTable(upsert("INSERT", "x", now + 1, ""), "users")),
        record(3, inTable(upsert("INSERT", "y", now + 2, ""), "audit")),
        record(4, inTable(upsert("INSERT", "z", now + 3, ""), "other")));
    TableName unrouted = table("cdc_relay_dead_letters");
    age(unrouted, sequenceNumber(2), Duration.ofDays(15));

    Run longer =
        run(
            new ListDeadLettersCommand(Map.of(FunctionConfig.DEAD_LETTER_RETENTION, "20d")),
            url(schema, "orders"));
    assertThat(longer.exitCode()).as(longer.output()).isZero();
    assertThat(longer.out()).contains("3 dead letters in");
    // Without the variable, the command does not know the deployment's retention: it keeps all.
    Run unset = run(new ListDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(unset.err()).doesNotContain("older than the retention");
    assertThat(unset.out()).contains("3 dead letters in");
    // List only reads: it says what is past the retention, and keeps it.
    Run listed =
        run(
            new ListDeadLettersCommand(Map.of(FunctionConfig.DEAD_LETTER_RETENTION, "14d")),
            url(schema, "orders"));
    assertThat(listed.exitCode()).as(listed.output()).isZero();
    assertThat(listed.err())
        .contains("1 of these dead letters are older than the retention")
        .doesNotContain("removed");
    assertThat(listed.out()).contains("3 dead letters in");
    assertThat(letters(unrouted)).hasSize(3);
    Run shorter =
        run(
            new DiscardDeadLettersCommand(Map.of(FunctionConfig.DEAD_LETTER_RETENTION, "14d")),
            url(schema, "orders"),
            "--stage",
            "too-old");
    assertThat(shorter.err())
        .contains("1 dead letters older than the retention (CRATEDB_DEAD_LETTER_RETENTION=14d)");
    assertThat(shorter.out()).contains("0 dead letters discarded");
    assertThat(letters(unrouted))
        .extracting(Letter::sequenceNumber)
        .containsExactly(sequenceNumber(3), sequenceNumber(4));

    // A running relay: at most once an hour.
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", url(schema, "orders")));
    MovingClock clock = new MovingClock(Instant.now());
    DeadLetterRetention retention = new DeadLetterRetention(Duration.ofDays(14), clock);
    try (JdbcTarget writer = config.openTarget(() -> null, clock)) {
      retention.applyIfDue(() -> config.openDeadLetters(writer, () -> null));
      age(unrouted, sequenceNumber(3), Duration.ofDays(15));
      clock.advance(Duration.ofMinutes(59));
      retention.applyIfDue(() -> config.openDeadLetters(writer, () -> null));
      assertThat(letters(unrouted)).hasSize(2);
      clock.advance(Duration.ofMinutes(2));
      retention.applyIfDue(() -> config.openDeadLetters(writer, () -> null));
      assertThat(letters(unrouted))
          .extracting(Letter::sequenceNumber)
          .containsExactly(sequenceNumber(4));
    }
  }

  @Test
  void theLocalRelaySweepsDeadLettersPastTheRetentionWhenItStarts() throws Exception {
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "")),
        record(2, inTable(upsert("INSERT", "x", now + 1, ""), "users")),
        record(3, inTable(upsert("INSERT", "y", now + 2, ""), "audit")));
    TableName unrouted = table("cdc_relay_dead_letters");
    age(unrouted, sequenceNumber(2), Duration.ofDays(15));
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", url(schema, "orders")));
    try (io.cdcrelay.local.DeadLetterSweeper sweeper =
        io.cdcrelay.local.DeadLetterSweeper.start(config, () -> null, Clock.systemUTC())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (letters(unrouted).size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    assertThat(letters(unrouted))
        .extracting(Letter::sequenceNumber)
        .containsExactly(sequenceNumber(3));
  }

  @Test
  void aDeadLetterOlderThanThePurgeHorizonIsRefusedAsTooOldUnlessForced() throws Exception {
    TableName orders = table("orders");
    rejectTextPrices(orders);
    long dayAgo = now - Duration.ofDays(1).toNanos() / 1000;
    relay(url(schema, "orders"))
        .apply(
            List.of(
                record(1, upsert("INSERT", "a", dayAgo, "\"price\":{\"N\":\"10\"}")),
                record(2, upsert("INSERT", "b", dayAgo + 1, "\"price\":{\"S\":\"ten\"}"))));
    Run purge = run(new PurgeCommand(Map.of()), url(schema, "orders"), "--older-than", "1h");
    assertThat(purge.exitCode()).as(purge.output()).isZero();
    acceptTextPrices(orders);

    Run refused = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(refused.exitCode()).as(refused.output()).isZero();
    assertThat(refused.out()).contains("0 applied and removed, 1 failed again (too-old: 1)");
    List<Letter> kept = letters(orders.sibling("_dead_letters"));
    assertThat(kept).extracting(Letter::stage).containsExactly("too-old");
    assertThat(kept.get(0).reason()).contains("purge horizon");
    assertThat(TableRows.liveItems(database(), orders)).containsOnlyKeys("{\"id\":\"a\"}");

    Run forced =
        run(
            new ReplayDeadLettersCommand(Map.of()),
            url(schema, "orders"),
            "--force",
            "--stage",
            "too-old");
    assertThat(forced.exitCode()).as(forced.output()).isZero();
    assertThat(forced.out()).contains("1 dead letter selected: 1 applied and removed");
    assertThat(letters(orders.sibling("_dead_letters"))).isEmpty();
    assertThat(TableRows.liveItems(database(), orders))
        .containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
  }

  @Test
  void aFirstLookAtADatabaseNoRelayWroteCreatesNothing() throws Exception {
    Map<String, String> retention = Map.of(FunctionConfig.DEAD_LETTER_RETENTION, "14d");

    Run list = run(new ListDeadLettersCommand(retention), url(schema, "orders"));
    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(list.out()).contains("no dead letters");
    assertNoStateTables();

    Run replay = run(new ReplayDeadLettersCommand(retention), url(schema, "orders"));
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out()).contains("0 dead letters selected: 0 applied and removed");
    Run discard = run(new DiscardDeadLettersCommand(retention), url(schema, "orders"), "--all");
    assertThat(discard.exitCode()).as(discard.output()).isZero();
    assertThat(discard.out()).contains("0 dead letters discarded");
    assertNoStateTables();
  }

  @Test
  void aReplayOfLettersThatCannotBeDecodedSaysHowToDropThemAndThatWorks() throws Exception {
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "")),
        record(2, "not json"));
    TableName unrouted = table(StateSql.DEAD_LETTERS);

    Run replay = run(new ReplayDeadLettersCommand(Map.of()), url(schema, "orders"));
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.out())
        .contains("1 dead letter selected: 0 applied and removed, 1 failed again (decode: 1)")
        .contains("decode: the records themselves cannot be decoded and never will be")
        .contains("relay dead-letters discard --stage decode");
    assertThat(letters(unrouted)).hasSize(1);

    Run discard =
        run(new DiscardDeadLettersCommand(Map.of()), url(schema, "orders"), "--stage", "decode");
    assertThat(discard.exitCode()).as(discard.output()).isZero();
    assertThat(letters(unrouted)).isEmpty();
  }

  @Test
  void aUserWhoMayOnlyReadTheDeadLettersListsThem() throws Exception {
    applyEach(
        relay(url(schema, "orders")),
        record(1, upsert("INSERT", "a", now, "")),
        record(2, "not json"),
        record(3, inTable(upsert("INSERT", "x", now + 1, ""), "users")));
    TableName unrouted = table(StateSql.DEAD_LETTERS);
    Optional<String> reader = urlOfAReader(schema, "orders", List.of(unrouted));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        reader.isPresent(), "no user who may only read on " + database());

    // The retention set as the deployment's: list counts what is past it, and removes nothing.
    age(unrouted, sequenceNumber(2), Duration.ofDays(15));
    Run list =
        run(
            new ListDeadLettersCommand(Map.of(FunctionConfig.DEAD_LETTER_RETENTION, "14d")),
            reader.get());

    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(list.out()).contains("2 dead letters in 2 groups").contains("decode");
    assertThat(list.err())
        .contains(
            "1 of these dead letters are older than the retention"
                + " (CRATEDB_DEAD_LETTER_RETENTION=14d): list only reads and keeps them");
    assertThat(letters(unrouted)).hasSize(2);
  }

  /** The state schema holds none of the relay's own tables. */
  private void assertNoStateTables() throws Exception {
    for (String name :
        List.of(
            StateSql.TABLES,
            StateSql.TOMBSTONES,
            StateSql.DEAD_LETTERS,
            StateSql.SHARDS,
            StateSql.STATUS)) {
      assertThat(TableRows.exists(database(), table(name))).as(name).isFalse();
    }
  }

  private TableName table(String name) {
    return new TableName(schema, name);
  }

  /**
   * Applies each record as a batch of its own: a batch's changes for one target table are checked
   * against its binding together.
   */
  private static void applyEach(Relay relay, SourceRecord... records) {
    for (SourceRecord record : records) {
      assertThat(relay.apply(List.of(record)).succeeded()).isTrue();
    }
  }

  private Relay relay(String url) {
    FunctionConfig config = FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", url));
    Relay relay =
        new Relay(
            config.openTarget(() -> null, Clock.systemUTC()), config.settings(), Clock.systemUTC());
    relays.add(relay);
    return relay;
  }

  /** A dead letter as stored. */
  record Letter(String sequenceNumber, String stage, String reason, Instant failedAt) {}

  /** The dead letters of a dead-letter table, by sequence number; none if it does not exist. */
  private List<Letter> letters(TableName deadLetters) throws Exception {
    List<Letter> letters = new ArrayList<>();
    if (!TableRows.exists(database(), deadLetters)) {
      return letters;
    }
    database().refresh(deadLetters);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"sequence_number\", \"stage\", \"reason\", \"failed_at\" FROM "
                    + deadLetters.quoted()
                    + " ORDER BY \"sequence_number\"");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        letters.add(
            new Letter(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
      }
    }
    return letters;
  }

  /** Makes a dead letter look as if it failed {@code age} ago. */
  private void age(TableName deadLetters, String sequenceNumber, Duration age) throws Exception {
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + deadLetters.quoted()
                    + " SET \"failed_at\" = ? WHERE \"shard_id\" = ? AND \"sequence_number\" = ?")) {
      s.setTimestamp(1, Timestamp.from(Instant.now().minus(age)));
      s.setString(2, record(1, "").shardId());
      s.setString(3, sequenceNumber);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    database().refresh(deadLetters);
  }

  /** What a command printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    String output() {
      return out + "\n" + err;
    }
  }

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** A clock a test moves forward. */
}
