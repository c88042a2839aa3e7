package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.failed.FailedBatchQueue;
import io.cdcrelay.provision.MappingStatus;
import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.tools.Repository;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code relay status} prints durations, rows and dead letters, and what it takes. */
class StatusCommandTest {

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertThat(StatusCommand.human(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(StatusCommand.human(Duration.ofSeconds(12))).isEqualTo("12s");
    assertThat(StatusCommand.human(Duration.ofSeconds(184))).isEqualTo("3m 4s");
    assertThat(StatusCommand.human(Duration.ofMinutes(306))).isEqualTo("5h 6m");
    assertThat(StatusCommand.human(Duration.ofHours(176))).isEqualTo("7d 8h");
    assertThat(StatusCommand.human(Duration.ofSeconds(-5))).isEqualTo("0ms");
  }

  @Test
  void rowsAreAlignedUnderTheirHeadings() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    Target.Status row =
        new Target.Status(
            "arn:s",
            "shardId-1",
            new TableName("doc", "orders"),
            "42",
            now.minusSeconds(90),
            now.minusSeconds(30),
            10,
            7,
            2,
            1,
            0,
            3,
            4);

    List<String> lines = StatusCommand.table(List.of(row), now).lines().toList();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("doc.orders    arn:s   shardId-1");
    assertThat(lines.get(1))
        .contains("30s ago", "1m 0s")
        .endsWith("10        7         2        1        0     3         4");
    assertThat(lines.get(0).indexOf("RECEIVED")).isEqualTo(lines.get(1).indexOf("10 "));
  }

  @Test
  void theReadmeShowsWhatStatusPrintsInFull() throws Exception {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    String stream = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";
    Target.Status row =
        new Target.Status(
            stream,
            "shardId-000000000000",
            new TableName("doc", "orders"),
            "49656709367126341276484543186423045812698406329470000010",
            Instant.parse("2026-12-01T11:58:29.514365Z"),
            now.minusSeconds(30),
            17,
            7,
            2,
            1,
            3,
            3,
            4);
    String database =
        StatusCommand.table(List.of(row), now)
            + StatusCommand.deadLetters(
                List.of(
                    new DeadLetterStore.Count(Optional.empty(), "decode", 2),
                    new DeadLetterStore.Count(
                        Optional.of(new TableName("doc", "orders")), "write", 3)),
                "doc");
    String queue = "https://sqs.eu-central-1.amazonaws.com/123456789012/cdc-relay-failed";
    String withFunction =
        "$ relay status crate://crate@db:4200/doc --function cdc-relay --queue-url "
            + queue
            + "\n"
            + database
            + StatusCommand.mappings(
                "cdc-relay",
                List.of(
                    new MappingStatus(
                        "6d3e9f1a-52c4-4b8e-9a3f-0c1d2e3f4a5b",
                        stream,
                        "Enabled",
                        "OK",
                        "User action",
                        "arn:aws:sqs:eu-central-1:123456789012:cdc-relay-failed")))
            + StatusCommand.queue(queue, new FailedBatchQueue.Depth(2, 1));
    String readme = Files.readString(Repository.root().resolve("README.md"));

    assertThat(readme.contains("```\n" + database + "```\n"))
        .as("README.md shows relay status TARGET as a code block of exactly:%n%s", database)
        .isTrue();
    assertThat(readme.contains("```\n" + withFunction + "```\n"))
        .as("README.md shows relay status --function --queue-url as exactly:%n%s", withFunction)
        .isTrue();
  }

  @Test
  void aMappingOnAReplacedTableStreamNamesItsTableAndTheNewStream() {
    String old =
        "arn:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/2026-12-01T00:00:00.000";
    String now =
        "arn:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/2026-12-04T00:00:00.000";
    MappingStatus replaced =
        new MappingStatus("u-1", old, "Enabled", "OK", "User action", null, now);
    MappingStatus kinesis =
        new MappingStatus(
            "u-2",
            "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc",
            "Enabled",
            "OK",
            null,
            null);

    assertThat(replaced.sourceTable()).contains("orders");
    assertThat(kinesis.sourceTable()).isEmpty();
    assertThat(StatusCommand.mappings("relay", List.of(replaced, kinesis)))
        .endsWith(
            "u-1 reads a replaced stream of DynamoDB table orders (its stream is now "
                + now
                + "), which gets no more changes: relay provision 'dynamodb+cdc://…/orders'"
                + " --function relay --on-failure-arn QUEUE_ARN maps the new one"
                + System.lineSeparator())
        .doesNotContain("u-2 reads");
  }

  @Test
  void theRegionComesFromTheSourceUrlTheFunctionArnTheQueueUrlOrTheEnvironment() {
    String arn = "arn:aws:lambda:eu-west-3:123456789012:function:relay";
    String queue = "https://sqs.ap-south-1.amazonaws.com/123456789012/failed";
    Map<String, String> env = Map.of("AWS_REGION", "us-west-2");
    assertThat(
            StatusCommand.region(
                Optional.of(
                    io.cdcrelay.source.SourceUrl.parse(
                        "kinesis+dynamodb+cdc://localhost:4566/s?region=eu-north-1")),
                arn,
                queue,
                env))
        .contains("eu-north-1");
    assertThat(StatusCommand.region(Optional.empty(), arn, queue, env)).contains("eu-west-3");
    assertThat(StatusCommand.region(Optional.empty(), "relay", queue, env)).contains("ap-south-1");
    assertThat(StatusCommand.region(Optional.empty(), "relay", null, env)).contains("us-west-2");
    assertThat(
            StatusCommand.region(
                Optional.empty(),
                null,
                "http://localhost:4566/1/q",
                Map.of("AWS_DEFAULT_REGION", "sa-east-1")))
        .contains("sa-east-1");
    assertThat(StatusCommand.region(Optional.empty(), "relay", null, Map.of())).isEmpty();
  }

