package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.Test;

/**
 * The handover from a snapshot to the stream: writers keep putting, updating, deleting and
 * re-inserting items while the table is loaded; a harness mirrors every write into kinesis-local as
 * a "Kinesis Data Streams for DynamoDB" record with the write's creation time, in shuffled order
 * with duplicates (as AWS may deliver them); at the end {@code relay verify} finds the target equal
 * to the table — with the snapshot running beside the stream, and with the snapshot before it.
 */
class HandoverIT extends DynamoDbTableTest {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }

  private final KinesisEmulator kinesis = KinesisLocal.get();

  @Test
  void theSnapshotBesideTheStreamConverges() throws Exception {
    String stream = "handover-" + table.table().replace('_', '-');
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "h", 200));
    kinesis.createStream(stream, 2);
    MirroredWriters writers = new MirroredWriters(dynamo, source, kinesis, stream, "h", 60, 7);
    // Some seconds of writes: the load of 200 items takes well under one.
    writers.start(1_500);
    Run run;
    try {
      // The stream relay drains what the stream holds while the table is loaded beside it.
      run =
          run(
              "load",
              "table",
              kinesis.url(stream, "once=true&batch-size=20"),
              "--snapshot",
              dynamo.url(source, "segments=2&batch-size=10"),
              "--target",
              target());
    } finally {
      writers.stop();
    }
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("loaded " + source + " into " + table);
    assertThat(writers.writes()).as("writes during the load").isGreaterThan(10);
    // The relay goes on: what the writers wrote last.
    Run rest = run("load", "table", kinesis.url(stream, "once=true"), "--target", target());
    assertThat(rest.exitCode()).as(rest.output()).isZero();

    Run verify = run("verify", dynamo.url(source, ""), target(), "--rechecks", "1");
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": EQUAL");
  }

  @Test
  void theSnapshotBeforeTheStreamConverges() throws Exception {
    String stream = "handover-" + table.table().replace('_', '-');
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "h", 200));
    kinesis.createStream(stream, 1);
    MirroredWriters writers = new MirroredWriters(dynamo, source, kinesis, stream, "h", 60, 11);
    writers.start();
    try {
      Run load = run("load", dynamo.url(source, "segments=2&batch-size=10"), target());
      assertThat(load.exitCode()).as(load.output()).isZero();
    } finally {
      writers.stop();
    }
    assertThat(writers.writes()).as("writes during the load").isGreaterThan(10);
    Run relay = run("load", "table", kinesis.url(stream, "once=true"), "--target", target());
    assertThat(relay.exitCode()).as(relay.output()).isZero();

    Run verify = run("verify", dynamo.url(source, ""), target(), "--rechecks", "1");
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": EQUAL");
  }

  @Test
  void aRelayThatGoesOnSaysWhenTheSnapshotIsLoadedNotWhenItStops() throws Exception {
    String stream = "handover-" + table.table().replace('_', '-');
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "g", 50));
    kinesis.createStream(stream, 1);
    try (RelayProcess relay =
        RelayProcess.start(
            "load",
            "table",
            kinesis.url(stream, "idle-sleep=0.1"),
            "--snapshot",
            dynamo.url(source, "segments=2"),
            "--target",
            target())) {
      String summary = relay.awaitLine("loaded " + source + " into ", 60);
      assertThat(summary).contains("50 items");
      // Still relaying the stream: no summary was kept for its end.
      Thread.sleep(500);
      assertThat(relay.isAlive()).as(relay.output()).isTrue();
      relay.terminate();
      assertThat(relay.exitCode(30)).as(relay.output()).isZero();
      assertThat(relay.output().split("loaded " + source + " into ", -1))
          .as("the summary once")
          .hasSize(2);
    }
  }

  @Test
  void aSnapshotBesideAStreamReadFromLatestIsRefused() {
    String stream = "handover-" + table.table().replace('_', '-');
    dynamo.createTable(source, "id:S", null);
    kinesis.createStream(stream, 1);
    Run run =
        run(
            "load",
            "table",
            kinesis.url(stream, "start=latest"),
            "--snapshot",
            dynamo.url(source, ""),
            "--target",
            target());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("start=latest would skip");
  }
}
