package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What the command line prints about arguments it cannot use. */
class RelayCliTest {

  private static final String SOURCE = "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@Sx3%2F#Sx4@aws/s";
  private static final String TARGET = "crate://admin:Sx5@h:4200/doc/t";

  /** Runs the command line; returns what it printed. */
  private static String run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.execute(args);
    return out + "\\n" + err;
  }

  @Test
  void argumentErrorsNeverEchoCredentials() {
    List<List<String>> cases =
        List.of(
            List.of("invoke", SOURCE),
            List.of("invoke", "-e", "x.json", TARGET, SOURCE),
            List.of("no-such-command", SOURCE, TARGET),
            List.of("sam-params", SOURCE, "crate://admin:Sx6 Sx7@h/doc/t"),
            List.of("provision", SOURCE, "--wait-timeout", TARGET),
            List.of("provision", "--function", "f", "--wait-timeout=" + TARGET, SOURCE),
            List.of("teardown", SOURCE, TARGET));
    List<String> leaks = new ArrayList<>();
    for (List<String> args : cases) {
      String printed = run(RelayCli.commandLine(), args.toArray(String[]::new));
      if (printed.contains("Sx")) {
        leaks.add(args + " printed: " + printed);
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void argumentErrorsStillNameTheArgumentAndExitWithTwo() {
    StringWriter err = new StringWriter();
    CommandLine cli = RelayCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("invoke", "-e", "x.json", SOURCE)).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unmatched argument at index 3: 'kinesis+dynamodb+cdc://AKIA:***@aws/s'")
        .contains("Run 'relay invoke --help' for its usage.")
        .doesNotContain("Usage:");
  }

  @Test
  void aWordThatIsNoneOfACommandsCommandsIsToldThem() {
    StringWriter err = new StringWriter();
    CommandLine cli = RelayCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("dead-letters", "purge")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unmatched argument at index 1: 'purge'")
        .contains("The commands of 'relay dead-letters': list, replay, discard.")
        .contains("Run 'relay dead-letters --help' for its usage.");

    err.getBuffer().setLength(0);
    assertThat(cli.execute("dead-letters")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Missing required subcommand")
        .contains("The commands of 'relay dead-letters': list, replay, discard.");

    // A command with arguments of its own (relay load SOURCE TARGET, or relay load table …) is not
    // told its commands for a surplus one.
    err.getBuffer().setLength(0);
    assertThat(cli.execute("load", "a", "b", "c")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unmatched argument at index 3: 'c'")
        .doesNotContain("The commands of");
  }

  @Test
  void theHelpNamesEveryVariableATargetIsReadFrom() {
    // FunctionConfig reads the reference tool's Lambda names too: the help must not hide them.
    for (String[] args :
        new String[][] {{"load", "--help"}, {"load", "table", "--help"}, {"status", "--help"}}) {
      String help = run(RelayCli.commandLine(), args).replaceAll("\\s+", " ");
      assertThat(help)
          .as(String.join(" ", args))
          .contains("$CRATEDB_SQLALCHEMY_URL, $CRATEDB_CLUSTER_URL, $SINK_SQLALCHEMY_URL");
    }
    assertThat(run(RelayCli.commandLine(), "load", "--help").replaceAll("\\s+", " "))
        .contains("(default: $CRATEDB_TABLE, $SINK_TABLE)");
  }

  @Test
  void theHelpSaysWhatTheCommandsDo() {
    assertThat(run(RelayCli.commandLine(), "invoke", "--help").replaceAll("\\s+", " "))
        .contains(
            "Exit codes: 0 every record applied or set aside as a dead letter, 1 the response"
                + " lists batch item failures");
    assertThat(run(RelayCli.commandLine(), "status", "--help").replaceAll("\\s+", " "))
        .contains("database_found, tables, dead_letters, loads");
    assertThat(run(RelayCli.commandLine(), "purge", "--help").replaceAll("\\s+", " "))
        .contains("ISO-8601 (P8D)");
    for (String command : new String[] {"verify", "purge", "dead-letters replay", "load"}) {
      String[] args = (command + " --help").split(" ");
      assertThat(run(RelayCli.commandLine(), args).replaceAll("\\s+", " "))
          .as(command)
          .contains("Only these DynamoDB tables; the others are skipped")
          .doesNotContain("Relay only");
    }
  }

  @Test
  void everySubcommandSaysTheVersion() {
    String version = run(RelayCli.commandLine(), "-V").trim();
    assertThat(version).startsWith("relay ");
    for (String[] args :
        new String[][] {
          {"load", "-V"},
          {"load", "table", "--version"},
          {"verify", "-V"},
          {"dead-letters", "list", "-V"}
        }) {
      assertThat(run(RelayCli.commandLine(), args).trim())
          .as(String.join(" ", args))
          .isEqualTo(version);
    }
  }

  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("cannot reach " + TARGET);
    }
  }

  @Test
  void anUnexpectedFailureNeverPrintsCredentials() {
    CommandLine cli = RelayCli.commandLine().addSubcommand(new Failing());
    String printed = run(cli, "fail");
    assertThat(printed)
        .contains("cannot reach crate://admin:***@h:4200/doc/t")
        .doesNotContain("Sx");
  }
}
