package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.Test;

/** The full load from dynalite into a real PostgreSQL server; {@code rcu} pacing is measured. */
class DynaliteTableLoadIT extends TableLoadContract {

  @Test
  void tableOptionsAreRefusedForPostgreSql() {
    dynamo.createTable(source, "id:S", null);
    Run run =
        run(
            "load",
            dynamo.url(source, ""),
            target(),
            "--table-options",
            "CLUSTERED INTO 2 SHARDS WITH (number_of_replicas = 0)");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains("table options (CLUSTERED INTO 2 SHARDS WITH (number_of_replicas = 0)) are")
        .contains("the target is PostgreSQL");
  }

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }
}
