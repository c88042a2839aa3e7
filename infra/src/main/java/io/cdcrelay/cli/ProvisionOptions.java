package io.cdcrelay.cli;

import io.cdcrelay.provision.ProvisionRequest;
import io.cdcrelay.source.SourceUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The source URL and the resources that {@code provision} and {@code teardown} work on. */
final class ProvisionOptions {

  /** What provision, sam-params and teardown answer for a {@code dynamodb+cdc} URL. */
  static final String NOT_FOR_DYNAMODB_STREAMS =
      "This version provisions Kinesis sources only: for a dynamodb+cdc URL, enable the table's"
          + " stream with view type NEW_AND_OLD_IMAGES, then deploy template.yaml with"
          + " SourceType=DynamoDBStream and TableStreamArn set to the table's LatestStreamArn.";

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description =
          "The source URL: kinesis+dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/STREAM?OPTIONS")
  String url;

  @Option(
      names = "--dynamodb-table",
      paramLabel = "TABLE",
      description =
          "A DynamoDB table whose changes go into the stream; repeat it for several tables")
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

  /** The request, with the URL already parsed. */
  ProvisionRequest request(SourceUrl source, Optional<String> onFailureDestination) {
    return new ProvisionRequest(
        source, dynamoDbTables, Optional.ofNullable(function), onFailureDestination);
  }
}
