package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.FaultyDynamoDb;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The full load from dynalite into a real PostgreSQL server; {@code rcu} pacing is measured. */
class DynaliteTableLoadIT extends TableLoadContract {

  @Test
  void anAttributeNameOfSixtyThousandCharactersIsLoadedAndVerified() throws Exception {
    // DynamoDB takes names of up to 65,535 bytes; Jackson's parsers stop at 50,000 by default.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items =
        new java.util.ArrayList<>(TestItems.mixed("id", "l", 3));
    items.add(
        Map.of(
            "id",
            AttributeValue.fromS("long"),
            "n".repeat(60_000),
            AttributeValue.fromS("a value under a long name")));
    dynamo.put(source, items);

    Run load = run("load", dynamo.url(source, "segments=2"), target());
    assertThat(load.exitCode()).as(load.output()).isZero();
    assertLoaded(items, "id");
    Run verify = run("verify", dynamo.url(source, ""), target());
    assertThat(verify.exitCode()).as(verify.output()).isZero();
  }

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
        .contains(
            "the table options CLUSTERED INTO 2 SHARDS WITH (number_of_replicas = 0)"
                + " (CRATEDB_TABLE_OPTIONS, --table-options) are CrateDB's; the target is"
                + " PostgreSQL: unset them");
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

  @Test
  void aLoadResumedAfterThePurgeHorizonPassedItsFirstStartLoadsEveryItem() throws Exception {
    // A load stopped, then resumed 9 days after it began: meanwhile the stream relay moved the
    // table's purge horizon to 8 days before its newest change. The rows the resumed run reads
    // are dated by its own start, not the first, so none is a dead letter too-old.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "p", 60);
    dynamo.put(source, items);
    try (FaultyDynamoDb proxy = new FaultyDynamoDb(dynamo.port())) {
      proxy.failScansAfter(2);
      String url = dynamo.url(proxy.port(), source, "batch-size=10");
      Run failed = run("load", url, target(), "--give-up-after", "1s");
      assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
      assertThat(TableRows.count(database(), table)).isBetween(1L, 59L);
      proxy.heal();

      Instant firstStart = Instant.now().minus(9, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
      Instant horizon = Instant.now().minus(8, ChronoUnit.DAYS);
      TableName cursors = new TableName(table.schema(), SnapshotCursors.TABLE);
      TableName bindings = new TableName(table.schema(), StateSql.TABLES);
      try (Connection c = database().connect();
          PreparedStatement began =
              c.prepareStatement(
                  "UPDATE "
                      + cursors.quoted()
                      + " SET \"started_at\" = ? WHERE \"target_table\" = ?");
          PreparedStatement purged =
              c.prepareStatement(
                  "UPDATE "
                      + bindings.quoted()
                      + " SET \"purged_before\" = ? WHERE \"target_table\" = ?")) {
        began.setTimestamp(1, Timestamp.from(firstStart));
        began.setString(2, table.toString());
        assertThat(began.executeUpdate()).as("cursor rows").isEqualTo(2);
        purged.setTimestamp(1, Timestamp.from(horizon));
        purged.setString(2, table.toString());
        assertThat(purged.executeUpdate()).as("binding rows").isEqualTo(1);
      }
      Instant resumedAt = Instant.now();

      Run resumed = run("load", url, target());

      assertThat(resumed.exitCode()).as(resumed.output()).isZero();
      assertThat(resumed.output())
          .contains("resuming the load of " + source + " into " + table + " begun at " + firstStart)
          .contains(": 60 items")
          .contains("; 0 dead-lettered");
      assertLoaded(items, "id");
      for (TableRows.Row row : TableRows.read(database(), table).values()) {
        assertThat(ChangeVersion.decode(row.version()).createdAt()).isAfter(horizon);
      }
      // The rows the resumed run read carry its start; the cursors keep the load's first.
      assertThat(
              TableRows.read(database(), table).values().stream()
                  .map(row -> ChangeVersion.decode(row.version()).createdAt())
                  .filter(at -> !at.isBefore(resumedAt.minusSeconds(6))))
          .hasSizeBetween(1, 59);
      try (Connection c = database().connect();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT \"started_at\" FROM "
                      + cursors.quoted()
                      + " WHERE \"target_table\" = ? AND \"segment\" = -1")) {
        s.setString(1, table.toString());
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getTimestamp(1).toInstant()).isEqualTo(firstStart);
        }
      }
    }
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
