package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay bench} parts with tiny sizes on the embedded PostgreSQL. */
class BenchCommandIT {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  /**
   * {@code relay bench ARGS}, without {@code CRATEDB_URL}: the part starts the embedded PostgreSQL.
   */
  private static Run bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BenchCommand command =
        new BenchCommand(
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = new CommandLine(command).execute(args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void decodeAndLambdaPrintOneTableOfFiguresBesideTheirBaselines() {
    Run run =
        bench(
            "decode",
            "lambda",
            "--warm-up-limit",
            "0",
            "--rounds",
            "2",
            "--decode-records",
            "200",
            "--batch-sizes",
            "5,20",
            "--embedded-dir",
            dir.resolve("pg").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("relay bench decode lambda — ")
        .contains("PostgreSQL")
        // The collector and compilers change the relay's CPU per row by half: the header says them.
        .containsPattern("Java [^ ]+ \\(garbage collector [A-Za-z0-9 +]+, [^)]+\\)");
    List<String> table = lines.stream().filter(l -> l.startsWith("|")).toList();
    // Header, rule, decode, then per size and kind of key the handler and each raw upsert (JDBC
    // batch, rewritten JDBC batch, one statement of arrays), the CPU per row of each of them at
    // the largest size, the peak heap, and how long the JIT compiled in the timed rounds.
    assertThat(table).hasSize(2 + 1 + 2 * 2 * 4 + 2 * 4 + 1 + 1);
    assertThat(table.get(2)).startsWith("| decode ").contains("records/s/core", "Jackson", "×");
    List<String> handler = table.stream().filter(l -> l.contains("| handler, ")).toList();
    assertThat(handler)
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).contains("rows/s", "fastest raw: ", "(n=2)", "×"));
    assertThat(handler.get(0)).contains("5-record batch, new keys");
    assertThat(handler.get(3)).contains("20-record batch, existing keys");
    List<String> cpu = table.stream().filter(l -> l.contains("|   CPU per row, ")).toList();
    assertThat(cpu)
        .hasSize(8)
        .allSatisfy(
            l ->
                assertThat(l)
                    .containsPattern("relay [0-9,]+, PostgreSQL [0-9,]+ µs; ")
                    .doesNotContain("not measured"));
    assertThat(cpu.get(0)).contains("handler, 20 rows, new keys");
    assertThat(table.get(table.size() - 2))
        .contains("peak heap applying the 20-record batch", "MB");
    assertThat(table.get(table.size() - 1))
        .contains("JIT compiling during the timed rounds", "| s ", "--warm-up-limit");
    assertThat(run.err()).contains("lambda: warm-up round 1: ").doesNotContain("warm-up round 2");
    for (String line : table) {
      assertThat(line.length()).isEqualTo(table.get(0).length());
    }
  }

  @Test
  void snapshotPrintsTheLoadBesideTheScanAndTheRawUpsertLimits() {
    Run run =
        bench(
            "snapshot",
            "--warm-up-limit",
            "0",
            "--rounds",
            "1",
            "--snapshot-items",
            "300",
            "--segments",
            "2",
            "--snapshot-batch-size",
            "40",
            "--tools",
            io.cdcrelay.tools.Repository.root().resolve(".tools").toString(),
            "--embedded-dir",
            dir.resolve("pg").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    List<String> table = run.out().lines().filter(l -> l.startsWith("| snapshot")).toList();
    assertThat(table).hasSize(18);
    assertThat(table.get(0))
        .contains("relay load dynamodb://, 2 segments, batch-size 40, 300 items", "items/s")
        .contains("limit: the load's parallel Scan alone, 2 segments", "(n=1)", "×");
    assertThat(table.get(1)).contains("limit: raw bulk upsert, 2 connections", "×");
    assertThat(table.get(2)).contains("the slower limit", "×");
    assertThat(table.get(3))
        .contains("each round's load over its own round's slower limit", "| ratio ")
        .containsPattern("\\| \\d\\.\\d\\d +\\| ratio");
    assertThat(table.get(4))
        .contains("each round's load over its round's raw upsert beside a Scan", "| ratio ")
        .contains("not a limit", "one parallel Scan of the table (2 segments)")
        .containsPattern("\\| \\d+\\.\\d\\d +\\| ratio");
    assertThat(table.get(5)).contains("the load's CPU in this process", "µs/item", "×");
    assertThat(table.get(6))
        .contains("the JIT compiler's time during each timed load, per item", "µs/item")
        .containsPattern("\\| [0-9,.]+ +\\| µs/item");
    assertThat(table.get(7))
        .contains("the load's CPU per item, every process", "µs/item")
        .containsPattern("relay [0-9,]+, dynalite [0-9,]+, PostgreSQL [0-9,]+ µs; \\d+ cores");
    assertThat(table.get(8))
        .contains("the two limits' CPU per item", "Scan: relay ", " · raw upsert: relay ");
    assertThat(table.get(9)).contains("bound: ", "cores over the CPU of a Scan and a raw upsert");
    assertThat(table.get(10))
        .contains("its ceiling: its final REFRESH on one core", "cores", "×")
        .containsPattern("\\| [0-9,]+ +\\| items/s .*\\| [0-9,]+ +\\| \\d\\.\\d\\d×");
    assertThat(table.get(11))
        .contains("that ceiling over its round's slower limit", "| ratio ")
        .containsPattern("\\| \\d+\\.\\d\\d +\\| ratio");
    assertThat(table.get(12))
        .contains("the same without this process's CPU, over the slower limit", "| ratio ")
        .containsPattern("\\| \\d+\\.\\d\\d +\\| ratio");
    assertThat(table.get(13))
        .contains("the relay CPU per item that would meet the goal here", "µs/item")
        .contains("the load's CPU in this process", "×");
    assertThat(table.get(14))
        .contains("the same without dynalite's CPU, over the slower limit", "| ratio ")
        .containsPattern("\\| \\d+\\.\\d\\d +\\| ratio");
    assertThat(table.get(15))
        .contains(
            "the first load of this process (cold JVM", "items/s", "the same load, warm", "×");
    assertThat(table.get(16)).contains("JIT compiling during the timed rounds", "| s ");
    assertThat(run.err()).contains("snapshot: warm-up round 1: ").doesNotContain("warm-up round 2");
    assertThat(table.get(17))
        .contains("skipped: the reference tool writes to CrateDB only: set CRATEDB_URL");
  }

  @Test
  void streamPrintsTheRelayBesideMotosRawReadAndSkipsTheReferenceToolWithoutCrateDb() {
    Run run =
        bench(
            "stream",
            "--warm-up-limit",
            "0",
            "--rounds",
            "1",
            "--records",
            "120",
            "--shards",
            "1,2",
            "--stream-batch-sizes",
            "50",
            "--reference-records",
            "60",
            "--tools",
            io.cdcrelay.tools.Repository.root().resolve(".tools").toString(),
            "--embedded-dir",
            dir.resolve("pg").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    List<String> table = run.out().lines().filter(l -> l.startsWith("| stream")).toList();
    assertThat(table).hasSize(8);
    assertThat(table.get(0))
        .contains("relay load once=true, 1 shard, batch-size 50, 2 in flight, 120 records")
        .contains("records/s", "moto raw GetRecords", "(n=1)", "×");
    assertThat(table.get(1))
        .contains("CPU per record, every process on this machine", "µs/record")
        .containsPattern("relay [0-9,]+, moto [0-9,]+, PostgreSQL [0-9,]+ µs; \\d+ cores allow");
    assertThat(table.get(2))
        .contains("the same relay", "records/s", "×")
        .containsPattern(
            "bound: \\d+ cores over the CPU of moto's raw read \\([0-9,]+ µs\\) and a raw UNNEST"
                + " upsert \\([0-9,]+ µs\\) of each record");
    assertThat(table.get(3)).contains("relay load once=true, 2 shards, batch-size 50");
    assertThat(table.get(6))
        .contains("relay CPU per record, 2 shards, batch-size 50", "the same on 1 shard");
    assertThat(table.get(7))
        .contains("reference tool ctk load, 1 shard, batch-size 500, 60 records")
        .contains("skipped: the reference tool writes to CrateDB only: set CRATEDB_URL");
  }
}
