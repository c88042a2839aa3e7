package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TableRows;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The table layout against a real database: the reference tool's rows, fidelity of every item,
 * columns past the database's limits, type drift, and tables of the reference tool upgraded in
 * place.
 */
abstract class LayoutContract extends RelayFixture {

  /**
   * Creates the table as the reference tool does, holding item {@code old} with {@code v = 1.0}.
   */
  abstract void createReferenceToolTable(Statement statement, TableName table) throws Exception;

  /** The literal of a {@code data} object {@code {"x": 42}} as another writer would set it. */
  abstract String dataObjectWithIntegerX();

  /** The literal of a {@code data} object {@code {"flag": true}}. */
  abstract String dataObjectWithBooleanFlag();

  /** What the row of an item with 1,100 attributes looks like in this database. */
  abstract void checkWideRow(TableRows.Row row);

  /**
   * The relay writes item {@code a}; then another writer sets its {@code data} to {@code object} (a
   * literal of this database), creating the sub-columns it holds.
   */
  private void seedThenSetDataElsewhere(String object) throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"seed\":{\"S\":\"x\"}"))));
    // CrateDB's UPDATE finds only refreshed rows.
    database().refresh(table);
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "UPDATE "
                      + table.quoted()
                      + " SET \"data\" = "
                      + object
                      + " WHERE \"cdc_deleted\" = false"))
          .isOne();
    }
    database().refresh(table);
  }

  @Test
  void insertsAndModifiesLandAsRowsOfTheReferenceLayout() throws Exception {
    BatchResult result =
        relay.apply(
            batch(
                record(
                    1,
                    upsert(
                        "INSERT", "a", 100, "\"name\":{\"S\":\"Alice\"},\"age\":{\"N\":\"30\"}")),
                record(2, upsert("INSERT", "b", 101, "\"name\":{\"S\":\"Bob\"}")),
                record(
                    3,
                    upsert(
                        "MODIFY", "a", 102, "\"name\":{\"S\":\"Alice\"},\"age\":{\"N\":\"31\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.received()).isEqualTo(3);
    assertThat(result.upserted()).isEqualTo(2);
    assertThat(result.coalesced()).isEqualTo(1);
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows).containsOnlyKeys("{\"id\":\"a\"}", "{\"id\":\"b\"}");
    TableRows.Row a = rows.get("{\"id\":\"a\"}");
    assertThat(a.data().get("name").asText()).isEqualTo("Alice");
    assertThat(a.data().get("age").asDouble()).isEqualTo(31.0);
    assertThat(a.data().has("id")).isFalse();
    assertThat(a.deleted()).isFalse();
  }

  @Test
  void everyItemRebuildsExactlyFromItsRow() throws Exception {
    String attributes =
        "\"s\":{\"S\":\"text ü\"},\"n\":{\"N\":\"42.5\"},\"i\":{\"N\":\"-7\"},\"b\":{\"B\":\"AAEC\"},"
            + "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},"
            + "\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"deep\":{\"M\":{\"x\":{\"N\":\"1\"}}}}},"
            + "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},\"ss\":{\"SS\":[\"p\",\"q\"]},"
            + "\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"bs\":{\"BS\":[\"AAE=\"]},"
            + "\"a.b\":{\"N\":\"1\"},\"a[0]\":{\"N\":\"2\"},"
            + "\"big\":{\"N\":\"123456789012345678901234567890\"},"
            + "\"tiny\":{\"N\":\"1E-130\"},"
            + "\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},"
            + "\"empty\":{\"L\":[]},\"e\":{\"M\":{}},"
            + "\"_x\":{\"N\":\"1\"},\"\":{\"N\":\"1\"},\"sp ace\":{\"N\":\"1\"},\"ü\":{\"N\":\"1\"}";
    SourceRecord record = record(1, upsert("INSERT", "a", 100, attributes));
    BatchResult result = relay.apply(batch(record));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Change change = ((Decoded.Ok) new DynamoDbChangeDecoder().decode(record)).change();
    assertThat(live().get("{\"id\":\"a\"}")).isEqualTo(TableRows.plain(change.newImage()));
  }

  @Test
  void textTooLongForCrateDbToIndexIsKeptWhole() throws Exception {
    String text = "ü".repeat(20_000);
    SourceRecord record =
        record(1, upsert("INSERT", "a", 100, "\"long\":{\"S\":\"" + text + "\"}"));
    BatchResult result = relay.apply(batch(record, record(2, upsert("INSERT", "b", 101, ""))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    assertThat(live().get("{\"id\":\"a\"}").get("long").asText()).isEqualTo(text);
  }

  @Test
  void newColumnsOfOneBatchAreKnownToTheNextWithoutAFailedWrite() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"x\":{\"N\":\"42.5\"}"))));
    BatchResult result =
        relay.apply(batch(record(2, upsert("INSERT", "b", 101, "\"x\":{\"S\":\"str\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.rerouted()).isZero();
    assertThat(live().get("{\"id\":\"b\"}").get("x").asText()).isEqualTo("str");
  }

  @Test
  void attributesBeyondTheColumnLimitAreKeptInAux() throws Exception {
    StringBuilder attributes = new StringBuilder();
    for (int i = 0; i < 1100; i++) {
      attributes
          .append(i == 0 ? "" : ",")
          .append("\"a")
          .append(i)
          .append("\":{\"N\":\"")
          .append(i)
          .append("\"}");
    }
    SourceRecord wide = record(1, upsert("INSERT", "wide", 100, attributes.toString()));
    BatchResult result = relay.apply(batch(wide));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Change change = ((Decoded.Ok) new DynamoDbChangeDecoder().decode(wide)).change();
    assertThat(live().get("{\"id\":\"wide\"}")).isEqualTo(TableRows.plain(change.newImage()));
    TableRows.Row row = TableRows.read(database(), table).get("{\"id\":\"wide\"}");
    checkWideRow(row);
  }

  @Test
  void typeDriftAcrossBatchesIsReroutedToAux() throws Exception {
    relay.apply(batch(record(1, upsert("INSERT", "a", 100, "\"x\":{\"N\":\"42.5\"}"))));
    BatchResult result =
        relay.apply(
            batch(
                record(2, upsert("INSERT", "b", 101, "\"x\":{\"S\":\"str\"}")),
                record(3, upsert("INSERT", "c", 102, "\"x\":{\"N\":\"1\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Map<String, JsonNode> items = live();
    assertThat(items.get("{\"id\":\"b\"}").get("x").asText()).isEqualTo("str");
    assertThat(items.get("{\"id\":\"c\"}").get("x").decimalValue()).isEqualByComparingTo("1");
  }

  @Test
  void aColumnAnotherWriterFixedAsBigintKeepsFractionsExact() throws Exception {
    // Another writer (the reference tool, a user) creates data['x'] from an integer literal.
    seedThenSetDataElsewhere(dataObjectWithIntegerX());
    relay.close();
    relay = relayTo(table);
    BatchResult result =
        relay.apply(batch(record(2, upsert("INSERT", "b", 101, "\"x\":{\"N\":\"42.5\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(live().get("{\"id\":\"b\"}").get("x").decimalValue()).isEqualByComparingTo("42.5");
  }

  @Test
  void aColumnAnotherWriterCreatesMeanwhileWithAnotherTypeKeepsTheNumbers() throws Exception {
    // Another writer (a second lane, shard or the Lambda function) creates data['flag'] as a
    // boolean after this relay read the table's columns; it does not know it.
    seedThenSetDataElsewhere(dataObjectWithBooleanFlag());
    BatchResult result =
        relay.apply(
            batch(
                record(2, upsert("INSERT", "b", 101, "\"flag\":{\"N\":\"-46.25\"}")),
                record(3, upsert("INSERT", "c", 102, "\"flag\":{\"N\":\"1\"}"))));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.deadLettered()).isZero();
    Map<String, JsonNode> items = live();
    assertThat(items.get("{\"id\":\"a\"}").get("flag").asBoolean()).isTrue();
    assertThat(items.get("{\"id\":\"b\"}").get("flag").decimalValue())
        .isEqualByComparingTo("-46.25");
    assertThat(items.get("{\"id\":\"c\"}").get("flag").decimalValue()).isEqualByComparingTo("1");
  }

  @Test
  void anOlderChangeBringingNewAttributesLeavesTheNewerRowWhole() throws Exception {
    // CrateDB 6.4.3 sets the stored row's whole data to NULL when an upsert whose ordering guard
    // keeps that row brings values that would create a sub-column: the relay creates them first.
    relay.apply(
        batch(
            record(1, upsert("INSERT", "a", 200, "\"name\":{\"S\":\"new a\"}")),
            record(2, upsert("INSERT", "b", 201, "\"name\":{\"S\":\"new b\"}"))));
    String older =
        "\"name\":{\"S\":\"old\"},\"flag\":{\"BOOL\":true},\"gone\":{\"NULL\":true},"
            + "\"none\":{\"L\":[]},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},"
            + "\"lines\":{\"L\":[{\"M\":{\"sku\":{\"S\":\"x\"},\"q\":{\"NULL\":true}}}]}";
    // Two rows take the one-statement write, one row alone the other.
    BatchResult two =
        relay.apply(
            batch(
                record(3, upsert("MODIFY", "a", 100, older)),
                record(4, upsert("MODIFY", "b", 101, older))));
    BatchResult one =
        relay.apply(batch(record(5, upsert("MODIFY", "a", 102, older + ",\"n\":{\"N\":\"1\"}"))));
    assertThat(two.stale()).isEqualTo(2);
    assertThat(one.stale()).isEqualTo(1);
    Map<String, JsonNode> items = live();
    assertThat(items.get("{\"id\":\"a\"}")).isEqualTo(json("{\"id\":\"a\",\"name\":\"new a\"}"));
    assertThat(items.get("{\"id\":\"b\"}")).isEqualTo(json("{\"id\":\"b\",\"name\":\"new b\"}"));
    // The columns exist now, with the types the older change's values give them.
    relay.apply(batch(record(6, upsert("MODIFY", "b", 300, older))));
    Change newest =
        ((Decoded.Ok)
                new DynamoDbChangeDecoder().decode(record(7, upsert("MODIFY", "b", 300, older))))
            .change();
    assertThat(live().get("{\"id\":\"b\"}")).isEqualTo(TableRows.plain(newest.newImage()));
  }

  @Test
  void twoWritersOfOneTableWithOlderAndNewerChangesAndClashingNewColumnsLoseNothing()
      throws Exception {
    // Two writers of one table (two lanes, a shard beside another, the Lambda function beside a
    // load), each learning the columns on its own, write the same items at the same moment: one a
    // newer change, the other an older one; each round brings a new attribute that one writes as
    // a number and the other as a boolean, and the older change one more attribute.
    int items = 40;
    try (Relay other = relayTo(table)) {
      java.util.concurrent.ExecutorService writers =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 6; round++) {
          java.util.List<SourceRecord> newer = new java.util.ArrayList<>();
          java.util.List<SourceRecord> older = new java.util.ArrayList<>();
          for (int i = 0; i < items; i++) {
            String id = "k" + i;
            newer.add(
                record(
                    round * 1000 + i,
                    upsert(
                        "MODIFY",
                        id,
                        10_000 + round * 10 + 5,
                        "\"name\":{\"S\":\"new\"},\"n" + round + "\":{\"N\":\"" + i + ".5\"}")));
            older.add(
                record(
                    round * 1000 + 500 + i,
                    upsert(
                        "MODIFY",
                        id,
                        10_000 + round * 10 + 1,
                        "\"name\":{\"S\":\"old\"},\"n"
                            + round
                            + "\":{\"BOOL\":true},\"o"
                            + round
                            + "\":{\"NULL\":true}")));
          }
          java.util.concurrent.Future<BatchResult> first = writers.submit(() -> relay.apply(newer));
          java.util.concurrent.Future<BatchResult> second =
              writers.submit(() -> other.apply(older));
          BatchResult a = first.get();
          BatchResult b = second.get();
          assertThat(a.succeeded()).as("round %d, newer: %s", round, a.failure()).isTrue();
          assertThat(b.succeeded()).as("round %d, older: %s", round, b.failure()).isTrue();
          Map<String, JsonNode> live = live();
          for (int i = 0; i < items; i++) {
            Change expected =
                ((Decoded.Ok) new DynamoDbChangeDecoder().decode(newer.get(i))).change();
            assertThat(live.get("{\"id\":\"k" + i + "\"}"))
                .as("round %d, item k%d", round, i)
                .isEqualTo(TableRows.plain(expected.newImage()));
          }
        }
      } finally {
        writers.shutdownNow();
      }
    }
  }

  @Test
  void referenceToolTableIsUpgradedInPlace() throws Exception {
    try (Connection c = database().connect();
        Statement s = c.createStatement()) {
      createReferenceToolTable(s, table);
    }
    database().refresh(table);
    BatchResult result =
        relay.apply(
            batch(
                record(1, upsert("MODIFY", "old", 100, "\"v\":{\"N\":\"2\"}")),
                record(2, upsert("INSERT", "new", 101, ""))));
    assertThat(result.succeeded()).isTrue();
    Map<String, JsonNode> items = live();
    assertThat(items).containsOnlyKeys("{\"id\":\"new\"}", "{\"id\":\"old\"}");
    assertThat(items.get("{\"id\":\"old\"}").get("v").decimalValue()).isEqualByComparingTo("2");
  }
}
