package io.cdcrelay.cli;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes to a table from one thread — puts, updates, deletes, re-inserts of {@code keys} keys
 * {@code PREFIX0…} — and mirrors each write into a Kinesis stream as a "Kinesis Data Streams for
 * DynamoDB" record created at the write's time (neither moto nor dynalite streams a table into
 * Kinesis); records are put in shuffled batches, a tenth of them twice, as AWS may deliver them.
 */
final class MirroredWriters {
  private final DynamoDbEmulator dynamo;
  private final String table;
  private final KinesisEmulator kinesis;
  private final String stream;
  private final String prefix;
  private final int keys;
  private final Random random;
  private final AtomicBoolean running = new AtomicBoolean(true);
  // Held by the writer around each write; a fair lock, so that pause() gets it next.
  private final ReentrantLock gate = new ReentrantLock(true);
  private final List<Map.Entry<String, byte[]>> pending = new ArrayList<>();
  private Thread thread;
  private volatile int writes;
  private volatile int maxWrites = Integer.MAX_VALUE;
  private volatile long lastMicros;

  MirroredWriters(
      DynamoDbEmulator dynamo,
      String table,
      KinesisEmulator kinesis,
      String stream,
      String prefix,
      int keys,
      long seed) {
    this.dynamo = dynamo;
    this.table = table;
    this.kinesis = kinesis;
    this.stream = stream;
    this.prefix = prefix;
    this.keys = keys;
    this.random = new Random(seed);
  }

  void start() {
    start(Integer.MAX_VALUE);
  }

  /**
   * Starts writing, and stops by itself after {@code maxWrites}: a stream relay that runs until it
   * has caught up ({@code once=true}) while the writers go on may never end (one such test ran for
   * 338 s, 42,000 records, on a busy machine).
   */
  void start(int maxWrites) {
    this.maxWrites = maxWrites;
    thread = new Thread(this::write, "writers");
    thread.start();
  }

  int writes() {
    return writes;
  }

  /**
   * Waits until the current write is done and holds the writer; returns a time after every write so
   * far, as their mirrored records date them.
   */
  Instant pause() {
    gate.lock();
    long micros = Math.max(lastMicros + 1, System.currentTimeMillis() * 1000);
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
  }

  /** Lets the writer go on after {@link #pause}. */
  void resume() {
    gate.unlock();
  }

  void stop() throws InterruptedException {
    running.set(false);
    thread.join();
    flush();
  }

  private void write() {
    while (running.get() && writes < maxWrites) {
      gate.lock();
      try {
        writeOne();
      } finally {
        gate.unlock();
      }
    }
  }

  private void writeOne() {
    String id = prefix + random.nextInt(keys);
    int op = random.nextInt(10);
    if (op < 3) {
      dynamo.client().deleteItem(r -> r.tableName(table).key(Map.of("id", TestItems.s(id))));
      mirror("REMOVE", Map.of("id", TestItems.s(id)));
    } else {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("id", TestItems.s(id));
      item.put("v", TestItems.n(Integer.toString(writes)));
      item.put("name", TestItems.s("written " + writes));
      dynamo.put(table, List.of(item));
      mirror("MODIFY", item);
    }
    writes++;
    if (pending.size() >= 20) {
      flush();
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
            + table
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
