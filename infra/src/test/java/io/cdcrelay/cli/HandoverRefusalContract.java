package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/**
 * A handover the stream relay refuses (its checkpoints in this state schema were written relaying
 * into another table, another relay holds the stream) leaves nothing of a load behind: no target
 * table, no cursors, only the refusal and exit 1 — not a load "stopped after 0 items" with advice
 * to run the same command, which would be refused the same way.
 */
abstract class HandoverRefusalContract extends DynamoDbTableTest {

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }

  private final KinesisEmulator kinesis = KinesisLocal.get();

  /** A table of 20 items, its stream relayed once into another table {@code <table>_first}. */
  private String relayedIntoAnotherTable() throws Exception {
    String stream = "refused-" + table.table().replace('_', '-');
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "r", 20));
    kinesis.createStream(stream, 1);
    TableName first = new TableName(table.schema(), table.table() + "_first");
    Run relayed = run("load", "table", kinesis.url(stream, "once=true"), "--target", target(first));
    assertThat(relayed.exitCode()).as(relayed.output()).isZero();
    return stream;
  }

  private Run handover(String stream) {
    return run(
        "load",
        "table",
        kinesis.url(stream, "once=true"),
        "--snapshot",
        dynamo.url(source, "segments=2"),
        "--target",
        target());
  }

  /** Exit 1 with the refusal alone; no target table, no cursors of a load into it. */
  private void assertRefusedLeavingNothing(Run run, String refusal) throws Exception {
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains(refusal)
        .doesNotContain("run the same command to resume")
        .doesNotContain("the load of " + source);
    assertThat(TableRows.exists(database(), table))
        .as("the target table the load would have made")
        .isFalse();
    if (TableRows.exists(database(), new TableName(table.schema(), SnapshotCursors.TABLE))) {
      assertThat(cursors()).as("cursors of a load into " + table).isEmpty();
    }
  }

  @Test
  void aHandoverOnCheckpointsWrittenForAnotherTableLeavesNoTableAndNoCursors() throws Exception {
    String stream = relayedIntoAnotherTable();

    Run run = handover(stream);

    assertRefusedLeavingNothing(run, "Give this target its own --state-schema");
    assertThat(run.output())
        .contains("were written relaying into table " + table.schema() + "." + table.table())
        .contains("_first, not table " + table);
  }

  @Test
  void aHandoverOfAStreamAnotherRelayHoldsLeavesNoTableAndNoCursors() throws Exception {
    String stream = relayedIntoAnotherTable();
    // Another relay, on another host, said a moment ago that it relays the stream.
    TableName shards = new TableName(table.schema(), StateSql.SHARDS);
    database().refresh(shards);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + shards.quoted()
                    + " SET sequence_number = ? WHERE shard_id = '(relay)' AND source LIKE ?")) {
      s.setString(1, "elsewhere:1:abcdef " + System.currentTimeMillis());
      s.setString(2, "%:stream/" + stream);
      assertThat(s.executeUpdate()).as("the lease row").isEqualTo(1);
    }
    database().refresh(shards);

    Run run = handover(stream);

    assertRefusedLeavingNothing(
        run, "another relay (elsewhere:1:abcdef) relays stream " + stream + " into this state");
  }

  @Test
  void aHandoverOfAnotherTablesDynamoDbStreamIsRefusedBeforeAnythingIsLoaded() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "o", 5));
    String otherStream =
        dynamo.url(source + "-other", "once=true").replace("dynamodb://", "dynamodb+cdc://");

    Run run =
        run(
            "load",
            "table",
            otherStream,
            "--snapshot",
            dynamo.url(source, ""),
            "--target",
            target());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "Cannot hand over: the stream is that of DynamoDB table "
                + source
                + "-other, the snapshot reads table "
                + source
                + ": a handover loads the stream's own table");
    assertThat(TableRows.exists(database(), table)).as("a target table").isFalse();
  }
}
