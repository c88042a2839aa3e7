package io.cdcrelay.bench;

import io.cdcrelay.env.ProcessEnvironment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay bench decode|lambda|stream|snapshot|all}: measures the relay beside its baselines in
 * one run and prints one table; starts what it needs (the embedded PostgreSQL, or the CrateDB at
 * {@code CRATEDB_URL}; moto and the reference tool from PyPI for the stream part, dynalite from the
 * npm registry for the snapshot part).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks the decoder, the Lambda handler, the local relay and the full load beside"
            + " their baselines"
            + " and prints one table (median of the rounds, spread, ratio to the baseline).")
public final class BenchCommand implements Callable<Integer> {

  /** The parts, in the order they run. */
  enum Part {
    decode,
    lambda,
    stream,
    snapshot,
    all
  }

  @Parameters(
      arity = "0..*",
      paramLabel = "PART",
      description = "decode, lambda, stream, snapshot or all (default: all)")
  List<Part> parts = new ArrayList<>();

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Rounds per figure (default: ${DEFAULT-VALUE})",
      defaultValue = "5")
  int rounds;

  @Option(
      names = "--warm-up-limit",
      paramLabel = "SECONDS",
      description =
          "At most this long warming up the lambda and snapshot parts: untimed rounds run until the"
              + " JIT compiler is nearly idle (default: ${DEFAULT-VALUE}; 0: one round)",
      defaultValue = "120")
  int warmUpLimitSeconds;

  @Option(
      names = "--decode-records",
      paramLabel = "N",
      description = "Records decoded per round (default: ${DEFAULT-VALUE})",
      defaultValue = "50000")
  int decodeRecords;

  @Option(
      names = "--batch-sizes",
      split = ",",
      paramLabel = "N,N",
      description = "Lambda batch sizes (default: ${DEFAULT-VALUE})",
      defaultValue = "100,1000,5000")
  List<Integer> batchSizes;

  @Option(
      names = "--parts-in-flight",
      paramLabel = "N",
      description =
          "CRATEDB_PARTS_IN_FLIGHT of the Lambda part: parts of a batch over 1,000 records applied"
              + " at once (default: ${DEFAULT-VALUE})",
      defaultValue = "2")
  int partsInFlight;

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "Records in the stream of the stream part (default: ${DEFAULT-VALUE})",
      defaultValue = "100000")
  int streamRecords;

  @Option(
      names = "--stream-batch-sizes",
      split = ",",
      paramLabel = "N,N",
      description = "batch-size of the local relay (default: ${DEFAULT-VALUE})",
      defaultValue = "100,500,5000")
  List<Integer> streamBatchSizes;

  @Option(
      names = "--batches-in-flight",
      paramLabel = "N",
      description =
          "batches-in-flight of the local relay: batches of a shard applied at once (default:"
              + " ${DEFAULT-VALUE})",
      defaultValue = "2")
  int batchesInFlight;

  @Option(
      names = "--shards",
      split = ",",
      paramLabel = "N,N",
      description = "Shard counts of the stream part (default: ${DEFAULT-VALUE})",
      defaultValue = "1,4")
  List<Integer> shards;

  @Option(
      names = "--reference-records",
      paramLabel = "N",
      description =
          "Records of the stream's prefix that the reference tool relays (default:"
              + " ${DEFAULT-VALUE}; 0 skips it)",
      defaultValue = "3000")
  int referenceRecords;

  @Option(
      names = "--snapshot-items",
      paramLabel = "N",
      description = "Items in the table of the snapshot part (default: ${DEFAULT-VALUE})",
      defaultValue = "20000")
  int snapshotItems;

  @Option(
      names = "--segments",
      paramLabel = "N",
      description = "Scan segments of the snapshot part (default: ${DEFAULT-VALUE})",
      defaultValue = "8")
  int segments;

  @Option(
      names = "--snapshot-batch-size",
      paramLabel = "N",
      description = "batch-size of the snapshot part's load (default: ${DEFAULT-VALUE})",
      defaultValue = "100")
  int snapshotBatchSize;

  @Option(
      names = "--embedded-dir",
      paramLabel = "DIR",
      description = "Where the embedded PostgreSQL keeps its data (default: ${DEFAULT-VALUE})",
      defaultValue = ".relay/bench-postgres")
  Path embeddedDirectory;

  @Option(
      names = "--tools",
      paramLabel = "DIR",
      description =
          "Where moto, dynalite and the reference tool are installed (default: ${DEFAULT-VALUE})",
      defaultValue = ".tools")
  Path tools;

  private final Map<String, String> environment;
  private final PrintStream out;
  private final PrintStream log;

  public BenchCommand() {
    this(ProcessEnvironment.get(), System.out, System.err);
  }

  BenchCommand(Map<String, String> environment, PrintStream out, PrintStream log) {
    this.environment = environment;
    this.out = out;
    this.log = log;
  }

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || decodeRecords < 1 || streamRecords < 1 || referenceRecords < 0) {
      log.println("--rounds, --decode-records and --records must be at least 1.");
      return 2;
    }
    for (List<Integer> sizes : List.of(batchSizes, streamBatchSizes)) {
      for (int size : sizes) {
        if (size < 1 || size > 10_000) {
          log.println("batch size " + size + " is out of range 1 to 10000.");
          return 2;
        }
      }
    }
    if (snapshotItems < 1 || segments < 1 || segments > 64) {
      log.println("--snapshot-items must be at least 1, --segments 1 to 64.");
      return 2;
    }
    if (snapshotBatchSize < 1 || snapshotBatchSize > 10_000) {
      log.println("--snapshot-batch-size " + snapshotBatchSize + " is out of range 1 to 10000.");
      return 2;
    }
    if (warmUpLimitSeconds < 0) {
      log.println("--warm-up-limit " + warmUpLimitSeconds + " is below 0 seconds.");
      return 2;
    }
    for (int count : shards) {
      if (count < 1 || count > 16) {
        log.println("--shards: " + count + " is out of range 1 to 16.");
        return 2;
      }
    }
    List<Part> chosen =
        parts.isEmpty() || parts.contains(Part.all) ? List.of(Part.values()) : parts;
    ResultTable table = new ResultTable();
    String crateDbUrl = environment.get("CRATEDB_URL");
    String database = "none";
    if (chosen.contains(Part.decode)) {
      log.println("decode: " + decodeRecords + " records, " + rounds + " rounds");
      new DecodeBench(decodeRecords, rounds).run(table);
    }
    if (chosen.contains(Part.lambda)
        || chosen.contains(Part.stream)
        || chosen.contains(Part.snapshot)) {
      try (BenchTarget target =
          crateDbUrl != null && !crateDbUrl.isBlank()
              ? BenchTarget.crateDb(crateDbUrl)
              : BenchTarget.embedded(embeddedDirectory)) {
        database = target.describe();
        log.println("target: " + database + ", schema " + BenchTarget.SCHEMA);
        if (chosen.contains(Part.lambda)) {
          new LambdaBench(
                  target,
                  batchSizes,
                  partsInFlight,
                  rounds,
                  java.time.Duration.ofSeconds(warmUpLimitSeconds),
                  log)
              .run(table);
        }
        if (chosen.contains(Part.stream)) {
          log.println("stream: " + streamRecords + " records, shards " + shards);
          new StreamBench(
                  target,
                  tools,
                  streamRecords,
                  shards,
                  streamBatchSizes,
                  batchesInFlight,
                  Math.min(referenceRecords, streamRecords),
                  rounds,
                  log)
              .run(table);
        }
        if (chosen.contains(Part.snapshot)) {
          log.println(
              "snapshot: "
                  + snapshotItems
                  + " items, "
                  + segments
                  + " segments, batch-size "
                  + snapshotBatchSize);
          new SnapshotBench(
                  target,
                  tools,
                  snapshotItems,
                  segments,
                  snapshotBatchSize,
                  rounds,
                  java.time.Duration.ofSeconds(warmUpLimitSeconds),
                  log)
              .run(table);
        }
      }
    }
    out.println(
        String.format(
            "relay bench %s — %s, %d cores, Java %s (%s), target %s",
            String.join(" ", chosen.stream().filter(p -> p != Part.all).map(Enum::name).toList()),
            System.getProperty("os.arch"),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            JvmSettings.describe(),
            database));
    out.println();
    out.print(table.format());
    return 0;
  }
}
