package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.testing.InMemoryTarget;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Changes the ordering guard leaves alone are counted as stale — in the batch result, per table and
 * in the status rows — against an {@link InMemoryTarget}; a change superseded within its batch is
 * coalesced, a change applied again is not stale.
 */
class StaleCountTest {

  private static final TableName TABLE = new TableName("doc", "t");
  private static final String STREAM = "arn:aws:kinesis:eu-central-1:123456789012:stream/s";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
  private static final long BASE = 1_720_000_000_000_000L;

  private final InMemoryTarget target = new InMemoryTarget();

  private Relay relay(DeleteMode deletes) {
    return new Relay(target, RelaySettings.single("doc", "t").withDeletes(deletes), CLOCK);
  }

  @Test
  void anOlderChangeAfterANewerOneIsStaleNotUpserted() {
    Relay relay = relay(DeleteMode.HARD);
    relay.apply(List.of(record(2, upsert("MODIFY", "a", BASE + 2, ""))), STREAM);

    BatchResult late =
        relay.apply(
            List.of(
                record(1, upsert("INSERT", "a", BASE + 1, "")),
                record(3, upsert("INSERT", "b", BASE + 3, ""))),
            STREAM);

    assertThat(late.stale()).isEqualTo(1);
    assertThat(late.upserted()).isEqualTo(1);
    assertThat(late.tables())
        .singleElement()
        .extracting(BatchResult.TableCounts::stale)
        .isEqualTo(1);
    assertThat(target.status).last().extracting(Target.Status::stale).isEqualTo(1L);
    assertThat(BatchLog.text(late)).contains(" stale=1 ");
  }

  @Test
  void aDeleteOlderThanTheRowOrThanAnEarlierDeleteIsStale() {
    Relay relay = relay(DeleteMode.HARD);
    relay.apply(
        List.of(record(5, upsert("MODIFY", "a", BASE + 5, "")), record(6, remove("b", BASE + 6))),
        STREAM);

    BatchResult late =
        relay.apply(List.of(record(4, remove("a", BASE + 4)), record(3, remove("b", BASE + 3))));

    assertThat(late.stale()).isEqualTo(2);
    assertThat(late.deleted()).isZero();
    assertThat(target.rows.get(TABLE)).containsOnlyKeys("{\"id\":\"a\"}");
  }

  @Test
  void anOlderInsertAfterTheDeleteOfItsItemIsStaleAndStaysDeleted() {
    Relay relay = relay(DeleteMode.HARD);
    relay.apply(List.of(record(2, remove("a", BASE + 2))));

    BatchResult zombie = relay.apply(List.of(record(1, upsert("INSERT", "a", BASE + 1, ""))));

    assertThat(zombie.stale()).isEqualTo(1);
    assertThat(zombie.upserted()).isZero();
    assertThat(target.rows.get(TABLE)).isEmpty();
  }

  @Test
  void everyRowAHardModeWriteLandsIsCheckedAgainstTombstones() {
    // A row found in place may be one a writer left that stopped before its check: no row is
    // taken for not deleted because it was there.
    target.reportStoredVersions();
    Relay relay = relay(DeleteMode.HARD);
    relay.apply(
        List.of(record(1, upsert("INSERT", "a", BASE + 1, "")), record(2, remove("d", BASE + 9))));
    relay.apply(
        List.of(
            record(3, upsert("MODIFY", "a", BASE + 3, "")),
            record(4, upsert("INSERT", "b", BASE + 4, ""))));
    BatchResult zombie =
        relay.apply(
            List.of(
                record(5, upsert("MODIFY", "a", BASE + 5, "")),
                record(6, upsert("INSERT", "d", BASE + 6, ""))));

    // Both rows of every batch.
    assertThat(target.tombstoneLookups).containsExactly(2, 2, 2);
    assertThat(zombie.stale()).isEqualTo(1);
    assertThat(zombie.upserted()).isEqualTo(1);
    assertThat(target.rows.get(TABLE)).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
  }

