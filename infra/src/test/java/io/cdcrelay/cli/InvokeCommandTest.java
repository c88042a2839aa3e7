package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InvokeCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine command = new CommandLine(new InvokeCommand(env));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void withoutATargetSaysInOneSentenceHowToSetOne() {
    int exit = run(Map.of(), "-e", "../events/insert.json");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo(
            "No target database: set CRATEDB_SQLALCHEMY_URL (crate://USER@HOST:4200/SCHEMA/TABLE),"
                + " pass --target URL, or try it locally with --target embedded.");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingEventFileIsNamed() {
    int exit = run(Map.of(), "-e", "no-such.json", "--target", "crate://h/doc/t");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Cannot read the event file no-such.json");
  }

  @Test
  void fileThatIsNotAnEventIsRejected(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[1, 2");
    int exit = run(Map.of(), "-e", bad.toString(), "--target", "crate://h/doc/t");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("is not a Lambda Kinesis or DynamoDB Streams event");
  }

  @Test
  void aRecordWhoseDataIsNotBase64IsNamed(@TempDir Path dir) throws Exception {
    String event = Files.readString(Path.of("../events/batch.json"));
    int second = event.indexOf("\"data\": \"", event.indexOf("\"data\": \"") + 1);
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"),
            event.substring(0, second) + "\"data\": \"!!!" + event.substring(second + 9));

    int exit = run(Map.of(), "-e", bad.toString(), "--target", "crate://h/doc/t");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().trim())
        .matches(
            "The event file .*bad.json is not a Lambda Kinesis or DynamoDB Streams event: record 2"
                + " of \\d+: kinesis.data is not base64");
  }

  @Test
  void aDirectoryIsNoEventFile(@TempDir Path dir) {
    int exit = run(Map.of(), "-e", dir.toString(), "--target", "crate://h/doc/t");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("The event file " + dir + " is a directory: name one event file in it.");
  }

  @Test
  void malformedJsonIsSaidInOneLineWithWhereItBreaks(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"Records\": [\n  {\"eventSource\": aws:kinesis}\n]}");
    int exit = run(Map.of(), "-e", bad.toString(), "--target", "crate://h/doc/t");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "The event file "
                + bad
                + " is not a Lambda Kinesis or DynamoDB Streams event: Unrecognized token 'aws':"
                + " was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false') (line 2, column 19)"
                + System.lineSeparator());
  }

  @Test
  void anEventMixingKinesisAndDynamoDbStreamsRecordsIsRefusedNamingWhatItFound(@TempDir Path dir)
      throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    var kinesis = json.readTree(Files.readString(Path.of("../events/insert.json")));
    var streams =
        json.readTree(Files.readString(Path.of("../events/dynamodb-streams/insert.json")));
    ((com.fasterxml.jackson.databind.node.ArrayNode) kinesis.get("Records"))
        .add(streams.get("Records").get(0));
    Path mixed = Files.writeString(dir.resolve("mixed.json"), kinesis.toString());

    int exit = run(Map.of(), "-e", mixed.toString(), "--target", "crate://h/doc/t");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "is not a Lambda Kinesis or DynamoDB Streams event: it mixes Kinesis records (record"
                + " 1), DynamoDB Streams records (record 2)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anEventOfNeitherKindIsRefusedNamingItsEventSource(@TempDir Path dir) throws Exception {
    Path sqs =
        Files.writeString(
            dir.resolve("sqs.json"),
            "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":\"hi\"}]}");
    int exit = run(Map.of(), "-e", sqs.toString(), "--target", "crate://h/doc/t");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("it holds records of eventSource aws:sqs (record 1)")
        .doesNotContain("Exception");
  }

  @Test
  void badTargetUrlIsABadConfigurationNotAStackTrace() {
    // Given on the command line: named as such, not as a variable the user never set.
    int exit = run(Map.of(), "-e", "../events/insert.json", "--target", "mysql://u:s3cret@h/db");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Bad configuration: TARGET (command line): the target URL scheme \"mysql\"")
        .doesNotContain("s3cret")
        .doesNotContain("Exception");
  }

  @Test
  void aBadTargetUrlFromTheEnvironmentNamesItsVariable() {
    int exit =
        run(Map.of("CRATEDB_CLUSTER_URL", "mysql://u:s3cret@h/db"), "-e", "../events/insert.json");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Bad configuration: CRATEDB_CLUSTER_URL: the target URL scheme \"mysql\"")
        .doesNotContain("s3cret");
  }

  @Test
  void passwordWithUnencodedSlashOrAtIsNeverPrinted() {
    for (String target :
        java.util.List.of(
            "crate://admin:Sx1/Sx2@h:4200/doc/t",
            "crate://admin:Sx1@Sx2#Sx3@h:4200/doc/t",
            "crate://admin:Sx1?Sx2@h:4200/doc/t")) {
      int exit = run(Map.of(), "-e", "../events/insert.json", "--target", target);
      assertThat(exit).as(target).isEqualTo(2);
      assertThat(err.toString()).as(target).startsWith("Bad configuration: ").doesNotContain("Sx");
    }
  }

  @Test
  void responseIsSerialisedAsTheLambdaRuntimeDoes() {
    var response =
        new com.amazonaws.services.lambda.runtime.events.StreamsEventResponse(
            java.util.List.of(
                new com.amazonaws.services.lambda.runtime.events.StreamsEventResponse
                    .BatchItemFailure("4965")));
    assertThat(InvokeCommand.toJson(response))
        .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"4965\"}]}");
  }
}