  @Test
  void noStatusNamesTheStateSchemaItReadAndWhatToCheck() {
    String none = StatusCommand.noStatus("relay_state", "doc.orders", List.of());
    assertThat(none)
        .contains("no status yet: no relay has recorded a batch in state schema relay_state")
        .contains("relay_state.cdc_relay_status is absent or empty")
        .contains("every batch it applies into doc.orders")
        .contains("pass that as --state-schema");

    String others =
        StatusCommand.noStatus(
            "doc", "doc.orders", List.of(new TableName("doc", "users"), new TableName("x", "y")));
    assertThat(others)
        .contains("no status yet for doc.orders: doc.cdc_relay_status has rows of other tables")
        .contains("(doc.users, x.y)");
  }

  private static final List<DeadLetterStore.Count> LETTERS =
      List.of(
          new DeadLetterStore.Count(Optional.empty(), "decode", 5),
          new DeadLetterStore.Count(Optional.empty(), "route", 1),
          new DeadLetterStore.Count(Optional.of(new TableName("doc", "orders")), "write", 2));

  @Test
  void deadLettersAreCountedByStageAndTableThoseOfNoTableToo() {
    List<String> lines = StatusCommand.deadLetters(LETTERS, "relay_state").lines().toList();

    assertThat(lines.get(0))
        .isEqualTo("Dead letters: 8 (decode: 5, route: 1, write: 2), records the relay set aside:");
    assertThat(lines.get(1)).isEqualTo("TARGET TABLE  STAGE   COUNT");
    assertThat(lines.get(2)).isEqualTo("-             decode  5");
    assertThat(lines.get(4)).isEqualTo("doc.orders    write   2");
    assertThat(lines.get(5)).contains("reached no table", "relay_state.cdc_relay_dead_letters");
    assertThat(lines.get(6)).contains("relay dead-letters list TARGET");
    assertThat(StatusCommand.deadLetters(List.of(), "s")).isEqualTo("Dead letters: none\n");
  }

  @Test
  void theJsonHasTheDeadLettersByStageAndByTable() throws Exception {
    JsonNode json = new ObjectMapper().readTree(StatusCommand.json(List.of(), LETTERS, null, null));

    JsonNode letters = json.get("dead_letters");
    assertThat(letters.get("total").asLong()).isEqualTo(8);
    assertThat(letters.get("by_stage").get("decode").asLong()).isEqualTo(5);
    assertThat(letters.get("by_stage").get("write").asLong()).isEqualTo(2);
    assertThat(letters.get("by_table").get(0).get("target_table").isNull()).isTrue();
    assertThat(letters.get("by_table").get(2).get("target_table").asText()).isEqualTo("doc.orders");
    JsonNode unread = new ObjectMapper().readTree(StatusCommand.json(null, null, null, null));
    assertThat(unread.get("dead_letters").isNull()).isTrue();
  }

  @Test
  void theHelpListsOnlyTheOptionsStatusUses() {
    String help = new CommandLine(new StatusCommand()).getUsageMessage();

    assertThat(help)
        .contains("--target", "--table=", "--state-schema", "--embedded-dir", "--json")
        .contains("--function", "--queue-url", "--source");
    assertThat(help)
        .doesNotContain("--tables", "--table-map", "--source-table", "--deletes", "--ttl-deletes");
  }

  @Test
  void anEmbeddedTargetWithoutADatabaseSaysSoAndCreatesNone(@TempDir Path dir) {
    Path embedded = dir.resolve("embedded");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("--target", "embedded", "--embedded-dir", embedded.toString());

    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "No embedded database in "
                + embedded.toAbsolutePath()
                + " yet, so nothing was relayed there: relay load … --target embedded creates it"
                + " (run status from the same folder, or pass the load's --embedded-dir)."
                + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
    assertThat(Files.exists(embedded)).as("nothing created").isFalse();
  }

  @Test
  void itsJsonSaysThereIsNoDatabaseRatherThanShowingAnIdleRelaysEmptyTables(@TempDir Path dir)
      throws Exception {
    Path embedded = dir.resolve("embedded");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("--target", "embedded", "--embedded-dir", embedded.toString(), "--json");

    assertThat(exit).as(out + "\n" + err).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("database_found").isBoolean()).as(out.toString()).isTrue();
    assertThat(json.get("database_found").asBoolean()).isFalse();
    assertThat(json.get("tables").isNull()).as("not an empty list: " + out).isTrue();
    assertThat(json.get("dead_letters").isNull()).as("not zero: " + out).isTrue();
    assertThat(err.toString())
        .startsWith("No embedded database in " + embedded.toAbsolutePath() + " yet, so nothing");
    assertThat(Files.exists(embedded)).as("nothing created").isFalse();
  }

  @Test
  void itsJsonSaysTheDatabaseWasFoundWhenReadAndNullWhenItCouldNotBe() throws Exception {
    JsonNode read =
        new ObjectMapper().readTree(StatusCommand.json(List.of(), List.of(), null, null));
    assertThat(read.get("database_found").asBoolean()).isTrue();
    assertThat(read.get("tables").isArray()).isTrue();
    JsonNode unread = new ObjectMapper().readTree(StatusCommand.json(null, null, null, null));
    assertThat(unread.get("database_found").isNull()).isTrue();
  }
}
