package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code relay invoke} on the sample events of both kinds against a real database, written once and
 * run per database: a DynamoDB Streams event runs the DynamoDB Streams handler and leaves the table
 * as its Kinesis twin (the same changes, as a Kinesis event) does.
 */
abstract class InvokeContract {

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The database under test; tests are skipped when it is not available. */
  abstract TargetDatabase database();

  /** What one in-process invoke returned and wrote. */
  record Invoked(int exitCode, String out, String err) {}

  private static Invoked invoke(String event, TableName table, TargetDatabase database) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new InvokeCommand(Map.of()));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exit = command.execute("-e", event, "--target", database.userUrl(table));
    return new Invoked(exit, out.toString().trim(), err.toString());
  }

  private TableName newTable(String kind) {
    return new TableName(
        database().schema(),
        "invoke_" + kind + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet());
  }

  private Map<String, JsonNode> live(TableName table) throws Exception {
    database().refresh(table);
    return TableRows.liveItems(database(), table);
  }

  @Test
  void insertModifyRemoveOfADynamoDbStreamLeaveTheTableAsTheirKinesisTwins() throws Exception {
    TableName kinesis = newTable("k");
    TableName streams = newTable("d");
    for (String step : List.of("insert", "modify", "remove")) {
      Invoked k = invoke("../events/" + step + ".json", kinesis, database());
      Invoked d = invoke("../events/dynamodb-streams/" + step + ".json", streams, database());

      assertThat(k.exitCode()).as(k.err()).isZero();
      assertThat(d.exitCode()).as(d.err()).isZero();
      assertThat(d.out()).as(step).isEqualTo("{\"batchItemFailures\":[]}");
      assertThat(live(streams)).as(step).isEqualTo(live(kinesis));
      if (!step.equals("remove")) {
        assertThat(live(streams)).as(step).hasSize(1);
      }
    }
    assertThat(live(streams)).isEmpty();
  }

  @Test
  void theBatchAndPoisonSamplesOfADynamoDbStreamLeaveEachItemAtItsNewestChange() throws Exception {
    TableName streams = newTable("d");
    Invoked batch = invoke("../events/dynamodb-streams/batch.json", streams, database());

    assertThat(batch.exitCode()).as(batch.err()).isZero();
    assertThat(batch.out()).isEqualTo("{\"batchItemFailures\":[]}");
    Map<String, JsonNode> rows = live(streams);
    assertThat(rows.keySet())
        .containsExactly(
            key("bar", "2024-07-12T01:18:03"),
            key("corge", "2024-07-12T01:18:22"),
            key("qux", "2024-07-12T01:18:11"));
    // corge changed twice in the batch: the newer change wins; baz was inserted, then deleted.
    assertThat(rows.get(key("corge", "2024-07-12T01:18:22")).get("temperature").asDouble())
        .isEqualTo(-4.0);
    assertThat(rows.get(key("bar", "2024-07-12T01:18:03")).get("meta.source").asText())
        .isEqualTo("import");

    // Poison records are dead-lettered, not retried: the good ones around them are applied.
    Invoked poison = invoke("../events/dynamodb-streams/poison.json", streams, database());

    assertThat(poison.exitCode()).as(poison.err()).isZero();
    assertThat(poison.out()).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(live(streams))
        .containsKeys(key("garply", "2024-07-12T01:19:01"), key("waldo", "2024-07-12T01:19:09"))
        .hasSize(5);
  }

  private static String key(String device, String timestamp) {
    return "{\"device\":\"" + device + "\",\"timestamp\":\"" + timestamp + "\"}";
  }

  @Test
  void aTtlRemoveSampleOfADynamoDbStreamRemovesTheItemItsInsertBrought() throws Exception {
    TableName streams = newTable("d");
    Invoked insert = invoke("../events/dynamodb-streams/insert.json", streams, database());
    assertThat(insert.exitCode()).as(insert.err()).isZero();

    // An insert of plugh, then its removal by DynamoDB's time to live.
    Invoked expired = invoke("../events/dynamodb-streams/ttl-remove.json", streams, database());

    assertThat(expired.exitCode()).as(expired.err()).isZero();
    assertThat(expired.out()).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(live(streams).keySet()).containsExactly(key("foo", "2024-07-12T01:17:42"));
  }
}
