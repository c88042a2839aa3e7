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