  @Test
  void aRowTheGuardKeptForANewerChangeIsStillCheckedAgainstTombstones() {
    // What a writer stopped before its tombstone check (a at +1), then a duplicate of an
    // intermediate change that found that row in place and looked up no tombstone (a at +2),
    // leave behind a delete at +3: a row its tombstone says is deleted.
    target.reportStoredVersions();
    Relay relay = relay(DeleteMode.HARD);
    relay.apply(List.of(record(1, upsert("INSERT", "a", BASE + 2, ""))));
    InMemoryTarget deleted = new InMemoryTarget();
    new Relay(deleted, RelaySettings.single("doc", "t").withDeletes(DeleteMode.HARD), CLOCK)
        .apply(List.of(record(3, remove("a", BASE + 3))));
    String pk = "{\"id\":\"a\"}";
    target.tombstoneOnly(TABLE, pk, deleted.tombstoneVersions(TABLE, List.of(pk)).get(pk));

    // The stopped writer's batch, delivered again: its row is older than the one in place.
    BatchResult again = relay.apply(List.of(record(2, upsert("INSERT", "a", BASE + 1, ""))));

    assertThat(again.stale()).isEqualTo(1);
    assertThat(target.rows.get(TABLE)).isEmpty();
  }

  @Test
  void aStoppedWritersRowOverwrittenByChangesOlderThanItsDeleteIsRemoved() {
    // A writer stopped after writing a at +10 over a delete at +30: the tombstone stands, the row
    // is back. A duplicate of a change at +20 finds it in place; then the stopped writer's records
    // come back in a bigger batch, a coalesced to its change at +25: every one older than +30.
    target.reportStoredVersions();
    Relay relay = relay(DeleteMode.HARD);
    String a = "{\"id\":\"a\"}";
    relay.apply(
        List.of(
            record(1, upsert("INSERT", "a", BASE + 10, "")),
            record(2, upsert("INSERT", "z", BASE, ""))));
    InMemoryTarget deleted = new InMemoryTarget();
    new Relay(deleted, RelaySettings.single("doc", "t").withDeletes(DeleteMode.HARD), CLOCK)
        .apply(List.of(record(9, remove("a", BASE + 30))));
    target.tombstoneOnly(TABLE, a, deleted.tombstoneVersions(TABLE, List.of(a)).get(a));
    relay.apply(
        List.of(
            record(3, upsert("MODIFY", "a", BASE + 20, "")),
            record(4, upsert("MODIFY", "z", BASE + 1, ""))));

    BatchResult again =
        relay.apply(
            List.of(
                record(1, upsert("INSERT", "a", BASE + 10, "")),
                record(2, upsert("INSERT", "z", BASE, "")),
                record(5, upsert("MODIFY", "a", BASE + 25, ""))));

    assertThat(again.succeeded()).isTrue();
    assertThat(target.rows.get(TABLE))
        .as("a was deleted at +30, after every change of it")
        .containsOnlyKeys("{\"id\":\"z\"}");
  }

  @Test
  void aChangeAppliedAgainOrSupersededInItsBatchIsNotStale() {
    Relay relay = relay(DeleteMode.HARD);
    List<io.cdcrelay.change.SourceRecord> batch =
        List.of(
            record(2, upsert("MODIFY", "a", BASE + 2, "")),
            record(1, upsert("INSERT", "a", BASE + 1, "")),
            record(3, remove("b", BASE + 3)));
    BatchResult first = relay.apply(batch);
    BatchResult again = relay.apply(batch);

    assertThat(first.stale()).isZero();
    assertThat(first.coalesced()).isEqualTo(1);
    assertThat(again.stale()).isZero();
    assertThat(again.upserted()).isEqualTo(1);
    assertThat(again.deleted()).isEqualTo(1);
  }

