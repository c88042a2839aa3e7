package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad input is rejected with exit code 2 and a message before any AWS call. */
class ProvisionCommandTest {

  @Test
  void everyBadUrlIsRejectedBeforeAnyCall() throws IOException {
    try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      endpoint.setSoTimeout(50);
      String base =
          "kinesis+dynamodb+cdc://testing:s3cr3t@127.0.0.1:" + endpoint.getLocalPort() + "/s";
      List<List<String>> cases =
          List.of(
              List.of(
                  base + "?batchsize=5",
                  "unknown option \"batchsize\"",
                  "did you mean \"batch-size\""),
              List.of(base + "?start=seqno-at", "start=seqno-at needs seqno="),
              List.of(base + "?seqno=123", "seqno is only accepted with start=seqno-at"),
              List.of(base + "?batch-size=0", "batch-size=0 is out of range: 1 to 10000"),
              List.of(base + "?region=mars", "region=mars is not an AWS region"),
              List.of(base + "?create-shards=many", "create-shards=many is not a whole number"),
              List.of(base + "?buffer-time=-1", "buffer-time=-1 is out of range"),
              List.of("kinesis://aws/s", "scheme \"kinesis\" is not supported"));
      for (String command : List.of("provision", "teardown", "sam-params")) {
        for (List<String> c : cases) {
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          CommandLine cli = new CommandLine(new RelayCli());
          cli.setOut(new PrintWriter(out, true));
          cli.setErr(new PrintWriter(err, true));
          List<String> args =
              command.equals("sam-params")
                  ? List.of(command, c.get(0), "--dynamodb-table", "t", "--dynamodb-table", "u")
                  : List.of(
                      command,
                      c.get(0),
                      "--function",
                      "f",
                      "--dynamodb-table",
                      "t",
                      "--dynamodb-table",
                      "u");
          int exit = cli.execute(args.toArray(String[]::new));
          assertThat(exit).as(command + " " + c.get(0)).isEqualTo(2);
          assertThat(err.toString()).startsWith("Bad source URL: ");
          for (String expected : c.subList(1, c.size())) {
            assertThat(err.toString()).as(command + " " + c.get(0)).contains(expected);
          }
          assertThat(out.toString() + err.toString()).doesNotContain("s3cr3t");
          try {
            endpoint.accept().close();
            throw new AssertionError(command + " " + c.get(0) + " connected to the endpoint");
          } catch (SocketTimeoutException expected) {
            // Nothing connected.
          }
        }
      }
    }
  }

  @Test
  void samParamsSaysOnStandardErrorWhichRegionToDeployIn() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new RelayCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit =
        cli.execute(
            "sam-params", "kinesis+dynamodb+cdc://aws/cdc-stream?create=true&region=eu-central-1");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .as("only the overrides, for $(…)")
        .isEqualTo(
            "StreamName=cdc-stream ShardCount=1 BatchSize=100 StartingPosition=TRIM_HORIZON"
                + " MaximumBatchingWindowInSeconds=1 SourceType=KinesisDataStream StreamArn=\"\""
                + " TableStreamArn=\"\" StartingPositionTimestamp=\"\" StartShardId=\"\""
                + " StartSequenceNumber=\"\" StartMode=\"\""
                + System.lineSeparator());
    assertThat(err.toString())
        .contains("Deploy the stack in eu-central-1")
        .contains("sam deploy --region eu-central-1 --parameter-overrides");
  }

  @Test
  void nothingToProvisionAndBadOnFailureArnAreBadInput() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new RelayCli());
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("provision", "kinesis+dynamodb+cdc://aws/s")).isEqualTo(2);
    assertThat(err.toString()).contains("Nothing to provision");
    assertThat(
            cli.execute(
                "provision",
                "kinesis+dynamodb+cdc://aws/s",
                "--function",
                "f",
                "--on-failure-arn",
                "queue"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--on-failure-arn queue is not an SQS queue or SNS topic ARN");
  }

  @Test
  void optionsForTheOtherKindOfSourceAreBadInputBeforeAnyCall() throws IOException {
    try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      endpoint.setSoTimeout(50);
      String table =
          "dynamodb+cdc://testing:s3cr3t@127.0.0.1:" + endpoint.getLocalPort() + "/orders";
      String stream =
          "kinesis+dynamodb+cdc://testing:s3cr3t@127.0.0.1:" + endpoint.getLocalPort() + "/s";
      List<List<String>> cases =
          List.of(
              List.of("provision", table, "--dynamodb-table", "t"),
              List.of("teardown", table, "--dynamodb-table", "t"),
              List.of("sam-params", table, "--dynamodb-table", "t"),
              List.of("sam-params", table, "--account-id", "123456789012"),
              List.of("teardown", stream, "--function", "f", "--disable-table-stream"));
      for (List<String> args : cases) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RelayCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args.toArray(String[]::new))).as(args.toString()).isEqualTo(2);
        assertThat(err.toString())
            .as(args.toString())
            .containsAnyOf("is for Kinesis URLs", "is for dynamodb+cdc URLs");
        assertThat(out.toString() + err.toString()).doesNotContain("s3cr3t");
        try {
          endpoint.accept().close();
          throw new AssertionError(args + " connected to the endpoint");
        } catch (SocketTimeoutException expected) {
          // Nothing connected.
        }
      }
    }
  }
}
