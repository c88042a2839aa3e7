package io.cdcrelay.sink;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TableRows;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CrateDB's bulk-write facts (SPEC §6) as {@link JdbcTarget} sees them through pgjdbc. */
class CrateDbTargetIT {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  private static PlannedRow row(int n, String id, String dataJson) {
    Change change =
        ((Decoded.Ok) new DynamoDbChangeDecoder().decode(record(n, upsert("INSERT", id, n, ""))))
            .change();
    return new PlannedRow(
        "{\"id\":\"" + id + "\"}",
        change.version(),
        false,
        dataJson,
        "{}",
        Set.of(),
        change,
        List.of(change.source().sequenceNumber()),
        java.util.Optional.empty(),
        java.util.Map.of());
  }

  private static JdbcTarget target(TableName table) {
    return new JdbcTarget(
        crateDb.url(crateDb.host(), crateDb.port(), table), () -> null, Clock.systemUTC(), 30);
  }

  @Test
  void rowCrateDbDropsSilentlyInABulkIsReportedAsFailedAndTheOthersAreWritten() throws Exception {
    TableName table = new TableName(crateDb.schema(), "target_" + ProcessHandle.current().pid());
    try (JdbcTarget target = target(table)) {
      target.prepare(
          table,
          new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S))),
          false,
          io.cdcrelay.route.DeleteMode.HARD);
      // A mixed-type array is only found out while executing: CrateDB writes nothing for that
      // row and pgjdbc reports 0, the same as "no row matched".
      JdbcTarget.RowResults results =
          target.upsert(
              table,
              List.of(
                  row(1, "good1", "{\"v\":1.0}"),
                  row(2, "mixed", "{\"mixed\":[1,\"a\"]}"),
                  row(3, "good2", "{\"v\":2.0}")));
      assertThat(results.batchFailed()).isFalse();
      assertThat(results.errors().get(0)).isNull();
      assertThat(results.errors().get(1)).contains("1 was expected");
      assertThat(results.errors().get(2)).isNull();
      assertThat(TableRows.liveItems(crateDb, table))
          .containsOnlyKeys("{\"id\":\"good1\"}", "{\"id\":\"good2\"}");
    }
  }

  /**
   * CrateDB has no atomic conditional delete: the rows' revisions are read in one lookup and
   * deleted by revision in one bulk request; a row not newer than its removal goes, a newer one
   * stays, and one that another writer rewrote between the two steps is read and deleted again.
   */
  @Test
  void removalsDeleteRowsNotNewerAndReadARowRewrittenMeanwhileAgain() throws Exception {
    TableName table = new TableName(crateDb.schema(), "removals_" + ProcessHandle.current().pid());
    try (JdbcTarget target = target(table)) {
      target.prepare(
          table,
          new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S))),
          false,
          io.cdcrelay.route.DeleteMode.HARD);
      PlannedRow older = row(10, "older", "{\"v\":1}");
      PlannedRow newer = row(20, "newer", "{\"v\":2}");
      PlannedRow rewritten = row(30, "rewritten", "{\"v\":3}");
      assertThat(target.upsert(table, List.of(older, newer, rewritten)).errors())
          .containsOnlyNulls();
      target.beforeBulkDelete(
          () ->
              // A replay of the same change: the row's revision moves on, its version does not.
              assertThat(target.upsertEach(table, List.of(rewritten)).errors())
                  .containsOnlyNulls());

      int deleted =
          target.removeIfNotNewer(
              table,
              List.of(
                  removal(older, 15),
                  removal(newer, 5),
                  removal(rewritten, 35),
                  new JdbcTarget.Removal(
                      "{\"id\":\"absent\"}", row(40, "absent", "{}").version().encode())));

      assertThat(deleted).isEqualTo(2);
      assertThat(TableRows.liveItems(crateDb, table)).containsOnlyKeys("{\"id\":\"newer\"}");
    }
  }

  /** A removal of the row's item made at change {@code n}. */
  private static JdbcTarget.Removal removal(PlannedRow row, int n) {
    return new JdbcTarget.Removal(row.pkJson(), row(n, "x", "{}").version().encode());
  }

  @Test
  void aTableNameCrateDbRefusesIsBadConfigurationNotAnOutage() {
    TableName table = new TableName(crateDb.schema(), "bad*name_" + ProcessHandle.current().pid());
    try (JdbcTarget target = target(table)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  target.prepare(
                      table,
                      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S))),
                      false,
                      io.cdcrelay.route.DeleteMode.HARD))
          .isInstanceOf(BadTargetException.class)
          .hasMessageContaining("Relation name")
          .hasMessageContaining("is invalid");
    }
  }
}
