package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.inTable;
import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.testing.InMemoryTarget;
import io.cdcrelay.testing.Records;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core's failure paths against an {@link InMemoryTarget}: what was applied when the database
 * went away mid-batch, the retries after a whole-batch failure, rows rerouted to {@code aux}, and
 * dead letters. The same behaviour against real databases is in {@code RelayContract}.
 */
class RelayCoreTest {

  private static final TableName ORDERS = new TableName("doc", "orders");
  private static final TableName USERS = new TableName("doc", "users");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

  private final InMemoryTarget target = new InMemoryTarget();

  private BatchResult apply(RelaySettings settings, SourceRecord... records) {
    return new Relay(target, settings, CLOCK).apply(List.of(records));
  }

  /** Routes every DynamoDB table into schema {@code doc}, hard deletes. */
  private static RelaySettings bySourceTable() {
    return new RelaySettings(
        new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of()),
        DeleteMode.HARD,
        TtlPolicy.SAME,
        null,
        RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
        false);
  }

  private static SourceRecord order(int n, String json) {
    return record(n, inTable(json, "orders"));
  }

  private static SourceRecord user(int n, String json) {
    return record(n, inTable(json, "users"));
  }

  @Test
  void relaysSharingTheirStateMoveRowsFlaggedDeletedOncePerTable() {
    Relay.Shared shared = Relay.sharedState();
    for (int lane = 0; lane < 3; lane++) {
      new Relay(target, bySourceTable(), CLOCK, shared)
          .apply(List.of(order(10 + lane, upsert("INSERT", "o" + lane, 1, ""))));
    }
    assertThat(target.migrations).containsExactly(ORDERS);

    // Without a shared set, each relay moves them on its first use of the table.
    apply(bySourceTable(), user(20, upsert("INSERT", "u1", 1, "")));
    apply(bySourceTable(), user(21, upsert("INSERT", "u2", 1, "")));
    assertThat(target.migrations).containsExactly(ORDERS, USERS, USERS);
  }

  @Test
  void aTablePreparedBeforeItsFirstBatchIsBoundPreparedAndMovedOnlyThen() {
    Relay.Shared shared = Relay.sharedState();
    Relay relay = new Relay(target, bySourceTable(), CLOCK, shared);
    io.cdcrelay.plan.KeySchema keys =
        new io.cdcrelay.plan.KeySchema(
            List.of(
                new io.cdcrelay.plan.KeySchema.KeyColumn(
                    "id", io.cdcrelay.plan.KeySchema.KeyType.S)));
    relay.prepare("orders", keys);
    assertThat(target.binds).containsExactly(ORDERS);
    assertThat(target.calls).containsExactly("prepare orders 0");
    assertThat(target.migrations).containsExactly(ORDERS);
    assertThat(target.rows)
        .as("nothing written")
        .allSatisfy((t, rows) -> assertThat(rows).isEmpty());

    relay.apply(List.of(order(1, upsert("INSERT", "o1", 1, ""))));
    assertThat(target.binds).as("the batch finds the binding").containsExactly(ORDERS);
    assertThat(target.migrations).containsExactly(ORDERS);
    assertThat(target.rows.get(ORDERS)).hasSize(1);

    // A table the routes skip is left alone.
    Relay onlyUsers =
        new Relay(
            target,
            new RelaySettings(
                new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of("users")),
                DeleteMode.HARD,
                TtlPolicy.SAME,
                null,
                RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
                false),
            CLOCK);
    onlyUsers.prepare("invoices", keys);
    assertThat(target.binds).containsExactly(ORDERS);
  }

  @Test
  void relaysSharingTheirStateBindATableOnceAndPurgeItOncePerHorizon() {
    long day = java.time.Duration.ofDays(1).toNanos() / 1_000;
    Relay.Shared shared = Relay.sharedState();
    Relay a = new Relay(target, bySourceTable(), CLOCK, shared);
    Relay b = new Relay(target, bySourceTable(), CLOCK, shared);
    // Both use the table: changes of the epoch's first day, for which no purge is due.
    a.apply(List.of(order(1, upsert("INSERT", "o1", 1, ""))));
    b.apply(List.of(order(2, upsert("INSERT", "o2", 2, ""))));
    assertThat(target.binds).as("one binding for both").containsExactly(ORDERS);
    // Changes 400 days later: A purges, and B finds the horizon A moved instead of purging again.
    a.apply(List.of(order(3, upsert("INSERT", "o1", 400 * day, ""))));
    b.apply(List.of(order(4, upsert("INSERT", "o2", 400 * day + 1, ""))));
    assertThat(target.purges).containsExactly(ORDERS);
    assertThat(target.binds).as("read again once after the purge").containsExactly(ORDERS, ORDERS);

    // Without shared state, each relay binds the table, and D purges again with the horizon it
    // read before C moved it.
    Relay c = new Relay(target, bySourceTable(), CLOCK);
    Relay d = new Relay(target, bySourceTable(), CLOCK);
    c.apply(List.of(user(5, upsert("INSERT", "u1", 1, ""))));
    d.apply(List.of(user(6, upsert("INSERT", "u2", 2, ""))));
    c.apply(List.of(user(7, upsert("INSERT", "u1", 400 * day, ""))));
    d.apply(List.of(user(8, upsert("INSERT", "u2", 400 * day + 1, ""))));
    assertThat(target.binds).containsExactly(ORDERS, ORDERS, USERS, USERS);
    assertThat(target.purges).containsExactly(ORDERS, USERS, USERS);
  }

  @Test
  void aChangeOlderThanAnHourIsJudgedAgainstAHorizonReadAgainNotOneCachedForMinutes() {
    io.cdcrelay.testing.MovingClock clock = new io.cdcrelay.testing.MovingClock(CLOCK.instant());
    long now = CLOCK.instant().toEpochMilli() * 1_000;
    long hour = java.time.Duration.ofHours(1).toNanos() / 1_000;
    Relay relay = new Relay(target, bySourceTable(), clock);
    relay.apply(List.of(order(1, upsert("INSERT", "o1", now - hour / 2, ""))));
    // Its own first purge (8 days back) read the binding again after.
    relay.apply(List.of(order(2, upsert("INSERT", "o1", now - hour / 2 + 1, ""))));
    assertThat(target.binds).containsExactly(ORDERS, ORDERS);
    // Another process purges (relay purge --older-than 90m): the tombstones before it are gone.
    target.advancePurgeHorizon(ORDERS, CLOCK.instant().minus(java.time.Duration.ofMinutes(90)));
    clock.advance(java.time.Duration.ofSeconds(5));

    // A change of the last half hour goes by the cached horizon: no horizon can have passed it.
    BatchResult recent =
        relay.apply(List.of(order(3, upsert("INSERT", "o2", now - hour / 2 + 2, ""))));
    assertThat(recent.deadLettered()).isZero();
    assertThat(target.binds).containsExactly(ORDERS, ORDERS);

    // One of two hours ago is judged against the horizon read again, not the one cached.
    BatchResult old = relay.apply(List.of(order(4, upsert("INSERT", "o3", now - 2 * hour, ""))));
    assertThat(old.deadLettered()).isEqualTo(1);
    assertThat(target.binds).containsExactly(ORDERS, ORDERS, ORDERS);
    assertThat(target.rows.get(ORDERS)).doesNotContainKey("{\"id\":\"o3\"}");
    assertThat(target.deadLetters.values().stream().flatMap(List::stream))
        .extracting(DeadLetter::stage)
        .containsExactly("too-old");
  }

  @Test
  void aChangeDatedAfterTheClockMovesThePurgeHorizonNoFurtherThanTheClock() {
    long day = java.time.Duration.ofDays(1).toNanos() / 1_000;
    long now = CLOCK.instant().toEpochMilli() * 1_000;
    Relay relay = new Relay(target, bySourceTable(), CLOCK);
    // A producer's clock a month ahead: the horizon it would set (a month less 8 days ahead)
    // would make every change the stream delivers from now on a dead letter "too-old".
    relay.apply(List.of(order(1, upsert("INSERT", "o1", now + 30 * day, ""))));
    assertThat(target.purges).containsExactly(ORDERS);

    BatchResult yesterday = relay.apply(List.of(order(2, upsert("INSERT", "o2", now - day, ""))));

    assertThat(yesterday.deadLettered()).isZero();
    assertThat(target.rows.get(ORDERS)).containsKeys("{\"id\":\"o1\"}", "{\"id\":\"o2\"}");
  }

  @Test
  void aPurgeThatFailsLeavesTheBatchAppliedCountedAndTriedAgainByTheNext() {
    long day = java.time.Duration.ofDays(1).toNanos() / 1_000;
    target.unavailableAt("purgeTombstones", 1);
    Relay relay = new Relay(target, bySourceTable(), CLOCK);

    BatchResult first =
        relay.apply(
            List.of(
                order(1, upsert("INSERT", "o1", 400 * day, "")),
                order(2, remove("o2", 400 * day + 1))),
            "arn:stream");

    assertThat(first.succeeded()).as(first.toString()).isTrue();
    assertThat(first.upserted()).isEqualTo(1);
    assertThat(first.deleted()).isEqualTo(1);
    assertThat(target.status).hasSize(1);
    assertThat(target.purges).containsExactly(ORDERS);

    // The horizon moved before the purge failed: the next step (an hour of changes on) purges.
    relay.apply(List.of(order(3, upsert("INSERT", "o3", 400 * day + 2, ""))));
    assertThat(target.purges).containsExactly(ORDERS);
    relay.apply(List.of(order(4, upsert("INSERT", "o4", 400 * day + day / 24 + 3, ""))));
    assertThat(target.purges).as("tried again").containsExactly(ORDERS, ORDERS);
  }

  @Test
  void aLoadsRowsMoveNoPurgeHorizonTheStreamsChangesDo() {
    long day = java.time.Duration.ofDays(1).toNanos() / 1_000;
    Relay relay = new Relay(target, bySourceTable(), CLOCK);
    // Rows of a full load 400 days in: read versions, which the stream's maintenance leaves alone.
    relay.applyDecoded(List.of(loaded("o1", 400 * day), loaded("o2", 400 * day)));
    assertThat(target.rows.get(ORDERS)).hasSize(2);
    assertThat(target.purges).as("a load purges nothing").isEmpty();
    // A change of the stream, as new, moves the horizon and purges.
    relay.apply(List.of(order(1, upsert("INSERT", "o1", 400 * day + 1, ""))));
    assertThat(target.purges).containsExactly(ORDERS);
  }

  /** An item of a full load, as the snapshot hands it over: a read version, sequence "0". */
  private static io.cdcrelay.change.Decoded loaded(String id, long micros) {
    Map<String, io.cdcrelay.change.AttributeValue> keys =
        Map.of("id", new io.cdcrelay.change.AttributeValue.S(id));
    SourceRecord source =
        new SourceRecord(
            "snapshot",
            io.cdcrelay.change.ChangeVersion.LOWEST_SEQUENCE,
            new byte[0],
            Instant.EPOCH);
    return new io.cdcrelay.change.Decoded.Ok(
        new io.cdcrelay.change.Change(
            io.cdcrelay.change.Operation.INSERT,
            "orders",
            keys,
            keys,
            Map.of(),
            micros,
            false,
            source));
  }

  @Test
  void aMoveOfFlaggedRowsThatFailedIsTriedAgainByTheNextBatch() {
    target.unavailableAt("migrateTombstoneRows", 1);
    Relay.Shared shared = Relay.sharedState();

    BatchResult failed =
        new Relay(target, bySourceTable(), CLOCK, shared)
            .apply(List.of(order(1, upsert("INSERT", "o1", 1, ""))));
    BatchResult retried =
        new Relay(target, bySourceTable(), CLOCK, shared)
            .apply(List.of(order(1, upsert("INSERT", "o1", 1, ""))));

    assertThat(failed.succeeded()).isFalse();
    assertThat(retried.succeeded()).isTrue();
    assertThat(target.migrations).containsExactly(ORDERS, ORDERS);
  }

  @Test
  void whenTheDatabaseGoesAwayMidBatchTheBatchFailsFromTheFirstRecordNotApplied() {
    // orders (records 1 and 3, one of them a delete) are applied; users (2 and 4) are not.
    target.unavailableAt("upsert", 2);

    BatchResult result =
        apply(
            bySourceTable(),
            order(1, upsert("INSERT", "o1", 1, "")),
            user(2, upsert("INSERT", "u1", 2, "")),
            order(3, remove("o2", 3)),
            user(4, upsert("INSERT", "u2", 4, "")));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedFrom()).contains(sequenceNumber(2));
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"o1\"}");
    assertThat(target.rows.get(USERS)).isEmpty();
    assertThat(target.calls).contains("removeIfNotNewer orders 1").endsWith("reset");
  }

  @Test
  void whenNothingWasAppliedTheBatchFailsFromItsFirstRecord() {
    target.unavailableAt("upsert", 1);

    BatchResult result =
        apply(
            bySourceTable(),
            order(5, upsert("INSERT", "o1", 1, "")),
            order(6, upsert("INSERT", "o2", 2, "")));

    assertThat(result.failedFrom()).contains(sequenceNumber(5));
  }

  /** Routes DynamoDB tables orders and users only, skipping every other; with TTL policy ttl. */
  private static RelaySettings ordersAndUsers(TtlPolicy ttl) {
    return new RelaySettings(
        new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of("orders", "users")),
        DeleteMode.HARD,
        ttl,
        null,
        RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
        false);
  }

  @Test
  void aFailedBatchIsRetriedFromItsFirstRecordNotSettledNotFromOneAlreadySetAside() {
    // Before users' write fails, each kind of settled record comes first in the batch: one of a
    // table the include list skips, one TTL deletion the keep policy leaves alone, one row the
    // database refuses every time (a dead letter). None needs applying again.
    target.rejectRows(row -> row.pkJson().contains("\"o2\"") ? "the row of o2 is refused" : null);
    target.unavailableAt("upsert", 2);

    BatchResult result =
        apply(
            ordersAndUsers(TtlPolicy.KEEP),
            record(1, inTable(upsert("INSERT", "x", 1, ""), "other")),
            order(2, Records.expire("o1", 2, "v")),
            order(3, upsert("INSERT", "o2", 3, "")),
            order(4, upsert("INSERT", "o3", 4, "")),
            user(5, upsert("INSERT", "u1", 5, "")));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedFrom()).contains(sequenceNumber(5));
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"o3\"}");
    assertThat(target.deadLetters.get(ORDERS))
        .singleElement()
        .satisfies(
            letter -> assertThat(letter.source().sequenceNumber()).isEqualTo(sequenceNumber(3)));
  }

  @Test
  void aBatchWhoseEveryRecordWasSetAsideSucceedsAndCountsThem() {
    BatchResult result =
        apply(
            ordersAndUsers(TtlPolicy.KEEP),
            record(1, inTable(upsert("INSERT", "x", 1, ""), "other")),
            order(2, Records.expire("o1", 2, "v")),
            new SourceRecord(
                "shardId-000000000000",
                sequenceNumber(3),
                "{not json".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.skipped()).isEqualTo(1);
    assertThat(result.expired()).isEqualTo(1);
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(result.upserted()).isZero();
  }

  @Test
  void aWholeBatchFailureIsRetriedThenReplayedRowByRowAndOnlyTheNamedAttributeMovesToAux() {
    target
        .failWholeBatches("ERROR: the batch failed", "ERROR: the batch failed again")
        .rejectRows(
            row ->
                row.dataJson() != null && row.dataJson().contains("\"price\"")
                    ? "Cannot cast object element `price` with value `cheap` to type `bigint`"
                    : null);

    BatchResult result =
        apply(
            bySourceTable(),
            order(1, upsert("INSERT", "a", 1, "\"name\":{\"S\":\"x\"}")),
            order(2, upsert("INSERT", "b", 2, "\"price\":{\"S\":\"cheap\"},\"n\":{\"N\":\"1\"}")),
            order(3, upsert("INSERT", "c", 3, "\"name\":{\"S\":\"z\"}")));

    assertThat(result.succeeded()).isTrue();
    assertThat(target.calls)
        .containsExactly(
            "prepare orders 0",
            "upsert orders 3",
            "refreshColumnTypes orders 0",
            "upsert orders 3",
            "upsertEach orders 3",
            "refreshColumnTypes orders 0",
            "upsertEach orders 1",
            "rowVersions orders 3");
    Map<String, PlannedRow> rows = target.rows.get(ORDERS);
    assertThat(rows.get("{\"id\":\"a\"}").inAux()).isEmpty();
    assertThat(rows.get("{\"id\":\"c\"}").inAux()).isEmpty();
    assertThat(rows.get("{\"id\":\"b\"}").inAux()).containsExactly("price");
    assertThat(result.upserted()).isEqualTo(3);
    assertThat(result.rerouted()).isEqualTo(1);
    assertThat(result.deadLettered()).isZero();
  }

  @Test
  void aColumnAnotherWriterJustCreatedWithAnotherTypeIsReadBackAndTheBatchPlannedAgain() {
    // Another writer created data['x'] as BOOLEAN after this relay read the table's types: the
    // batch plans x as a new DOUBLE column, which the target refuses to create; a number written
    // into a boolean column would be stored as false.
    target.columnCreatedElsewhere(ORDERS, List.of("x"), new ColumnType(ColumnType.Base.BOOLEAN, 0));

    BatchResult result =
        apply(
            bySourceTable(),
            order(1, upsert("INSERT", "a", 1, "\"x\":{\"N\":\"42.5\"}")),
            order(2, upsert("INSERT", "b", 2, "\"x\":{\"BOOL\":true}")));

    assertThat(result.succeeded()).isTrue();
    assertThat(target.calls)
        .containsExactly(
            "prepare orders 0",
            "upsert orders 2",
            "refreshColumnTypes orders 0",
            "upsert orders 2",
            "rowVersions orders 2");
    Map<String, PlannedRow> rows = target.rows.get(ORDERS);
    assertThat(rows.get("{\"id\":\"a\"}").inAux()).containsExactly("x");
    // b was planned with x in aux (its batch-mate a was to create x as a number); planned again,
    // its boolean fits the column.
    assertThat(rows.get("{\"id\":\"b\"}").inAux()).isEmpty();
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(result.rerouted()).isEqualTo(1);

    // The types are known now: a batch that creates no column reads none.
    target.calls.clear();
    apply(bySourceTable(), order(3, upsert("INSERT", "c", 3, "\"x\":{\"BOOL\":false}")));
    assertThat(target.calls)
        .containsExactly("prepare orders 0", "upsert orders 1", "rowVersions orders 1");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Cannot cast object element `price` with value `cheap` to type `bigint`",
        "Cannot cast value `cheap` to type `bigint` of column data['price']",
        "Mixed dataTypes inside a list are not supported. Found object and string for 'price'",
        "column \"price\" is of type bigint but expression is of type text",
        "Cannot cast object element `price['amount']` with value `x` to type `bigint`",
      })
  void theAttributeAnErrorNamesIsTheOneMovedToAux(String error) {
    target.rejectRows(
        row -> row.dataJson() != null && row.dataJson().contains("\"price\"") ? error : null);

    BatchResult result =
        apply(
            bySourceTable(),
            order(
                1,
                upsert(
                    "INSERT",
                    "b",
                    2,
                    "\"price\":{\"M\":{\"amount\":{\"S\":\"x\"}}},\"pricey\":{\"N\":\"1\"}")));

    assertThat(result.rerouted()).isEqualTo(1);
    assertThat(target.rows.get(ORDERS).get("{\"id\":\"b\"}").inAux()).containsExactly("price");
  }

  @Test
  void aRowThatFailsEveryAttemptIsADeadLetterAndTheBatchSucceeds() {
    target.rejectRows(row -> row.pkJson().contains("\"b\"") ? "the row of b is refused" : null);

    BatchResult result =
        apply(
            bySourceTable(),
            order(1, upsert("INSERT", "a", 1, "")),
            order(2, upsert("INSERT", "b", 2, "\"v\":{\"N\":\"2\"}")),
            order(3, upsert("INSERT", "c", 3, "")));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"c\"}");
    DeadLetter letter = target.deadLetters.get(ORDERS).get(0);
    assertThat(letter.stage()).isEqualTo("write");
    assertThat(letter.reason()).isEqualTo("the row of b is refused");
    assertThat(letter.source().sequenceNumber()).isEqualTo(sequenceNumber(2));
  }

  @Test
  void aRecordThatCannotBeDecodedIsADeadLetterOfNoTableAndTheOthersAreApplied() {
    SourceRecord poison =
        new SourceRecord(
            "shardId-000000000000",
            sequenceNumber(2),
            "{not json".getBytes(StandardCharsets.UTF_8),
            Instant.EPOCH);

    BatchResult result = apply(bySourceTable(), order(1, upsert("INSERT", "a", 1, "")), poison);

    assertThat(result.succeeded()).isTrue();
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"a\"}");
    assertThat(target.deadLetters.get(InMemoryTarget.STATE))
        .singleElement()
        .satisfies(letter -> assertThat(letter.stage()).isEqualTo("decode"));
  }

  @Test
  void aDeadLetterThatCannotBeStoredFailsTheBatchFromItsRecord() {
    target.unavailableAt("deadLetter", 1);

    BatchResult result =
        apply(
            bySourceTable(),
            order(1, upsert("INSERT", "a", 1, "")),
            record(2, upsert("INSERT", "nameless", 2, "").replace("\"tableName\":\"demo\",", "")));

    assertThat(result.failedFrom()).contains(sequenceNumber(2));
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"a\"}");
  }

  @Test
  void anAppliedBatchAddsOneStatusRowPerTargetTableWithItsLastRecordNewestChangeAndCounts() {
    BatchResult result =
        new Relay(target, bySourceTable(), CLOCK)
            .apply(
                List.of(
                    order(1, upsert("INSERT", "o1", 1_000_000, "")),
                    user(2, upsert("INSERT", "u1", 2_000_000, "")),
                    order(3, remove("o2", 3_000_000)),
                    order(4, upsert("MODIFY", "o1", 1_500_000, ""))),
                "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc");

    assertThat(result.succeeded()).isTrue();
    assertThat(target.status).hasSize(2);
    Target.Status orders = target.status.get(0);
    assertThat(orders.source()).isEqualTo("arn:aws:kinesis:eu-central-1:123456789012:stream/cdc");
    assertThat(orders.shardId()).isEqualTo("shardId-000000000000");
    assertThat(orders.table()).isEqualTo(ORDERS);
    assertThat(orders.lastSequenceNumber()).isEqualTo(sequenceNumber(4));
    assertThat(orders.newestChangeAt()).isEqualTo(Instant.ofEpochSecond(3));
    assertThat(orders.appliedAt()).isEqualTo(CLOCK.instant());
    assertThat(orders.received()).isEqualTo(3);
    assertThat(orders.upserted()).isEqualTo(1);
    assertThat(orders.deleted()).isEqualTo(1);
    Target.Status users = target.status.get(1);
    assertThat(users.table()).isEqualTo(USERS);
    assertThat(users.lastSequenceNumber()).isEqualTo(sequenceNumber(2));
    assertThat(users.received()).isEqualTo(1);
  }

  @Test
  void aFailedBatchAddsNoStatusAndAStatusThatCannotBeStoredDoesNotFailTheBatch() {
    target.unavailableAt("upsert", 1);
    BatchResult failed =
        new Relay(target, bySourceTable(), CLOCK)
            .apply(List.of(order(1, upsert("INSERT", "o1", 1, ""))), "arn:stream");
    assertThat(failed.succeeded()).isFalse();
    assertThat(target.status).isEmpty();

    target.unavailableAt("recordStatus", 1);
    BatchResult applied =
        new Relay(target, bySourceTable(), CLOCK)
            .apply(List.of(order(2, upsert("INSERT", "o2", 2, ""))), "arn:stream");
    assertThat(applied.succeeded()).isTrue();
    assertThat(target.rows.get(ORDERS)).containsKey("{\"id\":\"o2\"}");
  }

  @Test
  void aSingleTableTargetBoundByThisVeryBatchTakesOnlyItsOwnDynamoDbTable() {
    BatchResult result =
        apply(
            RelaySettings.single("doc", "orders"),
            order(1, upsert("INSERT", "o1", 1, "")),
            user(2, upsert("INSERT", "u1", 2, "")),
            order(3, upsert("INSERT", "o2", 3, "")));

    assertThat(result.succeeded()).isTrue();
    assertThat(target.rows.get(ORDERS)).containsOnlyKeys("{\"id\":\"o1\"}", "{\"id\":\"o2\"}");
    assertThat(target.deadLetters.get(InMemoryTarget.STATE))
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.stage()).isEqualTo("route");
              assertThat(letter.source().sequenceNumber()).isEqualTo(sequenceNumber(2));
              assertThat(letter.reason())
                  .startsWith("the change is of DynamoDB table \"users\"")
                  .contains("bound to DynamoDB table \"orders\"");
            });
    assertThat(result.tables())
        .singleElement()
        .satisfies(t -> assertThat(t.received()).isEqualTo(2));
  }
}
