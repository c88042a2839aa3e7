package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

  @Test
  void aSegmentWhoseEndCouldNotBeRecordedIsResumedWithoutCountingItsItemsTwice() throws Exception {
    // The cursors' table exists once a load has run; a trigger then refuses to record this
    // table's segment as done, as a target failing at that very moment would.
    String empty = source + "-empty";
    dynamo.createTable(empty, "id:S", null);
    TableName emptyTarget = new TableName(table.schema(), table.table() + "_empty");
    assertThat(run("load", dynamo.url(empty, ""), target(emptyTarget)).exitCode()).isZero();
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "d", 50);
    dynamo.put(source, items);
    TableName cursors = new TableName(table.schema(), SnapshotCursors.TABLE);
    String refuse = table.table() + "_refuse_done";
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE FUNCTION "
              + new TableName(table.schema(), refuse).quoted()
              + "() RETURNS trigger AS $$ BEGIN IF NEW.\"done\" AND NEW.\"segment\" >= 0 AND"
              + " NEW.\"target_table\" = '"
              + table
              + "' THEN RAISE EXCEPTION 'recording the end refused (injected)'; END IF; RETURN"
              + " NEW; END $$ LANGUAGE plpgsql");
      s.execute(
          "CREATE TRIGGER "
              + refuse
              + " BEFORE INSERT OR UPDATE ON "
              + cursors.quoted()
              + " FOR EACH ROW EXECUTE FUNCTION "
              + new TableName(table.schema(), refuse).quoted()
              + "()");
    }
    String url = dynamo.url(source, "batch-size=10");
    Run failed;
    try {
      failed = run("load", url, target(), "--give-up-after", "1s");
    } finally {
      try (Connection c = database().connect();
          Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER " + refuse + " ON " + cursors.quoted());
      }
    }
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).contains("recording the end refused (injected)");

    Run resumed = run("load", url, target());

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output()).contains(": 50 items");
    assertThat(cursors().get(0)).isEqualTo(50L);
    assertLoaded(items, "id");
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
