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

  @Test
  void itemsSetAsideAsDeadLettersMakeTheLoadExitWithThreeNamingThem() throws Exception {
    // The reference tool's table for a number key: a BIGINT key column holds no 1.5.
    try (java.sql.Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" OBJECT(STRICT) AS (\"id\" BIGINT PRIMARY KEY), \"data\" OBJECT(DYNAMIC),"
              + " \"aux\" OBJECT(IGNORED))");
    }
    dynamo.createTable(source, "id:N", null);
    dynamo.put(
        source,
        java.util.List.of(
            java.util.Map.of("id", io.cdcrelay.snapshot.TestItems.n("1")),
            java.util.Map.of("id", io.cdcrelay.snapshot.TestItems.n("1.5")),
            java.util.Map.of("id", io.cdcrelay.snapshot.TestItems.n("2"))));

    Run run = run("load", dynamo.url(source, ""), target());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
    assertThat(run.output())
        .contains("3 items in 1 segment")
        .contains("1 dead-lettered")
        .contains("1 item set aside as a dead letter is not in " + table);
    assertThat(io.cdcrelay.testing.TableRows.count(database(), table)).isEqualTo(2);
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
