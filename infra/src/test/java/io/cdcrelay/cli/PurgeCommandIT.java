package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay purge}: tombstones before the horizon go, and older changes are refused after. */
class PurgeCommandIT {

  @Test
  void purgeRemovesOldTombstonesAndOlderChangesAreRefusedAfterwards() throws Exception {
    PostgresDatabase postgres = PostgresDatabase.get();
    TableName table = new TableName("public", "purge_" + ProcessHandle.current().pid());
    long dayAgo = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().minus(1, ChronoUnit.DAYS));
    try (Relay relay = relay(postgres, table)) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", dayAgo, "")),
              record(2, remove("a", dayAgo + 1)),
              record(3, upsert("INSERT", "b", dayAgo + 2, ""))));
    }
    assertThat(TableRows.tombstones(postgres, table)).hasSize(1);

    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PurgeCommand(Map.of()));
    cli.setOut(new PrintWriter(out, true));
    int exit =
        cli.execute(
            "postgresql://postgres@"
                + postgres.host()
                + ":"
                + postgres.port()
                + "/postgres/"
                + table.schema()
                + "/"
                + table.table(),
            "--older-than",
            "1h");
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains(table + ": 1 tombstone older than");
    assertThat(TableRows.tombstones(postgres, table)).isEmpty();

    try (Relay relay = relay(postgres, table)) {
      BatchResult late = relay.apply(List.of(record(4, upsert("INSERT", "a", dayAgo, ""))));
      assertThat(late.deadLettered()).isEqualTo(1);
    }
    assertThat(TableRows.liveItems(postgres, table)).containsOnlyKeys("{\"id\":\"b\"}");
  }

  @Test
  void purgeTakesOnlyTheTableItsTargetNamesAndRefusesAHorizonOfLessThanAnHour() throws Exception {
    PostgresDatabase postgres = PostgresDatabase.get();
    long pid = ProcessHandle.current().pid();
    TableName named = new TableName("public", "purge_named_" + pid);
    TableName other = new TableName("public", "purge_other_" + pid);
    long dayAgo = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().minus(1, ChronoUnit.DAYS));
    for (TableName table : List.of(named, other)) {
      try (Relay relay = relay(postgres, table)) {
        relay.apply(
            List.of(
                record(1, upsert("INSERT", "a", dayAgo, "")), record(2, remove("a", dayAgo + 1))));
      }
      assertThat(TableRows.tombstones(postgres, table)).hasSize(1);
    }
    String url =
        "postgresql://postgres@"
            + postgres.host()
            + ":"
            + postgres.port()
            + "/postgres/public/"
            + named.table();

    for (String tooShort : List.of("0s", "-5d", "59m")) {
      StringWriter err = new StringWriter();
      CommandLine refused = new CommandLine(new PurgeCommand(Map.of()));
      refused.setErr(new PrintWriter(err, true));
      assertThat(refused.execute(url, "--older-than", tooShort)).isEqualTo(2);
      assertThat(err.toString()).contains("--older-than=" + tooShort + " is shorter than one hour");
    }
    assertThat(TableRows.tombstones(postgres, named)).hasSize(1);

    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PurgeCommand(Map.of()));
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(url, "--older-than", "1h")).as(out.toString()).isZero();
    assertThat(out.toString()).contains("1 table purged");
    assertThat(TableRows.tombstones(postgres, named)).isEmpty();
    assertThat(TableRows.tombstones(postgres, other)).as("not named, not purged").hasSize(1);
  }

  @Test
  void aNamedTableThatWasNeverRelayedIsSaidToBeSoAndOneThatDeletesSoftHasNothingToPurge()
      throws Exception {
    PostgresDatabase postgres = PostgresDatabase.get();
    long pid = ProcessHandle.current().pid();
    TableName soft = new TableName("public", "purge_soft_" + pid);
    long dayAgo = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().minus(1, ChronoUnit.DAYS));
    try (Relay relay =
        new Relay(
            new JdbcTarget(
                postgres.url(postgres.host(), postgres.port(), soft),
                () -> null,
                Clock.systemUTC(),
                30),
            RelaySettings.single(soft.schema(), soft.table()).withDeletes(DeleteMode.SOFT),
            Clock.systemUTC())) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", dayAgo, "")), record(2, remove("a", dayAgo + 1))));
    }
    String base = "postgresql://postgres@" + postgres.host() + ":" + postgres.port() + "/postgres/";

    StringWriter out = new StringWriter();
    CommandLine softly = new CommandLine(new PurgeCommand(Map.of()));
    softly.setOut(new PrintWriter(out, true));
    assertThat(softly.execute(base + "public/" + soft.table(), "--older-than", "1h"))
        .as(out.toString())
        .isZero();
    assertThat(out.toString())
        .contains(soft + " deletes in soft mode: it keeps no tombstones, nothing to purge");

    StringWriter err = new StringWriter();
    CommandLine typo = new CommandLine(new PurgeCommand(Map.of()));
    typo.setErr(new PrintWriter(err, true));
    assertThat(typo.execute(base + "public/purge_sotf_" + pid, "--older-than", "1h"))
        .as(err.toString())
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "the table public.purge_sotf_"
                + pid
                + " (named by the target or --table), which no relay or load has written")
        .contains("(it holds " + soft + ", ")
        .contains("Did you mean " + soft + "?");

    // A database (here a schema) no relay wrote: said so, and left as it was.
    String fresh = "purge_fresh_" + pid;
    StringWriter none = new StringWriter();
    CommandLine first = new CommandLine(new PurgeCommand(Map.of()));
    first.setErr(new PrintWriter(none, true));
    assertThat(first.execute(base + fresh + "/orders", "--older-than", "1h"))
        .as(none.toString())
        .isEqualTo(2);
    assertThat(none.toString()).contains("(it holds no table yet)");
    assertThat(TableRows.exists(postgres, new TableName(fresh, "cdc_relay_tables")))
        .as("state table created by a purge")
        .isFalse();
  }

  @Test
  void purgeTakesTheEmbeddedTargetAsItsHelpSays(@TempDir Path dir) throws Exception {
    StringWriter none = new StringWriter();
    CommandLine empty = new CommandLine(new PurgeCommand(Map.of()));
    empty.setOut(new PrintWriter(none, true));
    assertThat(empty.execute("--target", "embedded", "--embedded-dir", dir.toString())).isZero();
    assertThat(none.toString()).contains("No embedded database in").contains("yet");
    assertThat(dir.resolve("data")).as("no database created").doesNotExist();

    TableName table = new TableName("public", "demo");
    long dayAgo = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().minus(1, ChronoUnit.DAYS));
    try (EmbeddedTarget embedded = EmbeddedTarget.start(dir);
        Relay relay =
            new Relay(
                new JdbcTarget(
                    TargetUrl.parse(embedded.url().replace("?schema=public", "/public/demo")),
                    () -> null,
                    Clock.systemUTC(),
                    30),
                RelaySettings.single(table.schema(), table.table()),
                Clock.systemUTC())) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", dayAgo, "")), record(2, remove("a", dayAgo + 1))));
    }

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new PurgeCommand(Map.of()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute("--target", "embedded", "--embedded-dir", dir.toString(), "--older-than", "1h");
    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("public.demo: 1 tombstone older than");
  }

  private static Relay relay(PostgresDatabase postgres, TableName table) {
    return new Relay(
        new JdbcTarget(
            postgres.url(postgres.host(), postgres.port(), table),
            () -> null,
            Clock.systemUTC(),
            30),
        RelaySettings.single(table.schema(), table.table()),
        Clock.systemUTC());
  }
}
