package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The commands that work on a target database refuse to start without one, and say how to give it.
 */
class NoTargetTest {

  private static final String QUEUE = "http://localhost:9324/000000000000/relay-failed";

  /** Each command, with the arguments it needs before {@code TARGET}. */
  static Stream<Arguments> commands() {
    Map<String, String> none = Map.of("CRATEDB_SQLALCHEMY_URL", " ");
    return Stream.of(
        Arguments.of("purge", new PurgeCommand(none), List.of()),
        Arguments.of("replay-failed", new ReplayFailedCommand(none), List.of(QUEUE)),
        Arguments.of("status", new StatusCommand(none, Clock.systemUTC()), List.of()),
        Arguments.of("dead-letters list", new ListDeadLettersCommand(none), List.of()),
        Arguments.of("dead-letters replay", new ReplayDeadLettersCommand(none), List.of()),
        Arguments.of("dead-letters discard", new DiscardDeadLettersCommand(none), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void withoutATargetTheCommandSaysHowToGiveOneAndExits2(
      String name, Callable<Integer> command, List<String> before) {
    CommandLine cli = new CommandLine(command);
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute(before.toArray(String[]::new))).as(name).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(RoutingOptions.NO_TARGET);
    assertThat(out.toString()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void aTargetGivenAsTheArgumentIsTheTarget(
      String name, Callable<Integer> command, List<String> before) {
    CommandLine cli = new CommandLine(command);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));

    // A URL of no database the relay knows: refused as the target it is, before any connection.
    List<String> args = new ArrayList<>(before);
    args.add("mysql://u@localhost/db/t");
    assertThat(cli.execute(args.toArray(String[]::new))).as(name).isEqualTo(2);
    assertThat(err.toString()).doesNotContain(RoutingOptions.NO_TARGET).contains("mysql");
  }
}
