package io.cdcrelay.cli;

import io.cdcrelay.provision.ProvisionRequest;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The source URL and the resources that {@code provision} and {@code teardown} work on. */
final class ProvisionOptions {

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description =
          "The source URL: kinesis+dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/STREAM?OPTIONS"
              + " or dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS")
  String url;

  @Option(
      names = "--dynamodb-table",
      paramLabel = "TABLE",
      description =
          "A DynamoDB table whose changes go into the Kinesis stream; repeat it for several"
              + " tables (a dynamodb+cdc URL names its table itself)")
  List<String> dynamoDbTables = new ArrayList<>();

  @Option(
      names = "--function",
      paramLabel = "FUNCTION",
      description = "The Lambda function (name or ARN) the stream feeds")
  String function;

  @Option(
      names = "--wait-timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description =
          "How long to wait for a stream or function to settle (default: ${DEFAULT-VALUE})")
  int waitTimeoutSeconds;

  /** Why these options do not fit the URL, if they do not. */
  Optional<String> mismatch(SourceUrl source) {
    if (source.type() == SourceType.DYNAMODB_STREAM && !dynamoDbTables.isEmpty()) {
      return Optional.of(
          "--dynamodb-table is for Kinesis URLs: a dynamodb+cdc URL names its table as its path ("
              + source.stream()
              + ").");
    }
    return Optional.empty();
  }

  /** The request, with the URL already parsed and {@link #mismatch} checked. */
  ProvisionRequest request(
      SourceUrl source, Optional<String> onFailureDestination, boolean disableTableStream) {
    return new ProvisionRequest(
        source,
        dynamoDbTables,
        Optional.ofNullable(function),
        onFailureDestination,
        disableTableStream);
  }
}
