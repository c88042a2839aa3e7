package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code relay status}: the status table the relay writes with each batch, as text and JSON. */
class StatusCommandIT {

  private static final String STREAM = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";

  private final PostgresDatabase postgres = PostgresDatabase.get();
  private final long pid = ProcessHandle.current().pid();
  private final TableName table = new TableName("public", "status_cmd_" + pid);
  private final String stateSchema = "status_state_" + pid;

  private String target() {
    return "postgresql://postgres@"
        + postgres.host()
        + ":"
        + postgres.port()
        + "/postgres/"
        + table.schema()
        + "/"
        + table.table();
  }

  private String run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as(out + "\n" + err).isEqualTo(expectedExit);
    return out + err.toString();
  }

  @Test
  void printsEachSourceShardAndTableWithItsPositionLagAndCounts() throws Exception {
    assertThat(run(0, target(), "--state-schema", stateSchema))
        .contains("no status yet: no batch has been applied with this state schema");

    RelaySettings settings =
        new RelaySettings(
            TableRoutes.single(table.schema(), table.table()),
            DeleteMode.HARD,
            TtlPolicy.SAME,
            stateSchema,
            RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
            false);
    try (Relay relay =
        new Relay(
            new JdbcTarget(
                postgres.url(postgres.host(), postgres.port(), table),
                () -> null,
                Clock.systemUTC(),
                30,
                stateSchema),
            settings,
            Clock.systemUTC())) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, "")),
              record(2, remove("a", 1_720_000_001_000_000L)),
              record(3, upsert("INSERT", "b", 1_720_000_002_000_000L, ""))),
          STREAM);
    }

    String text = run(0, target(), "--state-schema", stateSchema);
    assertThat(text.lines().findFirst().orElseThrow())
        .startsWith("TARGET TABLE")
        .contains("LAST SEQUENCE NUMBER", "LAG", "DEAD");
    String row = text.lines().filter(l -> l.startsWith(table.toString())).findFirst().orElseThrow();
    assertThat(row)
        .contains(STREAM, "shardId-000000000000", sequenceNumber(3), "2024-07-03T09:46:42Z")
        .matches(".*\\s3\\s+1\\s+1\\s+0\\s+0\\s+0\\s+0$");

    JsonNode json =
        new ObjectMapper().readTree(run(0, target(), "--state-schema", stateSchema, "--json"));
    assertThat(json).hasSize(1);
    assertThat(json.get(0).get("target_table").asText()).isEqualTo(table.toString());
    assertThat(json.get(0).get("last_sequence_number").asText()).isEqualTo(sequenceNumber(3));
    assertThat(json.get(0).get("received").asLong()).isEqualTo(3);
    assertThat(json.get(0).get("deleted").asLong()).isEqualTo(1);
    assertThat(json.get(0).get("lag_ms").asLong()).isPositive();
  }

  @Test
  void withoutATargetItSaysHowToNameOne() {
    assertThat(run(2)).contains("No target database: pass TARGET or --target");
  }
}
