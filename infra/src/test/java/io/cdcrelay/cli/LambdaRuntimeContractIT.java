package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.MotoServer;
import io.cdcrelay.tools.Repository;
import io.cdcrelay.tools.Tools;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Collectors;
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
  private static Process emulator;
  private static Path emulatorLog;
  private static int invokePort;
  private static String suffix;

  @BeforeAll
  static void startEmulator() throws Exception {
    root = Repository.root();
    Path rie = Tools.runtimeInterfaceEmulator();
    Path functionJar = root.resolve("function/target/function.jar");
    Path runtime = root.resolve("infra/target/lambda-runtime");
    assertThat(functionJar).as("built by the function module's package phase").exists();
    assertThat(runtime.resolve("aws-lambda-java-runtime-interface-client.jar"))
        .as("copied by maven-dependency-plugin in process-test-resources")
        .exists();
    suffix = Long.toString(System.currentTimeMillis(), 36);
    PostgresDatabase postgres = PostgresDatabase.get();

    invokePort = MotoServer.freePort();
    int runtimeApiPort = MotoServer.freePort();
    String classPath;
    try (Stream<Path> jars = Files.list(runtime)) {
      classPath =
          Stream.concat(
                  Stream.of(functionJar), jars.filter(p -> p.toString().endsWith(".jar")).sorted())
              .map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator));
    }
    List<String> command =
        List.of(
            rie.toString(),
            "--runtime-interface-emulator-address",
            "127.0.0.1:" + invokePort,
            "--runtime-api-address",
            "127.0.0.1:" + runtimeApiPort,
            // The emulator reads its own options among these arguments and passes the rest
            // on; the class path and JVM options go in the environment, out of its way.
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            HANDLER);
    emulatorLog = Files.createTempFile("rie-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.resolve("infra/target").toFile())
            .redirectErrorStream(true)
            .redirectOutput(emulatorLog.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(k -> k.startsWith("CRATEDB_") || k.startsWith("SINK_") || k.startsWith("START_"));
    env.put("CRATEDB_SQLALCHEMY_URL", targetUrl(postgres, "rie"));
    // Each side keeps its own state (poison records are dead letters there).
    env.put("CRATEDB_STATE_SCHEMA", "state_rie_" + suffix);
    env.put("AWS_REGION", "us-east-1");
    env.put("CLASSPATH", classPath);
    env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
    emulator = builder.start();
    awaitListening(invokePort);
  }

  @AfterAll
  static void stopEmulator() throws Exception {
    if (emulator != null) {
      emulator.descendants().forEach(ProcessHandle::destroy);
      emulator.destroy();
      if (!emulator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        emulator.destroyForcibly();
      }
      Files.deleteIfExists(emulatorLog);
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
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    for (Path event : events) {
      HttpResponse<String> lambda =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + invokePort
                              + "/2015-03-31/functions/function/invocations"))
                  .timeout(Duration.ofSeconds(120))
                  .POST(HttpRequest.BodyPublishers.ofFile(event))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(lambda.statusCode()).as(event + "\n" + emulatorOutput()).isEqualTo(200);
      JsonNode fromLambda = JSON.readTree(lambda.body());
      assertThat(fromLambda.has("batchItemFailures"))
          .as(event + " answered " + lambda.body() + "\n" + emulatorOutput())
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
    assertThat(emulatorOutput()).contains("\"CdcRelay\"");

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

  private static String emulatorOutput() {
    try {
      return Files.readString(emulatorLog, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!emulator.isAlive()) {
        throw new IllegalStateException("aws-lambda-rie exited:\n" + emulatorOutput());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "aws-lambda-rie did not listen within 30 s:\n" + emulatorOutput());
  }
}
