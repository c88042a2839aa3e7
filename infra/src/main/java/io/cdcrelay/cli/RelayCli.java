package io.cdcrelay.cli;

import io.cdcrelay.bench.BenchCommand;
import io.cdcrelay.env.DotEnv;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.sink.Redaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code relay} command line: runs the relay core outside Lambda. */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    version = "relay 0.1.0",
    description =
        "Relays DynamoDB changes (a Kinesis Data Stream or a table's DynamoDB stream) and a"
            + " table's existing items (Scan or export to S3) into CrateDB or PostgreSQL, as a"
            + " Lambda function or locally; provisions the stream, verifies source against target.",
    subcommands = {
      InvokeCommand.class,
      SampleEventsCommand.class,
      LoadCommand.class,
      ProvisionCommand.class,
      TeardownCommand.class,
      SamParamsCommand.class,
      PurgeCommand.class,
      VerifyCommand.class,
      DeadLettersCommand.class,
      ReplayFailedCommand.class,
      StatusCommand.class,
      BenchCommand.class
    },
    footer = {
      "",
      "Settings come from the environment (CRATEDB_SQLALCHEMY_URL, AWS_REGION, …) and, under it,"
          + " from the first .env file in the working directory or above, as with ctk;"
          + " RELAY_DOTENV=FILE reads another, RELAY_DOTENV=none none."
    })
public final class RelayCli {

  public static void main(String[] args) {
    debugLogging(args)
        .ifPresent(level -> System.setProperty(ReferenceOptions.LOG_LEVEL_PROPERTY, level));
    System.exit(run(args));
  }

  /**
   * The relay's log level {@code --debug} asks for: set before the first logger is made, which
   * reads it once (options end at {@code --}).
   */
  static Optional<String> debugLogging(String... args) {
    for (String arg : args) {
      if ("--".equals(arg)) {
        break;
      }
      if ("--debug".equals(arg)) {
        return Optional.of("debug");
      }
    }
    return Optional.empty();
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    try {
      ProcessEnvironment.get();
    } catch (IllegalArgumentException e) {
      // The message names the file, never a value.
      System.err.println("Bad " + DotEnv.FILE + " file: " + e.getMessage());
      return 2;
    }
    return commandLine().execute(args);
  }

  /**
   * The command line with all its subcommands, ready to execute. Its messages about arguments it
   * cannot use, and about unexpected failures, have the credentials of every URL redacted: picocli
   * quotes the arguments, and a URL argument may hold a password or a secret key.
   */
  static CommandLine commandLine() {
    CommandLine cli =
        new CommandLine(new RelayCli())
            .setParameterExceptionHandler(RelayCli::argumentError)
            .setExecutionExceptionHandler(RelayCli::failure);
    giveVersion(cli, cli.getCommandSpec().version());
    return cli;
  }

  /** Every subcommand's {@code -V} says the relay's version, as {@code relay -V} does. */
  private static void giveVersion(CommandLine command, String[] version) {
    for (CommandLine sub : command.getSubcommands().values()) {
      sub.getCommandSpec().version(version);
      giveVersion(sub, version);
    }
  }

  /**
   * The message redacted, then picocli's suggestions or where the usage is, instead of the whole
   * usage: one line that stays in sight, not fifty that push it away.
   */
  private static int argumentError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(command.getColorScheme().errorText(redact(e.getMessage(), args)));
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      commands(command).ifPresent(err::println);
      err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for its usage.");
    }
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * The commands of a command that takes nothing but a command (such as {@code relay
   * dead-letters}): a word it does not know, or none, was meant to be one of them.
   */
  static Optional<String> commands(CommandLine command) {
    if (command.getSubcommands().isEmpty()
        || !command.getCommandSpec().positionalParameters().isEmpty()) {
      return Optional.empty();
    }
    Set<String> names = new LinkedHashSet<>();
    command.getSubcommands().values().stream()
        .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
        .forEach(sub -> names.add(sub.getCommandName()));
    return Optional.of(
        "The commands of '"
            + command.getCommandSpec().qualifiedName()
            + "': "
            + String.join(", ", names)
            + ".");
  }

  /** As picocli's default handler (the stack trace), with every message in it redacted. */
  private static int failure(Exception e, CommandLine command, ParseResult parsed) {
    if (e instanceof EmbeddedTarget.NotStartedException) {
      // Not a defect of the relay: one sentence, not a stack trace.
      command.getErr().println(e.getMessage());
      command.getErr().flush();
      return 1;
    }
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    command
        .getErr()
        .print(
            command
                .getColorScheme()
                .stackTraceText(
                    redact(trace.toString(), parsed.originalArgs().toArray(String[]::new))));
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnExecutionException();
  }

  /**
   * The text with the credentials of every URL redacted; an argument is redacted as a whole first,
   * so that a password holding white space is caught too.
   */
  static String redact(String text, String[] args) {
    String redacted = text;
    for (String arg : args) {
      String safe = Redaction.url(arg);
      if (!safe.equals(arg)) {
        redacted = redacted.replace(arg, safe);
      }
    }
    return Redaction.urlsIn(redacted);
  }
}
