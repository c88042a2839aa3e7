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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The source URL and the resources that {@code provision} and {@code teardown} work on. */
final class ProvisionOptions {

  /** What a command does: make what the URL describes, or remove what provision made. */
  enum Work {
    PROVISION("Plan for ", "Provisioning ", "Provisioning failed: ") {
      @Override
      Plan plan(ProvisionRequest request, Observed observed) {
        return Planner.provision(request, observed);
      }

      @Override
      String done(Plan plan) {
        long changed = plan.steps().stream().filter(s -> s.action().changes()).count();
        long present =
            plan.steps().stream().filter(s -> s.action() == Step.Action.ALREADY_PRESENT).count();
        return changed == 0
            ? "Nothing changed: everything already present."
            : "Done: " + changed + " changed, " + present + " already present.";
      }
    },
    TEARDOWN("Teardown plan for ", "Tearing down ", "Teardown failed: ") {
      @Override
      Plan plan(ProvisionRequest request, Observed observed) {
        return Planner.teardown(request, observed);
      }

      @Override
      String done(Plan plan) {
        return plan.changes() ? "Done." : "Nothing to remove.";
      }
    };

    private final String planHeading;
    private final String heading;
    private final String failed;

    Work(String planHeading, String heading, String failed) {
      this.planHeading = planHeading;
      this.heading = heading;
      this.failed = failed;
    }

    abstract Plan plan(ProvisionRequest request, Observed observed);

    /** The last line once the plan is carried out. */
    abstract String done(Plan plan);
  }

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
          "How long to wait for a stream, function or event source mapping to settle"
              + " (default: ${DEFAULT-VALUE})")
  int waitTimeoutSeconds;

  /**
   * The URL, parsed, with {@link #mismatch} checked; empty once the reason is printed to {@code
   * err} (exit code 2).
   */
  Optional<SourceUrl> source(PrintWriter err) {
    SourceUrl source;
    try {
      source = SourceUrl.parse(url);
    } catch (BadSourceUrlException e) {
      err.println("Bad source URL: " + e.getMessage());
      return Optional.empty();
    }
    Optional<String> mismatch = mismatch(source);
    if (mismatch.isPresent()) {
      err.println(mismatch.get());
      return Optional.empty();
    }
    return Optional.of(source);
  }

  /**
   * Reads what exists, plans the work and, unless {@code dryRun}, carries it out with a line per
   * step on {@code out}; the exit code: 0, or 1 when AWS fails (the reason on {@code err}).
   */
  int carryOut(
      Work work, ProvisionRequest request, boolean dryRun, PrintWriter out, PrintWriter err) {
    out.println((dryRun ? work.planHeading : work.heading) + request.source());
    try (AwsClients aws = new AwsClients(request.source())) {
      AwsProvisioner provisioner =
          new AwsProvisioner(aws, Duration.ofSeconds(waitTimeoutSeconds), Duration.ofSeconds(1));
      Observed observed = provisioner.observe(request, work == Work.PROVISION);
      Plan plan = work.plan(request, observed);
      if (dryRun) {
        out.print(plan.render());
        out.println("Dry run: nothing changed.");
        return 0;
      }
      provisioner.apply(request, observed, plan, out::println);
      out.println(work.done(plan));
      return 0;
    } catch (ProvisionException e) {
      out.flush();
      err.println(work.failed + e.getMessage());
      return 1;
    } finally {
      out.flush();
    }
  }

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
