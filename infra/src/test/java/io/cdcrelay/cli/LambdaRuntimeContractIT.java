package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.LambdaEmulator;
import io.cdcrelay.tools.Repository;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code function.jar} as Lambda runs it: the Runtime Interface Emulator (from the Go
 * module proxy) starts the java runtime interface client with the handler, and every file of {@code
 * events/} is posted to its invoke endpoint. Each response, and the rows written, must equal what
 * {@code relay invoke -e FILE} answers and writes for the same file.
 */
class LambdaRuntimeContractIT {

  private static final String HANDLER = "io.cdcrelay.lambda.KinesisRelayHandler::handleRequest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path root;
  private static LambdaEmulator emulator;
  private static String suffix;

  @BeforeAll
  static void startEmulator() throws Exception {
    root = Repository.root();
    suffix = Long.toString(System.currentTimeMillis(), 36);
    PostgresDatabase postgres = PostgresDatabase.get();
    emulator =
        LambdaEmulator.start(
            HANDLER,
            Map.of(
                "CRATEDB_SQLALCHEMY_URL",
                targetUrl(postgres, "rie"),
                // Each side keeps its own state (poison records are dead letters there).
                "CRATEDB_STATE_SCHEMA",
                "state_rie_" + suffix));
  }

  @AfterAll
  static void stopEmulator() throws Exception {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void everyEventGetsTheSameResponseAndRowsAsRelayInvoke() throws Exception {
    List<Path> events;
    try (Stream<Path> files = Files.list(root.resolve("events"))) {
      events = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(5);
    PostgresDatabase postgres = PostgresDatabase.get();
    for (Path event : events) {
      HttpResponse<String> lambda = emulator.invoke(event);
      assertThat(lambda.statusCode()).as(event + "\n" + emulator.output()).isEqualTo(200);
      JsonNode fromLambda = JSON.readTree(lambda.body());
      assertThat(fromLambda.has("batchItemFailures"))
          .as(event + " answered " + lambda.body() + "\n" + emulator.output())
          .isTrue();

      Command.Result invoke =
          Command.run(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  root.resolve("infra/target/relay.jar").toString(),
                  "invoke",
                  "-e",
                  event.toString()),
              root,
              Map.of(
                  "CRATEDB_SQLALCHEMY_URL",
                  targetUrl(postgres, "invoke"),
                  "CRATEDB_STATE_SCHEMA",
                  "state_invoke_" + suffix),
              Duration.ofMinutes(2));
      String response =
          invoke
              .output()
              .lines()
              .filter(l -> l.startsWith("{\"batchItemFailures\""))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(event + ": relay invoke printed\n" + invoke.output()));
      assertThat(fromLambda).as(event.getFileName().toString()).isEqualTo(JSON.readTree(response));
    }
    assertThat(emulator.output()).contains("\"CdcRelay\"");

    assertThat(rows(postgres, "contract_rie_" + suffix))
        .isNotEmpty()
        .isEqualTo(rows(postgres, "contract_invoke_" + suffix));
    assertThat(
            rows(
                postgres,
                "state_rie_" + suffix + "\".\"cdc_relay_dead_letters",
                "shard_id",
                "sequence_number",
                "stage"))
        .isNotEmpty()
        .isEqualTo(
            rows(
                postgres,
                "state_invoke_" + suffix + "\".\"cdc_relay_dead_letters",
                "shard_id",
                "sequence_number",
                "stage"));
  }

  private static String targetUrl(PostgresDatabase postgres, String side) {
    return "postgresql://postgres@127.0.0.1:"
        + postgres.port()
        + "/postgres/public/contract_"
        + side
        + "_"
        + suffix;
  }

  private static List<String> rows(PostgresDatabase postgres, String table, String... columns)
      throws Exception {
    String select =
        columns.length == 0
            ? "pk, data, aux, cdc_version, cdc_deleted"
            : String.join(", ", columns);
    List<String> rows = new ArrayList<>();
    try (Connection c = postgres.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + select
                    + " FROM \""
                    + (table.contains("\".\"") ? "" : "public\".\"")
                    + table
                    + "\" ORDER BY 1::text, 2::text")) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.append(rs.getString(i)).append(" | ");
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
