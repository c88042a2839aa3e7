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

  @Test
  void aTablePartitionedByItsKeyIsLoadedAndVerified() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, io.cdcrelay.snapshot.TestItems.mixed("id", "p", 4));
    Run run =
        run(
            "load",
            dynamo.url(source, ""),
            target(),
            "--table-options",
            "CLUSTERED INTO 2 SHARDS PARTITIONED BY (pk['id']) WITH (number_of_replicas = '0-1')");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(4);
    try (java.sql.Connection c = database().connect();
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.table_partitions"
                    + " WHERE table_schema = ? AND table_name = ?")) {
      s.setString(1, table.schema());
      s.setString(2, table.table());
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("a partition per item").isEqualTo(4);
      }
    }
    Run verify = run("verify", dynamo.url(source, ""), target());
    assertThat(verify.exitCode()).as(verify.output()).isZero();
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
