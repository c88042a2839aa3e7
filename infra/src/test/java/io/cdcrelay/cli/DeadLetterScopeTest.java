package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.DeadLetterFilter;
import io.cdcrelay.sink.TableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which dead letters the commands take when the target URL names one table, and embedded's (none
 * where no load left a database).
 */
class DeadLetterScopeTest {

  private static final TableRoutes ORDERS = TableRoutes.single("doc", "orders");

  private static DeadLetterFilter table(String table) {
    return new DeadLetterFilter(Set.of(), Optional.empty(), Optional.ofNullable(table));
  }

  @Test
  void aUrlNamingATableTakesItsLettersAndThoseOfNoTable() {
    DeadLetterFilter scoped = DeadLetterOptions.scoped(table(null), ORDERS);

    assertThat(scoped.takes(Optional.of(new TableName("doc", "orders")), "doc")).isTrue();
    assertThat(scoped.takes(Optional.empty(), "doc")).isTrue();
    assertThat(scoped.takes(Optional.of(new TableName("doc", "users")), "doc")).isFalse();
    assertThat(scoped.takes(Optional.of(new TableName("other", "orders")), "doc")).isFalse();
    assertThat(DeadLetterOptions.scoped(table(DeadLetterFilter.NO_TABLE), ORDERS).table())
        .contains(DeadLetterFilter.NO_TABLE);
    assertThat(DeadLetterOptions.scoped(table("doc.orders"), ORDERS).table())
        .contains("doc.orders");
  }

  @Test
  void theUrlsTableNamedWithoutItsSchemaIsTakenAndInAnotherSchemaRefused() {
    DeadLetterFilter bare = DeadLetterOptions.scoped(table("orders"), ORDERS);
    assertThat(bare.takes(Optional.of(new TableName("doc", "orders")), "doc")).isTrue();
    assertThat(bare.takes(Optional.empty(), "doc")).isFalse();

    assertThatThrownBy(() -> DeadLetterOptions.scoped(table("other.orders"), ORDERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "--table other.orders is not the table the target URL names (doc.orders)");
  }

  @Test
  void aSchemaOnlyUrlTakesEveryTable() {
    TableRoutes bySchema = new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of());
    DeadLetterFilter all = DeadLetterOptions.scoped(table(null), bySchema);

    assertThat(all.takes(Optional.of(new TableName("doc", "users")), "doc")).isTrue();
  }

  @Test
  void anotherTableThanTheUrlsIsRefused() {
    assertThatThrownBy(() -> DeadLetterOptions.scoped(table("doc.users"), ORDERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "--table doc.users is not the table the target URL names (doc.orders)");
  }

  @Test
  void theEmbeddedDatabaseWritesIntoDemoButItsDeadLettersAreRoutedBySchema() {
    RoutingOptions load = new RoutingOptions();
    load.target = "embedded";
    assertThat(load.environment(Map.of(), "postgresql://u@h:1/d"))
        .containsEntry("CRATEDB_TABLE", "demo");

    RoutingOptions deadLetters = new RoutingOptions();
    deadLetters.target = "embedded";
    deadLetters.demoTableWhenEmbedded = false;
    assertThat(deadLetters.environment(Map.of(), "postgresql://u@h:1/d"))
        .doesNotContainKey(FunctionConfig.TABLE);
  }

  @Test
  void anEmbeddedFolderWithoutADatabaseHoldsNoDeadLettersSaidInOneSentenceExitZero(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path none = dir.resolve("none");
    for (Object command :
        List.of(
            new ListDeadLettersCommand(Map.of()),
            new ReplayDeadLettersCommand(Map.of()),
            new DiscardDeadLettersCommand(Map.of()))) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      picocli.CommandLine cli = new picocli.CommandLine(command);
      cli.setOut(new java.io.PrintWriter(out, true));
      cli.setErr(new java.io.PrintWriter(err, true));

      int exit = cli.execute("--target", "embedded", "--embedded-dir", none.toString());

      assertThat(exit).as(command + ": " + out + err).isZero();
      assertThat(out.toString())
          .isEqualTo(
              "No embedded database in "
                  + none.toAbsolutePath().normalize()
                  + " yet, so nothing was relayed there: relay load … --target embedded creates it"
                  + " (run dead-letters from the same folder, or pass the load's --embedded-dir)."
                  + System.lineSeparator());
      assertThat(err.toString()).isEmpty();
      assertThat(none).doesNotExist();
    }
  }

