package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.lambda.DynamoDbStreamsRelayHandler;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.tools.LambdaEmulator;
import io.cdcrelay.tools.Repository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DynamoDbStreamsRelayHandler} in the packaged {@code function.jar} under the Lambda Runtime
 * Interface Emulator: every file of {@code events/dynamodb-streams/}, posted as Lambda would, gets
 * the response the handler gives in-process to the same file, and leaves the same rows.
 */
class DynamoDbStreamsRuntimeContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyEventGetsTheSameResponseAndRowsAsTheHandlerInProcess() throws Exception {
    PostgresDatabase postgres = PostgresDatabase.get();
    String suffix = Long.toString(System.currentTimeMillis(), 36);
    TableName underRie = new TableName("public", "ddbs_rie_" + suffix);
    TableName inProcess = new TableName("public", "ddbs_direct_" + suffix);
    List<Path> events;
    try (Stream<Path> files =
        Files.list(Repository.root().resolve("events").resolve("dynamodb-streams"))) {
      events = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(events).hasSize(6);
    DynamoDbStreamsRelayHandler direct =
        new DynamoDbStreamsRelayHandler(
            FunctionConfig.fromEnvironment(env(postgres, inProcess, "direct_" + suffix)),
            Clock.systemUTC(),
            new PrintStream(new ByteArrayOutputStream()));
    try (LambdaEmulator lambda =
        LambdaEmulator.start(
            "io.cdcrelay.lambda.DynamoDbStreamsRelayHandler::handleRequest",
            env(postgres, underRie, "rie_" + suffix))) {
      for (Path event : events) {
        HttpResponse<String> answer = lambda.invoke(event);
        assertThat(answer.statusCode()).as(event + "\n" + lambda.output()).isEqualTo(200);
        DynamodbEvent parsed =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
                .fromJson(Files.readString(event));
        JsonNode expected = JSON.valueToTree(direct.handleRequest(parsed, null));
        assertThat(JSON.readTree(answer.body()))
            .as(event.getFileName().toString())
            .isEqualTo(expected);
      }
      assertThat(lambda.output()).contains("\"CdcRelay\"");
    }
    Map<String, JsonNode> rows = TableRows.liveItems(postgres, underRie);
    assertThat(rows).isNotEmpty().isEqualTo(TableRows.liveItems(postgres, inProcess));
  }

  @Test
  void anItemWithAnAttributeNameLambdasDeserialiserRefusesIsApplied(@TempDir Path dir)
      throws Exception {
    // DynamoDB takes names of up to 65,535 bytes; the runtime client's deserialiser stops at
    // 50,000.
    String name = "n".repeat(60_000);
    com.fasterxml.jackson.databind.node.ObjectNode event =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            io.cdcrelay.decode.DynamoDbJson.parse(
                Files.readAllBytes(
                    Repository.root()
                        .resolve("events")
                        .resolve("dynamodb-streams")
                        .resolve("insert.json")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.at("/Records/0/dynamodb/NewImage"))
        .putObject(name)
        .put("S", "long");
    Path file = dir.resolve("long-name.json");
    Files.write(file, io.cdcrelay.decode.DynamoDbJson.plainMapper().writeValueAsBytes(event));
    PostgresDatabase postgres = PostgresDatabase.get();
    String suffix = Long.toString(System.currentTimeMillis(), 36);
    TableName table = new TableName("public", "ddbs_rie_long_" + suffix);
    try (LambdaEmulator lambda =
        LambdaEmulator.start(
            "io.cdcrelay.lambda.DynamoDbStreamsRelayHandler::handleRequest",
            env(postgres, table, "long_" + suffix))) {
      HttpResponse<String> answer = lambda.invoke(file);
      assertThat(answer.statusCode()).as(lambda.output()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()))
          .as(lambda.output())
          .isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));
    }
    Map<String, JsonNode> rows = TableRows.liveItems(postgres, table);
    assertThat(rows).hasSize(1);
    JsonNode item = rows.values().iterator().next();
    assertThat(item.has(name)).as("the item has its long attribute").isTrue();
    assertThat(item.get(name).asText()).isEqualTo("long");
  }

  private static Map<String, String> env(
      PostgresDatabase postgres, TableName table, String stateSuffix) {
    return Map.of(
        "CRATEDB_SQLALCHEMY_URL",
        "postgresql://postgres@127.0.0.1:"
            + postgres.port()
            + "/postgres/"
            + table.schema()
            + "/"
            + table.table(),
        "CRATEDB_STATE_SCHEMA",
        "state_" + stateSuffix);
  }
}