  @Test
  void theStaleCheckIsOneKeyLookupPerTableAndBatch() {
    relay(DeleteMode.HARD)
        .apply(
            List.of(
                record(1, upsert("INSERT", "a", BASE + 1, "")),
                record(2, upsert("INSERT", "b", BASE + 2, "")),
                record(3, remove("c", BASE + 3))));

    assertThat(target.calls.stream().filter(c -> c.startsWith("rowVersions")))
        .containsExactly("rowVersions t 3");
  }

  @ParameterizedTest(name = "deletes={0}")
  @EnumSource(DeleteMode.class)
  void aShuffledDuplicatedReplayCountsExactlyTheStaleChanges(DeleteMode deletes) {
    for (long seed = 1; seed <= 8; seed++) {
      InMemoryTarget fresh = new InMemoryTarget();
      Relay relay = new Relay(fresh, RelaySettings.single("doc", "t").withDeletes(deletes), CLOCK);
      ShuffledReplay replay = new ShuffledReplay(seed, 60, 6);
      int stale = 0;
      int coalesced = 0;
      for (List<ShuffledReplay.Change> batch : replay.batches) {
        BatchResult result = relay.apply(ShuffledReplay.records(batch, BASE), STREAM);
        assertThat(result.succeeded()).isTrue();
        stale += result.stale();
        coalesced += result.coalesced();
      }
      assertThat(stale).as("seed %d", seed).isEqualTo(replay.stale).isPositive();
      assertThat(coalesced).as("seed %d", seed).isEqualTo(replay.coalesced);
      assertThat(fresh.status.stream().mapToLong(Target.Status::stale).sum()).isEqualTo(stale);
      // The table ends as the newest change of each item says.
      Map<String, io.cdcrelay.plan.PlannedRow> rows = fresh.rows.get(TABLE);
      for (ShuffledReplay.Change newest : replay.newest.values()) {
        String pk = "{\"id\":\"" + newest.item() + "\"}";
        if (newest.delete() && deletes == DeleteMode.HARD) {
          assertThat(rows).as("seed %d", seed).doesNotContainKey(pk);
        } else {
          assertThat(rows.get(pk).deleted()).as("seed %d", seed).isEqualTo(newest.delete());
          assertThat(rows.get(pk).winner().source().sequenceNumber())
              .isEqualTo(io.cdcrelay.testing.Records.sequenceNumber(newest.n()));
        }
      }
    }
  }

  @Test
  void whenTheDatabaseGoesAwayWhileCountingTheWrittenRowsAreAppliedAndNoStatusIsStored() {
    target.unavailableAt("rowVersions", 2);
    Relay relay =
        new Relay(
            target,
            new RelaySettings(
                new io.cdcrelay.route.TableRoutes(
                    "doc", null, java.util.Optional.empty(), Map.of(), java.util.Set.of()),
                DeleteMode.HARD,
                io.cdcrelay.route.TtlPolicy.SAME,
                null,
                RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
                false),
            CLOCK);

    // orders (records 1 and 3) are written and counted; users (2 and 4) are written, and the
    // database goes away while their versions are read back.
    BatchResult result =
        relay.apply(
            List.of(
                record(
                    1,
                    io.cdcrelay.testing.Records.inTable(
                        upsert("INSERT", "o1", BASE + 1, ""), "orders")),
                record(
                    2,
                    io.cdcrelay.testing.Records.inTable(
                        upsert("INSERT", "u1", BASE + 2, ""), "users")),
                record(
                    3,
                    io.cdcrelay.testing.Records.inTable(
                        upsert("INSERT", "o2", BASE + 3, ""), "orders")),
                record(
                    4,
                    io.cdcrelay.testing.Records.inTable(
                        upsert("INSERT", "u2", BASE + 4, ""), "users"))),
            STREAM);

    assertThat(result.failure()).isPresent();
    assertThat(result.failedFrom()).as("every record was written").isEmpty();
    assertThat(target.rows.get(new TableName("doc", "users"))).hasSize(2);
    assertThat(target.status).isEmpty();
  }
}
