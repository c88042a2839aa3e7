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
        java.util.Optional.empty());
  }

  @Test
  void rowCrateDbDropsSilentlyInABulkIsReportedAsFailedAndTheOthersAreWritten() throws Exception {
    TableName table = new TableName(crateDb.schema(), "target_" + ProcessHandle.current().pid());
    try (JdbcTarget target =
        new JdbcTarget(
            crateDb.url(crateDb.host(), crateDb.port(), table),
            () -> null,
            Clock.systemUTC(),
            30)) {
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

  @Test
  void aTableNameCrateDbRefusesIsBadConfigurationNotAnOutage() {
    TableName table = new TableName(crateDb.schema(), "bad*name_" + ProcessHandle.current().pid());
    try (JdbcTarget target =
        new JdbcTarget(
            crateDb.url(crateDb.host(), crateDb.port(), table),
            () -> null,
            Clock.systemUTC(),
            30)) {
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
