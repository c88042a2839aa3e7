package io.cdcrelay.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code relay} command line: runs the relay core outside Lambda. */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    version = "relay 0.1.0",
    description = "Relays DynamoDB changes from a Kinesis Data Stream into CrateDB.",
    subcommands = {
      InvokeCommand.class,
      SampleEventsCommand.class,
      LoadCommand.class,
      ProvisionCommand.class,
      TeardownCommand.class,
      SamParamsCommand.class,
      PurgeCommand.class
    })
public final class RelayCli {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  static int run(String... args) {
    return new CommandLine(new RelayCli()).execute(args);
  }
}
