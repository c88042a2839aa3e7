package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
    Writers writers = new Writers(stream, 60, 7);
    writers.start();
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
    Writers writers = new Writers(stream, 60, 11);
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

  /**
   * Writes to the table from one thread — puts, updates, deletes, re-inserts of 60 keys — and
   * mirrors each write into the stream as a CDC record created at the write's time; records are put
   * in shuffled batches, a tenth of them twice.
   */
  private final class Writers {
    private final String stream;
    private final int keys;
    private final Random random;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Map.Entry<String, byte[]>> pending = new ArrayList<>();
    private Thread thread;
    private int writes;
    private long lastMicros;

    Writers(String stream, int keys, long seed) {
      this.stream = stream;
      this.keys = keys;
      this.random = new Random(seed);
    }

    void start() {
      thread = new Thread(this::write, "writers");
      thread.start();
    }

    int writes() {
      return writes;
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
      flush();
    }

    private void write() {
      while (running.get()) {
        String id = "h" + random.nextInt(keys);
        int op = random.nextInt(10);
        if (op < 3) {
          dynamo.client().deleteItem(r -> r.tableName(source).key(Map.of("id", TestItems.s(id))));
          mirror("REMOVE", Map.of("id", TestItems.s(id)));
        } else {
          Map<String, AttributeValue> item = new HashMap<>();
          item.put("id", TestItems.s(id));
          item.put("v", TestItems.n(Integer.toString(writes)));
          item.put("name", TestItems.s("written " + writes));
          dynamo.put(source, List.of(item));
          mirror("MODIFY", item);
        }
        writes++;
        if (pending.size() >= 20) {
          flush();
        }
      }
    }

    private void mirror(String event, Map<String, AttributeValue> item) {
      long micros = Math.max(lastMicros + 1, System.currentTimeMillis() * 1000);
      lastMicros = micros;
      String json =
          "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e"
              + micros
              + "\",\"eventName\":\""
              + event
              + "\",\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\""
              + source
              + "\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
              + micros
              + ",\"ApproximateCreationDateTimePrecision\":\"MICROSECOND\",\"Keys\":"
              + TestItems.dynamoDbJson(Map.of("id", item.get("id")))
              + ","
              + (event.equals("REMOVE") ? "\"OldImage\":" : "\"NewImage\":")
              + TestItems.dynamoDbJson(item)
              + ",\"SizeBytes\":100},\"eventSource\":\"aws:dynamodb\"}";
      Map.Entry<String, byte[]> record =
          new AbstractMap.SimpleEntry<>(item.get("id").s(), json.getBytes(StandardCharsets.UTF_8));
      pending.add(record);
      if (random.nextInt(10) == 0) {
        pending.add(record);
      }
    }

    private synchronized void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<Map.Entry<String, byte[]>> batch = new ArrayList<>(pending);
      pending.clear();
      Collections.shuffle(batch, random);
      kinesis.put(stream, batch);
    }
  }
}
