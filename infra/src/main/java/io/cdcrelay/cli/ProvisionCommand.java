package io.cdcrelay.cli;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relay provision URL}: creates the stream (or turns a table's own stream on), the
 * function's start filter and source table, the event source mapping and each DynamoDB table's
 * streaming destination that the URL and options describe, or reports each as already present.
 */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description =
        "Creates what the source URL describes. kinesis+dynamodb+cdc: the stream (create=true),"
            + " the event source mapping of --function, the Kinesis streaming destination of each"
            + " --dynamodb-table, and with exactly one table the function's CRATEDB_SOURCE_TABLE."
            + " dynamodb+cdc: the table's stream (NEW_AND_OLD_IMAGES) when it is off, the"
            + " function's CRATEDB_SOURCE_TABLE and the event source mapping on the table's"
            + " stream. Running it again changes nothing.")
final class ProvisionCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ProvisionOptions options;

  @Option(
      names = "--on-failure-arn",
      paramLabel = "ARN",
      description =
          "SQS queue or SNS topic where Lambda reports a batch it gave up on (the template's"
              + " FailedBatches queue)")
  String onFailureArn;

  @Option(names = "--dry-run", description = "Print the plan; read what exists but change nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<SourceUrl> parsed = options.source(err);
    if (parsed.isEmpty()) {
      return 2;
    }
    SourceUrl source = parsed.get();
    if (source.type() == SourceType.KINESIS_DATA_STREAM
        && options.dynamoDbTables.isEmpty()
        && options.function == null
        && !source.create()) {
      err.println(
          "Nothing to provision: give --function, --dynamodb-table, or create=true in the URL.");
      return 2;
    }
    if (onFailureArn != null && !onFailureArn.matches("arn:aws[a-z-]*:(sqs|sns):.+")) {
      err.println("--on-failure-arn " + onFailureArn + " is not an SQS queue or SNS topic ARN.");
      return 2;
    }
    return options.carryOut(
        ProvisionOptions.Work.PROVISION,
        options.request(source, Optional.ofNullable(onFailureArn), false),
        dryRun,
        out,
        err);
  }
}
