package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options each dead-letter command offers: routing only where letters are relayed again. */
class DeadLetterOptionsHelpTest {

  private static final List<String> ROUTING =
      List.of("--tables", "--table-map", "--source-table", "--deletes", "--ttl-deletes");

  private static final List<String> SHARED =
      List.of("--target", "--state-schema", "--embedded-dir", "--stage", "--since", "--table=");

  @Test
  void listAndDiscardOfferTheTargetAndTheFiltersButNoRouting() {
    for (Object command :
        List.of(new ListDeadLettersCommand(Map.of()), new DiscardDeadLettersCommand(Map.of()))) {
      String help = new CommandLine(command).getUsageMessage();

      assertThat(help).as(command.getClass().getSimpleName()).contains(SHARED);
      assertThat(help).as(command.getClass().getSimpleName()).doesNotContain(ROUTING);
    }
  }

  @Test
  void replayRoutesTheLettersItAppliesAgain() {
    String help = new CommandLine(new ReplayDeadLettersCommand(Map.of())).getUsageMessage();

    assertThat(help).contains(SHARED).contains(ROUTING);
  }

  @Test
  void aRoutingOptionGivenToListIsRefusedAsUnknown() {
    CommandLine list = new CommandLine(new ListDeadLettersCommand(Map.of()));
    java.io.StringWriter err = new java.io.StringWriter();
    list.setErr(new java.io.PrintWriter(err));

    int exit = list.execute("embedded", "--tables", "orders");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown options: '--tables'");
  }
}
