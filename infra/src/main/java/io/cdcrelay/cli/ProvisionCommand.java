package io.cdcrelay.cli;

import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.AwsProvisioner;
import io.cdcrelay.provision.Observed;
import io.cdcrelay.provision.Plan;
import io.cdcrelay.provision.Planner;
import io.cdcrelay.provision.ProvisionException;
import io.cdcrelay.provision.ProvisionRequest;
import io.cdcrelay.provision.Step;
import io.cdcrelay.source.BadSourceUrlException;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintWriter;
import java.time.Duration;
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
    SourceUrl source;
    try {
      source = SourceUrl.parse(options.url);
    } catch (BadSourceUrlException e) {
      err.println("Bad source URL: " + e.getMessage());
      return 2;
    }
    Optional<String> mismatch = options.mismatch(source);
    if (mismatch.isPresent()) {
      err.println(mismatch.get());
      return 2;
    }
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
    ProvisionRequest request = options.request(source, Optional.ofNullable(onFailureArn), false);
    out.println((dryRun ? "Plan for " : "Provisioning ") + source);
    try (AwsClients aws = new AwsClients(source)) {
      AwsProvisioner provisioner =
          new AwsProvisioner(
              aws, Duration.ofSeconds(options.waitTimeoutSeconds), Duration.ofSeconds(1));
      Observed observed = provisioner.observe(request, true);
      Plan plan = Planner.provision(request, observed);
      if (dryRun) {
        out.print(plan.render());
        out.println("Dry run: nothing changed.");
        return 0;
      }
      provisioner.apply(request, observed, plan, out::println);
      out.println(summary(plan));
      return 0;
    } catch (ProvisionException e) {
      out.flush();
      err.println("Provisioning failed: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
    }
  }

  static String summary(Plan plan) {
    long changed = plan.steps().stream().filter(s -> s.action().changes()).count();
    long present =
        plan.steps().stream().filter(s -> s.action() == Step.Action.ALREADY_PRESENT).count();
    return changed == 0
        ? "Nothing changed: everything already present."
        : "Done: " + changed + " changed, " + present + " already present.";
  }
}
