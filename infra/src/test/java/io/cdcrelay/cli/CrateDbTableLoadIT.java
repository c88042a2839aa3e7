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
    Run run = loadWithTableOptions(5, "CLUSTERED INTO 3 SHARDS WITH (number_of_replicas = 0)");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(io.cdcrelay.testing.TableRows.shards(database(), table)).isEqualTo(3);
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(5);
  }

  @Test
  void aTablePartitionedByItsKeyIsLoadedAndVerified() throws Exception {
    Run run =
        loadWithTableOptions(
            4,
            "CLUSTERED INTO 2 SHARDS PARTITIONED BY (pk['id']) WITH (number_of_replicas = '0-1')");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(4);
    assertThat(io.cdcrelay.testing.TableRows.partitions(database(), table))
        .as("a partition per item")
        .isEqualTo(4);
    Run verify = run("verify", dynamo.url(source, ""), target());
    assertThat(verify.exitCode()).as(verify.output()).isZero();
  }

  /** A load of {@code count} items from a new table into one created with the clauses. */
  private Run loadWithTableOptions(int count, String clauses) throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, io.cdcrelay.snapshot.TestItems.mixed("id", "o", count));
    return run("load", dynamo.url(source, ""), target(), "--table-options", clauses);
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
