package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the tests of a DynamoDB table's load and verify share: an emulator and a database, a fresh
 * table of each per test, the command line run in this JVM, and the comparison of a target table's
 * rows with the items written.
 */
abstract class DynamoDbTableTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  /** The DynamoDB emulator under test. */
  abstract DynamoDbEmulator dynamoDb();

  DynamoDbEmulator dynamo;
  TableName table;
  String source;

  @BeforeEach
  void setUp() {
    dynamo = dynamoDb();
    int n = NAMES.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    table = new TableName(database().schema(), "snap_" + pid + "_" + n);
    source = "Snap-" + pid + "-" + n;
  }

  /** Skips on an emulator that reports a capacity of 1.0 whatever a Scan read (moto). */
  /** Drops the target table, as a user who wants it with other shards does. */
  void dropTarget() throws Exception {
    try (Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + table.quoted());
    }
  }

  void assumeTheEmulatorComputesCapacity(String measured) {
    Assumptions.assumeTrue(
        dynamo.computesCapacity(),
        dynamo.name()
            + " reports a ConsumedCapacity of 1.0 whatever a Scan read: "
            + measured
            + " on dynalite");
  }

  /**
   * Creates the source table (keyed by {@code id}) with {@code count} items of about 4 KB each:
   * half a read capacity unit each, read eventually consistently.
   */
  List<Map<String, AttributeValue>> putItemsOfFourKilobytes(String prefix, int count) {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", prefix, count);
    items.forEach(item -> item.put("blob", TestItems.s("z".repeat(4000))));
    dynamo.put(source, items);
    return items;
  }

  String target() {
    return target(table);
  }

  /** The target URL of a table, as a user writes it: JDBC, with the table as an option. */
  String target(TableName of) {
    return database().userUrl(of);
  }

  // --- helpers

  static List<Integer> range(int from, int to) {
    List<Integer> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      list.add(i);
    }
    return list;
  }

  /** Items per segment of this table's load (segment -1: the load's own row). */
  Map<Integer, Long> cursors() throws Exception {
    TableName cursors = new TableName(table.schema(), SnapshotCursors.TABLE);
    database().refresh(cursors);
    Map<Integer, Long> items = new TreeMap<>();
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"segment\", \"items\" FROM "
                    + cursors.quoted()
                    + " WHERE \"target_table\" = ?")) {
      s.setString(1, table.toString());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          items.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return items;
  }

  /** Items the segments of this table's load have recorded; 0 before its cursors exist. */
  long recorded() {
    try {
      return cursors().entrySet().stream()
          .filter(e -> e.getKey() >= 0)
          .mapToLong(Map.Entry::getValue)
          .sum();
    } catch (Exception e) {
      return 0;
    }
  }

  /** The table's live items are exactly {@code items}. */
  void assertLoaded(List<Map<String, AttributeValue>> items, String... keys) throws Exception {
    assertLoaded(table, items, keys);
  }

  void assertLoaded(TableName of, List<Map<String, AttributeValue>> items, String... keys)
      throws Exception {
    Map<String, JsonNode> expected = expected(List.of(keys), items);
    Set<String> numberKeys = new java.util.HashSet<>();
    for (String key : keys) {
      if (!items.isEmpty() && items.get(0).get(key).n() != null) {
        numberKeys.add(key);
      }
    }
    assertThat(live(of, List.of(keys), numberKeys)).isEqualTo(expected);
  }

  Map<String, JsonNode> live(TableName of, List<String> keys) throws Exception {
    return live(of, keys, Set.of());
  }

  /** The live items by key, the named number keys as numbers (CrateDB holds them as text). */
  Map<String, JsonNode> live(TableName of, List<String> keys, Set<String> numberKeys)
      throws Exception {
    Map<String, JsonNode> byKey = new TreeMap<>();
    for (JsonNode item : TableRows.liveItems(database(), of, numberKeys).values()) {
      byKey.put(key(item, keys), TestItems.normalize(item, sets));
    }
    return byKey;
  }

  private Set<String> sets = Set.of();

  Map<String, JsonNode> expected(List<String> keys, List<Map<String, AttributeValue>> items) {
    sets = TestItems.setAttributes(items);
    Map<String, JsonNode> byKey = new TreeMap<>();
    for (Map<String, AttributeValue> item : items) {
      JsonNode plain = TestItems.plain(item);
      byKey.put(key(plain, keys), plain);
    }
    return byKey;
  }

  private static String key(JsonNode item, List<String> keys) {
    StringBuilder key = new StringBuilder();
    for (String k : keys) {
      key.append(item.get(k)).append('|');
    }
    return key.toString();
  }

  record Run(int exitCode, String output) {}

  /** Runs the command line in this JVM, its standard output and error captured (and shown). */
  static Run run(String... args) {
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(tee(captured, originalErr));
    System.setOut(tee(captured, originalOut));
    try {
      int code = RelayCli.run(args);
      return new Run(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
  }

  private static PrintStream tee(ByteArrayOutputStream captured, PrintStream original) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public synchronized void write(int b) {
            captured.write(b);
            original.write(b);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            captured.write(b, off, len);
            original.write(b, off, len);
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