  @Test
  void statusAndDeadLettersListSayTheSameOfAFolderWithoutADatabaseAndExitTheSame(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path none = dir.resolve("none");
    String[] args = {"--target", "embedded", "--embedded-dir", none.toString()};
    java.io.StringWriter statusOut = new java.io.StringWriter();
    picocli.CommandLine status =
        new picocli.CommandLine(new StatusCommand(Map.of(), java.time.Clock.systemUTC()));
    status.setOut(new java.io.PrintWriter(statusOut, true));
    java.io.StringWriter listOut = new java.io.StringWriter();
    picocli.CommandLine list = new picocli.CommandLine(new ListDeadLettersCommand(Map.of()));
    list.setOut(new java.io.PrintWriter(listOut, true));

    assertThat(list.execute(args)).isEqualTo(status.execute(args)).isZero();
    assertThat(listOut.toString().replace("run dead-letters", "run status"))
        .isEqualTo(statusOut.toString());

    // As JSON: no dead letters (an empty array), the sentence on stderr.
    java.io.StringWriter json = new java.io.StringWriter();
    java.io.StringWriter jsonErr = new java.io.StringWriter();
    list = new picocli.CommandLine(new ListDeadLettersCommand(Map.of()));
    list.setOut(new java.io.PrintWriter(json, true));
    list.setErr(new java.io.PrintWriter(jsonErr, true));
    assertThat(list.execute("--target", "embedded", "--embedded-dir", none.toString(), "--json"))
        .isZero();
    assertThat(json.toString().trim()).isEqualTo("[]");
    assertThat(jsonErr.toString()).startsWith("No embedded database in ");
    assertThat(none).doesNotExist();
  }

  @Test
  void aBadFilterIsBadInputWithoutADatabaseToo(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path none = dir.resolve("none");
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new ListDeadLettersCommand(Map.of()));
    cli.setErr(new java.io.PrintWriter(err, true));

    int exit =
        cli.execute("--target", "embedded", "--embedded-dir", none.toString(), "--since", "soon");

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Bad configuration: ")
        .contains(
            "--since soon is neither a duration such as 36h or 7d nor a time such as"
                + " 2026-12-01T10:00:00Z");
    assertThat(none).doesNotExist();
  }

  @Test
  void sinceTakesADurationInEitherFormOrATime() {
    java.time.Instant now = java.time.Instant.parse("2026-12-05T12:00:00Z");
    Map<String, String> expected =
        Map.of(
            "36h", "2026-12-04T00:00:00Z",
            "PT36H", "2026-12-04T00:00:00Z",
            "p1d", "2026-12-04T12:00:00Z",
            "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z");
    expected.forEach(
        (since, from) -> {
          DeadLetterOptions options = new DeadLetterOptions();
          options.since = since;
          assertThat(options.filter(now).since()).as(since).contains(java.time.Instant.parse(from));
        });
  }

  @Test
  void aSinceInTheFutureIsBadInput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    for (String since : List.of("-5h", "PT-5H", "P-1D")) {
      java.io.StringWriter err = new java.io.StringWriter();
      picocli.CommandLine cli = new picocli.CommandLine(new ListDeadLettersCommand(Map.of()));
      cli.setErr(new java.io.PrintWriter(err, true));

      int exit =
          cli.execute(
              "--target",
              "embedded",
              "--embedded-dir",
              dir.resolve("n").toString(),
              "--since",
              since);

      assertThat(exit).as(since + ": " + err).isEqualTo(2);
      assertThat(err.toString()).contains("--since " + since + " is neither a duration");
    }
  }
}
