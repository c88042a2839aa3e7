package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input the local relay refuses before it touches any stream or database, and a full load whose
 * database cannot be reached.
 */
class LoadCommandTest {

  @Test
  @Timeout(30) // without --give-up-after's bound it would wait for the database until stopped
  void aFullLoadGivesUpOnAnUnreachableDatabaseWithoutItsPassword() {
    // Port 1 on the loopback refuses at once; the table is never read.
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:1/orders?region=us-east-1",
            "--target",
            "postgresql://crate:pw%2Fs%40e%25c%23x@127.0.0.1:1/doc",
            "--give-up-after",
            "1s");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .containsPattern(
            "The target database could not be reached for \\d+ s \\(--give-up-after 1 s\\): connecting at start: ")
        .contains("127.0.0.1:1")
        .doesNotContain("pw%2F", "pw/s", "s@e", "s3cr");
  }

  @Test
  @Timeout(30)
  void loadTableTakesTheTargetAsASecondArgumentAsLoadDoes() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:1/orders?region=us-east-1",
            "postgresql://crate:pw%2Fs@127.0.0.1:1/doc",
            "--give-up-after",
            "1s");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("could not be reached").doesNotContain("pw%2F", "s3cr");

    LocalRelayContract.Run two =
        LocalRelayContract.load(
            "load",
            "table",
            "dynamodb://aws/orders",
            "postgresql://crate@127.0.0.1:1/doc",
            "--cluster-url",
            "crate://crate@127.0.0.1:2/doc");
    assertThat(two.exitCode()).as(two.output()).isEqualTo(2);
  }

  @Test
  void noSourceIsABadInvocation() {
    LocalRelayContract.Run run = LocalRelayContract.load("load", "--target", "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("No source");
  }

  @Test
  void aMissingFileIsNamed() {
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", "table", "no/such/dump.ndjson", "--target", "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Cannot read the source file no/such/dump.ndjson");
  }

  @Test
  void aMistypedUrlTakenForAFileDoesNotShowItsSecret() {
    // Quotes kept inside the argument (a docker-compose or Kubernetes args list), and one '/'.
    for (String source :
        List.of(
            "'dynamodb://AKIAEXAMPLE:walkSECRETxyz@aws/orders?region=eu-central-1'",
            "dynamodb:/AKIAEXAMPLE:walkSECRETxyz@aws/orders")) {
      LocalRelayContract.Run run =
          LocalRelayContract.load("load", "table", source, "--target", "embedded");
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.output()).contains("Cannot read the source file").doesNotContain("walkSECRET");
    }
  }

  @Test
  void aMistypedSubcommandIsNotTakenForAFile() {
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", "tabel", "dynamodb://aws/orders", "--target", "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("'tabel' is neither a URL", "did you mean 'load table SRC'?");
  }

  @Test
  void aMistypedSchemeNamesEverySourceALoadTakesAndTheClosest() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", "dynamodbb://aws/orders", "--target", "crate://crate@localhost:4200/doc/a");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("the source URL scheme \"dynamodbb\" is not supported")
        .contains("a load also takes dynamodb://HOST/TABLE")
        .contains("did you mean dynamodb://?");
    assertThat(LoadCommand.otherSources("mysql://h/t")).doesNotContain("did you mean");
    assertThat(LoadCommand.otherSources("kinesis+dynamodb+cdc://aws/s")).isEmpty();
  }

  @Test
  void aBareWordFarFromTableGetsNoSuggestion() {
    assertThat(LoadCommand.notAFile("orders"))
        .contains("'orders' is neither a URL")
        .doesNotContain("did you mean");
    assertThat(LoadCommand.notAFile("no/such/dump.ndjson")).isEmpty();
    assertThat(LoadCommand.notAFile("Table")).contains("did you mean");
  }

  @Test
  void theReferenceToolsOptionsAreTakenOrRefusedNotUnknown() {
    LocalRelayContract.Run transformation =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream",
            "--transformation",
            "r.yaml",
            "--target",
            "crate://crate@localhost:4200/doc/a");
    assertThat(transformation.exitCode()).isEqualTo(2);
    assertThat(transformation.output()).contains("--transformation (the reference tool's Tikray");

    LocalRelayContract.Run schema =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream",
            "--verbose",
            "--schema",
            "crm",
            "--target",
            "crate://crate@localhost:4200/doc/a");
    assertThat(schema.exitCode()).isEqualTo(2);
    assertThat(schema.output()).contains("--schema crm differs from the target's schema doc");

    LocalRelayContract.Run twoSchemas =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream",
            "--schema",
            "crm",
            "--table",
            "doc.a",
            "--target",
            "crate://crate@localhost:4200/");
    assertThat(twoSchemas.exitCode()).isEqualTo(2);
    assertThat(twoSchemas.output()).contains("--schema crm and --table doc.a name two schemas");
  }

  @Test
  void twoDifferentTargetsAreRefused() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://aws/stream",
            "crate://crate@localhost:4200/doc/a",
            "--target",
            "crate://crate@localhost:4200/doc/b");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Two different targets given, TARGET and --target");
  }

  @Test
  void aClusterUrlBesideAnotherTargetIsRefusedNotDropped() {
    // ctk load: "Specify cluster URL either as TARGET_URL or --cluster-url, not both."
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://aws/stream",
            "crate://crate:Sx1@localhost:4200/doc/a",
            "--cluster-url",
            "crate://crate:Sx2@localhost:4200/doc/b");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "Two different targets given, TARGET and --cluster-url: use either TARGET,"
                + " --cluster-url or --target.")
        .doesNotContain("Sx");
  }

  @Test
  void aBadTargetIsRefusedWithoutItsPassword() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream",
            "--target",
            "mysql://u:hunter2@h/db/t");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Bad configuration").doesNotContain("hunter2");
  }

  @Test
  void anExportSnapshotBesideAStreamReadFromLatestIsRefused() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream?start=latest",
            "--snapshot",
            "s3://exports/AWSDynamoDB/01700000000000-a1b2c3d4/",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("start=latest would skip");
  }

  @Test
  void aSnapshotBesideAStreamReadFromASequenceNumberIsRefusedSayingWhatToUse() {
    for (String start : new String[] {"seqno-at", "seqno-after"}) {
      LocalRelayContract.Run run =
          LocalRelayContract.load(
              "load",
              "table",
              "kinesis+dynamodb+cdc://aws/stream?start="
                  + start
                  + "&seqno=49590338271490256608559692538361571095921575989136588898",
              "--snapshot",
              "dynamodb://aws/orders",
              "--target",
              "embedded");
      assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
      assertThat(run.output())
          .contains(
              "--snapshot needs the stream read from before the snapshot begins: start="
                  + start
                  + " may point past the snapshot's start")
          .contains("use start=earliest (the default)");
    }
  }

  @Test
  void aBadExportSnapshotUrlIsNamedWithoutItsSecret() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "kinesis+dynamodb+cdc://aws/stream",
            "--snapshot",
            "s3://KEY:se%2Fc%40r%25e%23t@exports/AWSDynamoDB/01700000000000-a1b2c3d4/?paralel=2",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("Bad --snapshot URL: unknown option \"paralel\"")
        .contains("did you mean \"parallel\"")
        .doesNotContain("se/c@r%e#t")
        .doesNotContain("se%2Fc%40r%25e%23t");
  }

  @Test
  void anExportSnapshotBesideAFullLoadIsRefused() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "table",
            "dynamodb://aws/orders",
            "--snapshot",
            "s3://exports/AWSDynamoDB/01700000000000-a1b2c3d4/",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("--snapshot goes with a kinesis+dynamodb+cdc:// or dynamodb+cdc:// source");
  }

  @Test
  void verifyOfAnEmbeddedFolderWithoutADatabaseNamesItAndCreatesNothing(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path none = dir.resolve("none");
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "verify",
            "dynamodb://aws/orders",
            "--target",
            "embedded",
            "--embedded-dir",
            none.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("No embedded database in " + none.toAbsolutePath().normalize() + ": ")
        .doesNotContain("No target database");
    assertThat(none).doesNotExist();
  }

  @Test
  void aSnapshotUrlOfAnotherSchemeSaysWhichItTakes() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://aws/stream",
            "--snapshot",
            "kinesis+dynamodb+cdc://aws/other",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "(--snapshot takes dynamodb://…/TABLE or an s3://…/AWSDynamoDB/EXPORT_ID/ folder)");
  }

  @Test
  void optionsOfATableLoadAreRefusedBesideAStreamAlone() {
    // Not ignored: --restart would not start the stream over.
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://aws/stream",
            "--restart",
            "--table-options",
            "CLUSTERED INTO 4 SHARDS",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "--restart goes with a load of a table (a dynamodb:// or s3:// source, or --snapshot"
                + " beside a stream), not with this source.");
  }

  @Test
  void tableOptionsThatAreNoTableClausesAreNamedAsTypedBesideAStreamToo() {
    // They shape the tables the stream's relay creates: checked before anything runs.
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://aws/stream",
            "--table-options",
            "INTO 4 SHARDS",
            "--target",
            "crate://crate@127.0.0.1:1/doc/t");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("Bad configuration: --table-options=INTO 4 SHARDS is not CrateDB table clauses");
  }

  @Test
  void tableOptionsBesideTheEmbeddedPostgreSqlAreRefusedBeforeItStarts() {
    for (String source : List.of("kinesis+dynamodb+cdc://aws/stream", "dynamodb://aws/orders")) {
      LocalRelayContract.Run run =
          LocalRelayContract.load(
              "load", source, "--table-options", "CLUSTERED INTO 4 SHARDS", "--target", "embedded");
      assertThat(run.exitCode()).as(source).isEqualTo(2);
      assertThat(run.output())
          .as(source)
          .contains(
              "Bad configuration: the table options CLUSTERED INTO 4 SHARDS"
                  + " (CRATEDB_TABLE_OPTIONS, --table-options) are CrateDB's; the target is"
                  + " PostgreSQL: unset them (--target embedded)")
          .doesNotContain("Exception");
    }
  }

  @Test
  void aDirectoryIsNoSourceFileNorAPlaceForTheSampleEvents(@TempDir Path dir) throws Exception {
    LocalRelayContract.Run run =
        LocalRelayContract.load("load", dir.toString(), "--target", "crate://h/doc/t");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("The source " + dir + " is a directory: name one file in it.")
        .doesNotContain("Exception");

    Path file = Files.writeString(dir.resolve("taken"), "");
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine events = RelayCli.commandLine();
    events.setErr(new java.io.PrintWriter(err, true));
    assertThat(events.execute("sample-events", "--dir", file.toString())).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("Cannot write the events into " + file + ": it is a file.");
  }

  @Test
  @Timeout(30) // without --give-up-after's bound it would wait for the database until stopped
  void aFileRelayGivesUpOnAnUnreachableDatabaseAfterGiveUpAfter(@TempDir Path dir)
      throws Exception {
    Path dump =
        Files.writeString(
            dir.resolve("dump.ndjson"),
            "{\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"a\"}},"
                + "\"NewImage\":{\"id\":{\"S\":\"a\"}}}}\n");
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            dump.toString(),
            "--give-up-after",
            "1s",
            "--target",
            "postgresql://crate:pw%2Fs@127.0.0.1:1/doc");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .containsPattern(
            "The target database could not be reached for \\d+ s \\(--give-up-after 1 s\\):"
                + " connecting at start: ")
        .doesNotContain("pw%2F", "pw/s");
  }

  @Test
  @Timeout(30) // without --give-up-after's bound it would wait for the database until stopped
  void aStreamRelayGivesUpOnAnUnreachableDatabaseWithoutItsPassword() {
    // Port 1 on the loopback refuses at once; the stream is never read.
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "kinesis+dynamodb+cdc://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:1/orders?region=us-east-1",
            "--target",
            "postgresql://crate:pw%2Fs%40e%25c%23x@127.0.0.1:1/doc",
            "--give-up-after",
            "1s");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .containsPattern(
            "The target database could not be reached for \\d+ s \\(--give-up-after 1 s\\): connecting at start: ")
        .contains("127.0.0.1:1")
        .doesNotContain("pw%2F", "pw/s", "s@e", "s3cr");
  }

  @Test
  void aBadGiveUpAfterBesideAStreamIsNamed() {
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load",
            "dynamodb+cdc://aws/orders?once=true",
            "--give-up-after",
            "soon",
            "--target",
            "embedded");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "Bad configuration: --give-up-after=soon is not a duration such as 8d, 36h, 90m or"
                + " 600s");
  }

  @Test
  void aStreamRelayGivesUpAfterTheGivenTimeElseFiveMinutesWithOnceElseNever() {
    assertThat(TableLoadOptions.streamGiveUpAfter("30s", false)).contains(Duration.ofSeconds(30));
    assertThat(TableLoadOptions.streamGiveUpAfter("2h", true)).contains(Duration.ofHours(2));
    assertThat(TableLoadOptions.streamGiveUpAfter(null, true)).contains(Duration.ofMinutes(5));
    assertThat(TableLoadOptions.streamGiveUpAfter(null, false))
        .as("a long-running relay rides out an outage")
        .isEmpty();
  }
}
