package io.cdcrelay.cli;

import io.cdcrelay.deadletter.DeadLetterReplay;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relay dead-letters replay TARGET [filters] [--force]}: applies dead letters again through
 * the relay core, with the target's settings as they are now (the fix included).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Applies the dead letters the filters take again, once their cause is fixed: each that"
            + " lands is removed, each that fails again is kept with its new reason.")
final class ReplayDeadLettersCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DeadLetterOptions options;

  @Mixin RouteOptions routes;

  @Option(
      names = "--force",
      description =
          "Apply changes older than their table's purge horizon too (they could bring back an"
              + " item deleted since); without it they stay dead letters, stage too-old")
  boolean force;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Dead letters applied at once (1 to 10000, default ${DEFAULT-VALUE})")
  int batchSize;

  private final Map<String, String> processEnvironment;

  ReplayDeadLettersCommand() {
    this(ProcessEnvironment.get());
  }

  ReplayDeadLettersCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1 || batchSize > 10_000) {
      err.println("--batch-size " + batchSize + " is out of range: 1 to 10000");
      return 2;
    }
    // The letters are relayed again, routed as a load would route them.
    options.target.routes = routes;
    return options.run(
        processEnvironment,
        out,
        err,
        false,
        session -> {
          RelaySettings settings = settings(session.config());
          Relay relay = new Relay(session.writer(), settings, session.clock());
          DeadLetterReplay.Report report =
              new DeadLetterReplay(session.store(), relay, settings.routes(), session.clock())
                  .replay(session.filter(), batchSize);
          out.println(describe(report));
          out.flush();
          if (report.failure().isPresent()) {
            err.println("The target database failed: " + report.failure().get());
            return 1;
          }
          return 0;
        });
  }

  private RelaySettings settings(FunctionConfig config) {
    RelaySettings settings = config.settings();
    if (!force) {
      return settings;
    }
    return new RelaySettings(
        settings.routes(),
        settings.deletes(),
        settings.ttl(),
        settings.stateSchema(),
        settings.tombstoneRetention(),
        true);
  }

  static String describe(DeadLetterReplay.Report report) {
    StringBuilder text =
        new StringBuilder()
            .append(report.selected())
            .append(report.selected() == 1 ? " dead letter selected: " : " dead letters selected: ")
            .append(report.applied())
            .append(" applied and removed, ")
            .append(report.failedAgainTotal())
            .append(" failed again");
    if (!report.failedAgain().isEmpty()) {
      text.append(" (");
      String separator = "";
      for (Map.Entry<String, Integer> stage : report.failedAgain().entrySet()) {
        text.append(separator).append(stage.getKey()).append(": ").append(stage.getValue());
        separator = ", ";
      }
      text.append(")");
    }
    if (report.skipped() > 0) {
      text.append(", ")
          .append(report.skipped())
          .append(" not replayed: their DynamoDB table is not in CRATEDB_TABLES");
    }
    for (String stage : report.failedAgain().keySet()) {
      String next = NEXT_STEPS.get(stage);
      if (next != null) {
        text.append(System.lineSeparator()).append(stage).append(": ").append(next);
      }
    }
    return text.toString();
  }

  /**
   * What to do about the letters that failed again at a stage: a replay of the same letters with
   * the same settings fails the same way.
   */
  private static final Map<String, String> NEXT_STEPS =
      Map.of(
          "decode",
          "the records themselves cannot be decoded and never will be; read them with `relay"
              + " dead-letters list --json`, drop them with `relay dead-letters discard --stage"
              + " decode`",
          "route",
          "no target table takes them; route their DynamoDB table (CRATEDB_TABLE_MAP, a"
              + " schema-only target URL, CRATEDB_TABLES), then replay again",
          "plan",
          "their key does not fit the target table's primary key; see `relay dead-letters list`",
          "too-old",
          "older than the purge horizon, so their order against later changes is unknown;"
              + " `--force` applies them anyway",
          "write",
          "the target refused the rows; fix what `relay dead-letters list` names (a column's"
              + " type, a constraint), then replay again");
}
