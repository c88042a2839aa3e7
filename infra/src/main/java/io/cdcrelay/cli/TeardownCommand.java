package io.cdcrelay.cli;

import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.AwsProvisioner;
import io.cdcrelay.provision.Observed;
import io.cdcrelay.provision.Plan;
import io.cdcrelay.provision.Planner;
import io.cdcrelay.provision.ProvisionException;
import io.cdcrelay.provision.ProvisionRequest;
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
 * {@code relay teardown URL}: removes what {@code relay provision} made — the event source mapping,
 * the function's start filter and source table, the tables' streaming destinations, and the stream
 * only if the URL says {@code create=true}, provision created it and no other table streams into
 * it.
 */
@Command(
    name = "teardown",
    mixinStandardHelpOptions = true,
    description =
        "Removes what provision made: the event source mapping and the provisioned environment"
            + " variables of --function, the Kinesis streaming destination of each"
            + " --dynamodb-table, and the stream only when the URL says create=true, provision"
            + " created it (tagged cdc-relay:created-by) and no other DynamoDB table of the region"
            + " streams into it. For a dynamodb+cdc URL: the mapping and the variables; the"
            + " table's stream stays on unless --disable-table-stream.")
final class TeardownCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ProvisionOptions options;

  @Option(names = "--dry-run", description = "Print the plan; read what exists but change nothing")
  boolean dryRun;

  @Option(
      names = "--disable-table-stream",
      description =
          "dynamodb+cdc: turn the table's stream off too (by default it stays on for its other"
              + " readers; turning it off ends it for all of them)")
  boolean disableTableStream;

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
    if (disableTableStream && source.type() != SourceType.DYNAMODB_STREAM) {
      err.println(
          "--disable-table-stream is for dynamodb+cdc URLs, whose table's stream it turns off.");
      return 2;
    }
    ProvisionRequest request = options.request(source, Optional.empty(), disableTableStream);
    out.println((dryRun ? "Teardown plan for " : "Tearing down ") + source);
    try (AwsClients aws = new AwsClients(source)) {
      AwsProvisioner provisioner =
          new AwsProvisioner(
              aws, Duration.ofSeconds(options.waitTimeoutSeconds), Duration.ofSeconds(1));
      Observed observed = provisioner.observe(request, false);
      Plan plan = Planner.teardown(request, observed);
      if (dryRun) {
        out.print(plan.render());
        out.println("Dry run: nothing changed.");
        return 0;
      }
      provisioner.apply(request, observed, plan, out::println);
      out.println(plan.changes() ? "Done." : "Nothing to remove.");
      return 0;
    } catch (ProvisionException e) {
      out.flush();
      err.println("Teardown failed: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
    }
  }
}
