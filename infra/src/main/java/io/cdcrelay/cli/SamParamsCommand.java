package io.cdcrelay.cli;

import io.cdcrelay.dynamodbstreams.DynamoDbStreamReader;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.AwsProvisioner;
import io.cdcrelay.provision.ProvisionException;
import io.cdcrelay.provision.SamParameters;
import io.cdcrelay.provision.StartRecord;
import io.cdcrelay.provision.StreamState;
import io.cdcrelay.source.BadSourceUrlException;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relay sam-params URL}: prints the {@code sam deploy --parameter-overrides} of {@code
 * template.yaml} for a source URL.
 */
@Command(
    name = "sam-params",
    mixinStandardHelpOptions = true,
    description =
        "Prints the template.yaml parameters for a source URL, for"
            + " sam deploy --parameter-overrides \"$(relay sam-params URL)\". Offline unless the"
            + " stream ARN (create=false without --account-id; always for a dynamodb+cdc URL,"
            + " SourceType=DynamoDBStream) or a seqno start must be read from the stream.")
final class SamParamsCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "The source URL")
  String url;

  @Option(
      names = "--dynamodb-table",
      paramLabel = "TABLE",
      description =
          "Accepted, and repeatable, as provision accepts it; the template has no table parameter:"
              + " relay provision enables each table's streaming destination")
  List<String> dynamoDbTables = new ArrayList<>();

  @Option(
      names = "--account-id",
      paramLabel = "ACCOUNT",
      description = "The AWS account of an existing stream (create=false): its ARN without a call")
  String accountId;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SourceUrl source;
    try {
      source = SourceUrl.parse(url);
    } catch (BadSourceUrlException e) {
      err.println("Bad source URL: " + e.getMessage());
      return 2;
    }
    if (source.type() == SourceType.DYNAMODB_STREAM) {
      return tableStream(source, out, err);
    }
    Optional<String> streamArn = Optional.empty();
    if (!source.create() && accountId != null) {
      try {
        streamArn = Optional.of(SamParameters.streamArn(source, accountId));
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      }
    }
    boolean needsStream =
        (!source.create() && streamArn.isEmpty()) || source.start().needsSequenceNumber();
    Optional<StartRecord> start = Optional.empty();
    if (needsStream) {
      try (AwsClients aws = new AwsClients(source)) {
        AwsProvisioner provisioner =
            new AwsProvisioner(aws, Duration.ofSeconds(60), Duration.ofSeconds(1));
        StreamState stream =
            provisioner.stream(source.stream())
                .orElseThrow(
                    () ->
                        new ProvisionException(
                            "the stream "
                                + source.stream()
                                + " does not exist in "
                                + source.region()));
        if (streamArn.isEmpty() && !source.create()) {
          streamArn = Optional.of(stream.arn());
        }
        if (source.start().needsSequenceNumber()) {
          start =
              Optional.of(
                  provisioner
                      .findStartRecord(
                          source.stream(), source.sequenceNumber().orElseThrow(), source.start())
                      .orElseThrow(
                          () ->
                              new ProvisionException(
                                  "sequence number "
                                      + source.sequenceNumber().orElseThrow()
                                      + " is in no shard of the stream "
                                      + source.stream())));
        }
      } catch (ProvisionException e) {
        err.println("Cannot read the stream: " + e.getMessage());
        return 1;
      }
    }
    Map<String, String> parameters = SamParameters.from(source, streamArn, start);
    out.println(SamParameters.overrides(parameters));
    out.flush();
    sayWhereToDeploy(source, err);
    return 0;
  }

  /**
   * On standard error, which {@code $(…)} leaves out of the overrides: the region the stack must be
   * deployed in. The parameters name the stream, not its region; deployed elsewhere (the profile's
   * default region), the stack creates or looks for the stream there, and the URL no longer names
   * what it relays.
   */
  private static void sayWhereToDeploy(SourceUrl source, PrintWriter err) {
    if (source.endpoint().isEmpty()) {
      err.println(
          "Deploy the stack in "
              + source.region()
              + ", the URL's region: sam deploy --region "
              + source.region()
              + " --parameter-overrides …");
      err.flush();
    }
  }

  /**
   * The parameters of a {@code dynamodb+cdc} URL: the table's stream ARN names the time the stream
   * was turned on, so it is always read ({@code DescribeTable}), as is the record of a seqno start.
   */
  private int tableStream(SourceUrl source, PrintWriter out, PrintWriter err) {
    if (!dynamoDbTables.isEmpty() || accountId != null) {
      err.println(
          (accountId != null ? "--account-id" : "--dynamodb-table")
              + " is for Kinesis URLs: a dynamodb+cdc URL names its table ("
              + source.stream()
              + "), whose stream ARN sam-params reads with DescribeTable.");
      return 2;
    }
    String streamArn;
    Optional<StartRecord> start = Optional.empty();
    try (AwsClients aws = new AwsClients(source)) {
      DynamoDbStreamReader reader =
          new DynamoDbStreamReader(aws.dynamoDb(), aws.dynamoDbStreams(), source.stream());
      streamArn = reader.arn();
      if (source.start().needsSequenceNumber()) {
        AwsProvisioner provisioner =
            new AwsProvisioner(aws, Duration.ofSeconds(60), Duration.ofSeconds(1));
        start =
            Optional.of(
                provisioner
                    .findStartRecord(reader, source.sequenceNumber().orElseThrow(), source.start())
                    .orElseThrow(
                        () ->
                            new ProvisionException(
                                "sequence number "
                                    + source.sequenceNumber().orElseThrow()
                                    + " is in no shard of the stream of the DynamoDB table "
                                    + source.stream())));
      }
    } catch (DynamoDbStreamReader.StreamUnusableException
        | ShardReadException
        | ProvisionException e) {
      err.println(
          "Cannot read the stream of the DynamoDB table "
              + source.stream()
              + " "
              + source.where()
              + ": "
              + e.getMessage());
      return 1;
    }
    out.println(SamParameters.overrides(SamParameters.from(source, Optional.of(streamArn), start)));
    out.flush();
    sayWhereToDeploy(source, err);
    return 0;
  }
}
