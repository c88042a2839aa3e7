package io.cdcrelay.cli;

import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.AwsProvisioner;
import io.cdcrelay.provision.ProvisionException;
import io.cdcrelay.provision.SamParameters;
import io.cdcrelay.provision.StartRecord;
import io.cdcrelay.provision.StreamState;
import io.cdcrelay.source.BadSourceUrlException;
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
            + " stream ARN (create=false without --account-id) or a seqno start must be read from"
            + " the stream.")
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
    if (source.type() == io.cdcrelay.source.SourceType.DYNAMODB_STREAM) {
      err.println(ProvisionOptions.NOT_FOR_DYNAMODB_STREAMS);
      return 2;
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
    return 0;
  }
}
