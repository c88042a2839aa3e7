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
    Optional<SourceUrl> parsed = options.source(err);
    if (parsed.isEmpty()) {
      return 2;
    }
    SourceUrl source = parsed.get();
    if (disableTableStream && source.type() != SourceType.DYNAMODB_STREAM) {
      err.println(
          "--disable-table-stream is for dynamodb+cdc URLs, whose table's stream it turns off.");
      return 2;
    }
    return options.carryOut(
        ProvisionOptions.Work.TEARDOWN,
        options.request(source, Optional.empty(), disableTableStream),
        dryRun,
        out,
        err);
  }
}
