package io.cdcrelay.cli;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.lambda.DynamoDbStreamsEvents;
import io.cdcrelay.lambda.DynamoDbStreamsRelayHandler;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.lambda.KinesisEvents;
import io.cdcrelay.lambda.KinesisRelayHandler;
import io.cdcrelay.sink.Redaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relay invoke -e EVENT}: runs the Lambda handler in this process on a Kinesis or DynamoDB
 * Streams event file (the handler of the kind its records are), as {@code sam local invoke} does in
 * a container, and prints the handler's response.
 */
@Command(
    name = "invoke",
    mixinStandardHelpOptions = true,
    description =
        "Runs the Lambda handler on an event file (as 'sam local invoke -e' does) against the"
            + " target and prints the handler's JSON response: KinesisRelayHandler for a Kinesis"
            + " event (records of eventSource aws:kinesis), DynamoDbStreamsRelayHandler for a"
            + " DynamoDB Streams event (aws:dynamodb).",
    footer =
        "%nExit codes: 0 every record applied or set aside as a dead letter, 1 the response"
            + " lists batch item failures (Lambda would retry from the first; also when the"
            + " target refuses a setting), 2 bad input (no target, an event file that is not such"
            + " an event, a setting the relay cannot read).")
final class InvokeCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"--event", "-e"},
      required = true,
      paramLabel = "FILE",
      description =
          "A Lambda Kinesis event, such as events/insert.json, or a Lambda DynamoDB Streams"
              + " event, such as events/dynamodb-streams/insert.json; its records tell which")
  Path event;

  @Mixin TargetOptions target;

  private final Map<String, String> processEnvironment;

  InvokeCommand() {
    this(ProcessEnvironment.get());
  }

  InvokeCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!target.isConfigured(processEnvironment)) {
      err.println(
          "No target database: set CRATEDB_SQLALCHEMY_URL (crate://USER@HOST:4200/SCHEMA/TABLE),"
              + " pass --target URL, or try it locally with --target embedded.");
      return 2;
    }
    if (!Files.isReadable(event)) {
      err.println("Cannot read the event file " + event + ".");
      return 2;
    }
    if (Files.isDirectory(event)) {
      err.println("The event file " + event + " is a directory: name one event file in it.");
      return 2;
    }
    byte[] bytes = Files.readAllBytes(event);
    LambdaEventKind kind;
    JsonNode tree;
    try {
      // Every number kept exact, as the function reads a DynamoDB Streams event under Lambda.
      tree = DynamoDbJson.parse(bytes);
      kind = LambdaEventKind.of(tree);
      if (kind == LambdaEventKind.KINESIS) {
        checkKinesisData(tree);
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println(
          "The event file "
              + event
              + " is not a Lambda Kinesis or DynamoDB Streams event: "
              + jsonProblem(e));
      return 2;
    }
    KinesisEvent kinesisEvent = null;
    JsonNode dynamodbEvent = null;
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      if (kind == LambdaEventKind.KINESIS) {
        kinesisEvent =
            LambdaEventSerializers.serializerFor(KinesisEvent.class, getClass().getClassLoader())
                .fromJson(in);
        KinesisEvents.toSourceRecords(kinesisEvent);
      } else {
        // Read as the function reads it under Lambda: its own parser, not Lambda's deserialiser.
        dynamodbEvent = tree;
        DynamoDbStreamsEvents.toSourceRecords(dynamodbEvent);
      }
    } catch (RuntimeException e) {
      err.println(
          "The event file "
              + event
              + " is not a Lambda "
              + kind.label()
              + " event: "
              + e.getMessage());
      return 2;
    }
    EmbeddedTarget embedded =
        target.embedded() ? EmbeddedTarget.start(target.embeddedDirectory) : null;
    try {
      FunctionConfig config;
      try {
        config =
            FunctionConfig.fromEnvironment(
                target.environment(processEnvironment, embedded == null ? null : embedded.url()));
      } catch (IllegalArgumentException e) {
        // TargetUrl.redact misses a password holding an unencoded '/', '?', '#' or '@'.
        err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
        return 2;
      }
      // The batch's metric line goes to standard error, the response alone to standard output.
      StreamsEventResponse response =
          kind == LambdaEventKind.KINESIS
              ? new KinesisRelayHandler(config, Clock.systemUTC(), System.err)
                  .handleRequest(kinesisEvent, null)
              : new DynamoDbStreamsRelayHandler(config, Clock.systemUTC(), System.err)
                  .handleEvent(dynamodbEvent, null);
      out.println(toJson(response));
      out.flush();
      if (embedded != null) {
        printRows(embedded, config, err);
      }
      return response.getBatchItemFailures().isEmpty() ? 0 : 1;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** The response as the Lambda runtime serialises it. */
  static String toJson(StreamsEventResponse response) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode failures = root.putArray("batchItemFailures");
    for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
      failures.addObject().put("itemIdentifier", failure.getItemIdentifier());
    }
    return root.toString();
  }

  private static void printRows(EmbeddedTarget embedded, FunctionConfig config, PrintWriter err)
      throws Exception {
    String table =
        "\""
            + (config.target().schema() == null ? "public" : config.target().schema())
            + "\".\""
            + config.target().table()
            + "\"";
    try (Connection c = DriverManager.getConnection(embedded.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pk, data, aux, cdc_deleted, count(*) OVER () FROM "
                    + table
                    + " ORDER BY pk::text LIMIT "
                    + ROWS_SHOWN)) {
      err.println("Rows of " + table + " (pk | data | aux | deleted):");
      long total = 0;
      while (rs.next()) {
        total = rs.getLong(5);
        err.println(
            "  "
                + rs.getString(1)
                + " | "
                + rs.getString(2)
                + " | "
                + rs.getString(3)
                + " | "
                + rs.getBoolean(4));
      }
      if (total > ROWS_SHOWN) {
        err.println("  … and " + (total - ROWS_SHOWN) + " more rows");
      }
    }
  }

  /** The most rows of the embedded target's table printed after the response. */
  static final int ROWS_SHOWN = 50;

  /**
   * Refuses a record whose {@code kinesis.data} is not base64, naming it, before the runtime's
   * serializer does in the words of its shaded Jackson.
   */
  static void checkKinesisData(com.fasterxml.jackson.databind.JsonNode event) {
    com.fasterxml.jackson.databind.JsonNode records = event.path("Records");
    for (int i = 0; i < records.size(); i++) {
      com.fasterxml.jackson.databind.JsonNode data = records.get(i).path("kinesis").path("data");
      try {
        java.util.Base64.getDecoder().decode(data.asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "record " + (i + 1) + " of " + records.size() + ": kinesis.data is not base64");
      }
    }
  }

  /** What is wrong with the JSON, on one line: Jackson's own message, where, without its source. */
  static String jsonProblem(Exception e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
      com.fasterxml.jackson.core.JsonLocation at = json.getLocation();
      return json.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }
    return e.getMessage();
  }
}
