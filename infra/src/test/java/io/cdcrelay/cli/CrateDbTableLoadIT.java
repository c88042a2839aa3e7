package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The full load from dynalite into the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbTableLoadIT extends TableLoadContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Test
  void aTableTheLoadCreatesGetsTheTableOptions() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, io.cdcrelay.snapshot.TestItems.mixed("id", "o", 5));
    Run run =
        run(
            "load",
            dynamo.url(source, ""),
            target(),
            "--table-options",
            "CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = 0)");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(io.cdcrelay.testing.TableRows.shards(database(), table)).isEqualTo(3);
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(5);
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }
}
