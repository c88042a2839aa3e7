package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay invoke} against the embedded PostgreSQL it starts itself. */
class InvokeCommandIT {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine command = new CommandLine(new InvokeCommand(env));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void embeddedTargetRunsAnEventThroughTheFullPathAndShowsTheRows(@TempDir Path dir) {
    int exit =
        run(
            Map.of(),
            "-e",
            "../events/batch.json",
            "--target",
            "embedded",
            "--embedded-dir",
            dir.resolve("pg").toString());
    assertThat(exit).isEqualTo(0);
    assertThat(out.toString().trim()).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(err.toString())
        .contains("Rows of \"public\".\"demo\"")
        .contains("\"device\": \"corge\"")
        .contains("{\"mixed\": {\"L\": [{\"N\": \"1\"}, {\"S\": \"a\"}]}}");
  }

  @Test
  void aLargeTableIsShownByItsFirstRowsAndACountOfTheRest(@TempDir Path dir) throws Exception {
    StringBuilder records = new StringBuilder();
    int count = InvokeCommand.ROWS_SHOWN + 3;
    for (int n = 1; n <= count; n++) {
      String sequenceNumber = io.cdcrelay.testing.Records.sequenceNumber(n);
      String change =
          io.cdcrelay.testing.Records.upsert("INSERT", String.format("k%03d", n), n, "");
      records
          .append(n == 1 ? "" : ",")
          .append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"p\",")
          .append("\"sequenceNumber\":\"")
          .append(sequenceNumber)
          .append("\",\"data\":\"")
          .append(
              java.util.Base64.getEncoder()
                  .encodeToString(change.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .append("\",\"approximateArrivalTimestamp\":1720746062.123},")
          .append("\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",")
          .append("\"eventID\":\"shardId-000000000000:")
          .append(sequenceNumber)
          .append("\",\"eventName\":\"aws:kinesis:record\",\"awsRegion\":\"us-east-1\",")
          .append("\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\"}");
    }
    Path event =
        java.nio.file.Files.writeString(
            dir.resolve("many.json"), "{\"Records\":[" + records + "]}");

    int exit =
        run(
            Map.of(),
            "-e",
            event.toString(),
            "--target",
            "embedded",
            "--embedded-dir",
            dir.resolve("pg").toString());

    assertThat(exit).as(err.toString()).isEqualTo(0);
    assertThat(err.toString())
        .contains("{\"id\": \"k050\"}")
        .doesNotContain("{\"id\": \"k051\"}")
        .contains("  … and 3 more rows");
  }

  @Test
  void aDynamoDbStreamsEventRunsItsOwnHandlerOnTheEmbeddedTarget(@TempDir Path dir) {
    int exit =
        run(
            Map.of(),
            "-e",
            "../events/dynamodb-streams/batch.json",
            "--target",
            "embedded",
            "--embedded-dir",
            dir.resolve("pg").toString());
    assertThat(exit).as(err.toString()).isEqualTo(0);
    assertThat(out.toString().trim()).isEqualTo("{\"batchItemFailures\":[]}");
    // The same changes as events/batch.json: the same rows.
    assertThat(err.toString())
        .contains("Rows of \"public\".\"demo\"")
        .contains("\"device\": \"corge\"")
        .contains("{\"mixed\": {\"L\": [{\"N\": \"1\"}, {\"S\": \"a\"}]}}")
        .doesNotContain("not a Lambda");
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString()).contains("Usage: invoke").contains("DynamoDbStreamsRelayHandler");
  }
}
