package io.cdcrelay.cli;

import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.sink.TableName;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relay dead-letters discard TARGET [filters] | --all}: removes dead letters for good. */
@Command(
    name = "discard",
    mixinStandardHelpOptions = true,
    description =
        "Removes the dead letters the filters take, for good; without a filter only with --all.")
final class DiscardDeadLettersCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DeadLetterOptions options;

  @Option(names = "--all", description = "Discard every dead letter (when no filter is given)")
  boolean all;

  private final Map<String, String> processEnvironment;

  DiscardDeadLettersCommand() {
    this(ProcessEnvironment.get());
  }

  DiscardDeadLettersCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return options.run(
        processEnvironment,
        out,
        err,
        false,
        session -> {
          if (session.filter().isEverything() && !all) {
            err.println(
                "No filter given: pass --stage, --since or --table, or --all to discard every"
                    + " dead letter.");
            return 2;
          }
          Map<TableName, Integer> removed = session.store().discard(session.filter());
          int total = 0;
          for (Map.Entry<TableName, Integer> table : removed.entrySet()) {
            if (table.getValue() > 0) {
              out.println(table.getKey() + ": " + table.getValue() + " discarded");
            }
            total += table.getValue();
          }
          out.println(total + " dead letters discarded");
          out.flush();
          return 0;
        });
  }
}
