package io.cdcrelay.bench;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.plan.BatchPlan;
import io.cdcrelay.plan.BatchPlanner;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.sink.CrateDbSql;
import io.cdcrelay.sink.PostgreSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetSql;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.ScanPage;
import io.cdcrelay.snapshot.SdkItems;
import io.cdcrelay.snapshot.SnapshotChanges;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.tools.Installs;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The snapshot part: {@code relay load dynamodb://…} (the full load, in this process) of a dynalite
 * table of mixed items into the bench target, beside the two limits measured in the same run — the
 * load's parallel Scan of the same table alone, with the same segments, page size, requests and
 * reader (no writes), and a raw bulk upsert of the same items with the relay's own statement from
 * as many connections — beside that raw upsert run while one parallel Scan of the table reads (not
 * a limit: the source's share of the shared cores taken out of the gap), and, when a CrateDB is the
 * target, beside the reference tool ({@code ctk load dynamodb://…}).
 */
final class SnapshotBench {

  private static final String ACCESS_KEY = "AKIABENCHDYNALITE001";
  private static final String SECRET_KEY = "bench";
  private static final String REGION = "us-east-1";
  private static final String SOURCE_TABLE = "bench_snapshot";
  private static final KeySchema KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  /** At most this many warm-up rounds (2 tables each); the time limit usually ends it first. */
  private static final int MAX_WARM_UP_ROUNDS = 30;

  /** The goal: the load within 1.3× of the slower limit. */
  static final double GOAL = 0.77;

  private final BenchTarget target;
  private final Path tools;
  private final int items;
  private final int segments;
  private final int batchSize;
  private final int rounds;
  private final java.time.Duration warmUpLimit;
  private final PrintStream log;

  SnapshotBench(
      BenchTarget target,
      Path tools,
      int items,
      int segments,
      int batchSize,
      int rounds,
      java.time.Duration warmUpLimit,
      PrintStream log) {
    this.target = target;
    this.tools = tools;
    this.items = items;
    this.segments = segments;
    this.batchSize = batchSize;
    this.rounds = rounds;
    this.warmUpLimit = warmUpLimit;
    this.log = log;
  }

  void run(ResultTable table) throws Exception {
    target.clear();
    String name =
        String.format(
            "relay load dynamodb://, %d segments, batch-size %,d, %,d items",
            segments, batchSize, items);
    EmulatorProcess dynalite;
    try {
      dynalite = DynaliteProcess.start(tools);
    } catch (Installs.UnavailableException | IllegalStateException e) {
      table.skip("snapshot", name, e.getMessage());
      return;
    }
    try (dynalite;
        DynamoDbClient client =
            DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION))
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(dynalite.endpoint())
                .build()) {
      List<Map<String, AttributeValue>> source = items(items);
      long put = fill(client, source);
      log.printf(
          "snapshot: %,d items (%,d bytes on average) put into dynalite in %,d ms%n",
          items, averageSize(source), put / 1_000_000);
      List<PlannedRow> rows = plan(source);
      List<Double> loads = new ArrayList<>();
      List<Double> scans = new ArrayList<>();
      List<Double> raws = new ArrayList<>();
      List<Double> rawsBesideScan = new ArrayList<>();
      List<Double> loadCpu = new ArrayList<>();
      List<Double> scanCpu = new ArrayList<>();
      List<Double> ceilings = new ArrayList<>();
      List<Double> ceilingsWithoutRelay = new ArrayList<>();
      List<Double> ceilingsWithoutSource = new ArrayList<>();
      List<Double> relayBudgets = new ArrayList<>();
      List<Double> loadJit = new ArrayList<>();
      int cores = Runtime.getRuntime().availableProcessors();
      MachineCpu machine =
          new MachineCpu()
              .thisProcess("relay")
              .process("dynalite", Optional.of(dynalite.handle()))
              .process(target.product(), target.serverProcess());
      MachineCpu.Usage loadUsage = new MachineCpu.Usage();
      MachineCpu.Usage scanUsage = new MachineCpu.Usage();
      MachineCpu.Usage rawUsage = new MachineCpu.Usage();
      // Warm-up, not counted: rounds exactly as the timed ones (Scan, load, check, every raw
      // form, each measured) until the JIT is nearly idle, in the round and in its load, so that
      // the figures are of compiled code, as in a load of a table larger than this one (in a
      // single cold round the JIT compiler took more CPU than the load's own threads; and with a
      // warm-up that left out the JDBC batch form and the measuring, the compiler took 1 s of CPU
      // in every timed round). The first load, cold, is reported on its own.
      long warmStart = System.nanoTime();
      double[] cold = new double[1];
      Jit.warmUp(
          "snapshot",
          warmStart,
          warmUpLimit,
          MAX_WARM_UP_ROUNDS,
          log,
          i -> {
            Round warm = round(dynalite, machine, rows, "warm" + i);
            if (i == 0) {
              cold[0] = warm.load();
            }
            // The load is the figure: the compiler must be nearly idle during it too.
            return Optional.of(warm.loadWindow());
          });
      long compiledBeforeTimed = Jit.millis();
      for (int i = 0; i < rounds; i++) {
        Round round = round(dynalite, machine, rows, "r" + i);
        scans.add(round.scan().result());
        scanUsage.add(round.scan().seconds(), items);
        scanCpu.add(round.scan().seconds().get("relay").orElseThrow() * 1e6 / items);
        loads.add(round.load());
        loadUsage.add(round.loadCpu().seconds(), items);
        loadCpu.add(round.loadCpu().seconds().get("relay").orElseThrow() * 1e6 / items);
        raws.add(round.raw().result().itemsPerSecond());
        rawsBesideScan.add(round.rawBesideScan().result().itemsPerSecond());
        rawUsage.add(round.raw().seconds(), items);
        Map<String, Optional<Double>> loadSeconds = round.loadCpu().seconds();
        double refresh = round.raw().result().refreshSeconds();
        ceilingWithout(items, loadSeconds, "", refresh, cores).ifPresent(ceilings::add);
        ceilingWithout(items, loadSeconds, "relay", refresh, cores)
            .ifPresent(ceilingsWithoutRelay::add);
        ceilingWithout(items, loadSeconds, "dynalite", refresh, cores)
            .ifPresent(ceilingsWithoutSource::add);
        relayBudget(
                items,
                loadSeconds,
                "relay",
                refresh,
                cores,
                GOAL * Math.min(scans.get(i), raws.get(i)))
            .ifPresent(relayBudgets::add);
        loadJit.add(round.loadWindow().compiledMillis() * 1e3 / items);
        log.printf(
            "snapshot: round %d: load %,.0f, Scan %,.0f, raw upsert %,.0f items/s; this process's"
                + " CPU: load %.1f, Scan %.1f µs/item%n",
            i + 1, loads.get(i), scans.get(i), raws.get(i), loadCpu.get(i), scanCpu.get(i));
      }
      long compiledTimed = Jit.millis() - compiledBeforeTimed;
      Stats load = Stats.of(loads);
      Stats scan = Stats.of(scans);
      Stats raw = Stats.of(raws);
      table.add(
          "snapshot",
          name,
          "items/s",
          load,
          String.format("limit: the load's parallel Scan alone, %d segments, no writes", segments),
          scan);
      java.util.function.BiConsumer<String, Stats> sameLoad =
          (baseline, figure) ->
              table.add("snapshot", "  the same load", "items/s", load, baseline, figure);
      sameLoad.accept(
          String.format(
              "limit: raw bulk upsert, %d connections, the fastest of UNNEST (batch-size or %,d"
                  + " rows) and JDBC batch",
              segments, SnapshotLoad.WRITE_ITEMS),
          raw);
      sameLoad.accept(
          String.format("the slower limit (goal: ratio ≥ %.2f, within 1.3×)", GOAL),
          scan.median() <= raw.median() ? scan : raw);
      table.add(
          "snapshot",
          "  each round's load over its own round's slower limit",
          "ratio",
          Stats.of(roundRatios(loads, scans, raws)),
          "the median of the rounds' ratios: each load beside the limits measured right after it,"
              + " so that the machine's drift from round to round cancels");
      table.add(
          "snapshot",
          "  each round's load over its round's raw upsert beside a Scan",
          "ratio",
          Stats.of(ratios(loads, rawsBesideScan)),
          String.format(
              "not a limit: the same raw upsert while one parallel Scan of the table (%d segments)"
                  + " reads beside it, as the load's own does, on these cores (median %,.0f"
                  + " items/s): what is left is the relay's own cost (its CPU, its start, its"
                  + " bookkeeping)",
              segments, Stats.of(rawsBesideScan).median()));
      table.add(
          "snapshot",
          "  the load's CPU in this process",
          "µs/item",
          Stats.of(loadCpu),
          "the Scan alone: its CPU in this process",
          Stats.of(scanCpu));
      table.add(
          "snapshot",
          "  the JIT compiler's time during each timed load, per item",
          "µs/item",
          Stats.of(loadJit),
          "counted in this process's CPU above: between loads, the other parts of a round (the"
              + " limits, the checks) run code the load shares, and the compiler compiles the load's"
              + " again");
      table.add(
          "snapshot",
          "  the load's CPU per item, every process on this machine",
          "µs/item",
          loadUsage.total(),
          loadUsage.note("items"));
      table.add(
          "snapshot",
          "  the two limits' CPU per item, every process",
          "µs/item",
          Stats.of(scanUsage.total().median() + rawUsage.total().median()),
          "Scan: " + scanUsage.note("items") + " · raw upsert: " + rawUsage.note("items"));
      sameLoad.accept(
          String.format(
              "bound: %d cores over the CPU of a Scan and a raw upsert of each item", cores),
          Stats.of(cores * 1e6 / (scanUsage.total().median() + rawUsage.total().median())));
      if (ceilings.size() == rounds) {
        sameLoad.accept(
            String.format(
                "its ceiling: its final REFRESH on one core (timed in the raw upsert), the rest of"
                    + " its CPU, every process, over %d cores",
                cores),
            Stats.of(ceilings));
        table.add(
            "snapshot",
            "  that ceiling over its round's slower limit",
            "ratio",
            Stats.of(roundRatios(ceilings, scans, raws)),
            "the ratio the load would reach with every core busy until its final REFRESH: when"
                + " below the goal, the load needs less CPU per item, not better overlap");
        table.add(
            "snapshot",
            "  the same without this process's CPU, over the slower limit",
            "ratio",
            Stats.of(roundRatios(ceilingsWithoutRelay, scans, raws)),
            "the most any relay could reach on these cores, with dynalite and the database taking"
                + " the CPU they took in the load: when below the goal, no relay meets it on"
                + " this machine");
        if (relayBudgets.size() == rounds) {
          table.add(
              "snapshot",
              "  the relay CPU per item that would meet the goal here",
              "µs/item",
              Stats.of(relayBudgets),
              "the load's CPU in this process",
              Stats.of(loadCpu));
        }
        table.add(
            "snapshot",
            "  the same without dynalite's CPU, over the slower limit",
            "ratio",
            Stats.of(roundRatios(ceilingsWithoutSource, scans, raws)),
            "the source off this machine, as DynamoDB is: the relay and the database alone on"
                + " these cores");
      }
      table.add(
          "snapshot",
          "  the first load of this process (cold JVM, not in the figures above)",
          "items/s",
          Stats.of(cold[0]),
          "the same load, warm",
          load);
      table.add(
          "snapshot",
          "  JIT compiling during the timed rounds",
          "s",
          Stats.of(compiledTimed / 1e3),
          "the warm-up stops once the compiler is nearly idle, or at --warm-up-limit");
      reference(table, dynalite, load);
    }
  }

  /**
   * One round's measurements: the Scan alone, the load (items/s, the CPU of its window, and how
   * long the JIT compiled in it), the fastest raw upsert form, and the raw upsert beside a Scan.
   */
  private record Round(
      MachineCpu.Spent<Double> scan,
      double load,
      MachineCpu.Spent<Double> loadCpu,
      Jit.Window loadWindow,
      MachineCpu.Spent<RawRun> raw,
      MachineCpu.Spent<RawRun> rawBesideScan) {}

  /**
   * The target database's CPU per item in what was {@code spent}, written with {@code format} (its
   * name, then µs per item); nothing where its CPU was not measured.
   */
  private String targetCpu(MachineCpu.Spent<?> spent, String format) {
    return spent
        .seconds()
        .getOrDefault(target.product(), Optional.empty())
        .map(cpu -> String.format(format, target.product(), cpu * 1e6 / items))
        .orElse("");
  }

  /**
   * A raw upsert's items/s, from its table's creation until its rows are searchable, and how long
   * its final {@code REFRESH} took (CrateDB refreshes a table's shards one at a time on two cores).
   */
  record RawRun(double itemsPerSecond, double refreshSeconds) {}

  /** Runs one round, warm-up or timed: its tables are named with {@code suffix}. */
  private Round round(
      EmulatorProcess dynalite, MachineCpu machine, List<PlannedRow> rows, String suffix)
      throws Exception {
    MachineCpu.Spent<Double> scan = machine.during(() -> scan(dynalite));
    String loadTable = "snapshot_load_" + suffix;
    long compiledBefore = Jit.millis();
    MachineCpu.Spent<Double> load = machine.during(() -> load(dynalite, loadTable));
    long compiledDuringLoad = Jit.millis() - compiledBefore;
    check(loadTable);
    // The fastest of the bulk forms the relay knows: the one it writes with, at batch-size rows
    // and at the load's largest write, and a batch.
    String rawTable = "snapshot_raw_" + suffix;
    List<MachineCpu.Spent<RawRun>> forms = new ArrayList<>();
    forms.add(
        machine.during(() -> raw(rows, rawTable, new LambdaBench.ArraysStatement(), batchSize)));
    if (batchSize < SnapshotLoad.WRITE_ITEMS) {
      forms.add(
          machine.during(
              () ->
                  raw(
                      rows,
                      rawTable + "_large",
                      new LambdaBench.ArraysStatement(),
                      SnapshotLoad.WRITE_ITEMS)));
    }
    forms.add(
        machine.during(
            () -> raw(rows, rawTable + "_batch", new LambdaBench.JdbcBatch(false), batchSize)));
    // Not a limit: the relay's statement at batch-size rows while the table is scanned once, as
    // in the load, on the same cores.
    MachineCpu.Spent<RawRun> besideScan =
        machine.during(
            () ->
                besides(
                    () ->
                        raw(
                            rows,
                            rawTable + "_beside_scan",
                            new LambdaBench.ArraysStatement(),
                            batchSize),
                    () -> scan(dynalite)));
    MachineCpu.Spent<RawRun> fastest = forms.get(0);
    StringBuilder each = new StringBuilder();
    for (MachineCpu.Spent<RawRun> form : forms) {
      fastest = form.result().itemsPerSecond() > fastest.result().itemsPerSecond() ? form : fastest;
      each.append(
          String.format(
              " %,.0f items/s (REFRESH %,.0f ms)",
              form.result().itemsPerSecond(), form.result().refreshSeconds() * 1e3));
      each.append(targetCpu(form, " (%s %.0f µs/item)"));
    }
    each.append(targetCpu(load, "; the load: %s %.0f µs/item"));
    each.append(String.format(", the JIT compiled %,d ms during it", compiledDuringLoad));
    each.append(
        String.format("; beside a Scan: %,.0f items/s", besideScan.result().itemsPerSecond()));
    each.append(targetCpu(besideScan, " (%s %.0f µs/item)"));
    log.printf("snapshot: %s: raw upsert forms:%s%n", suffix, each);
    // Every round, warm-up or timed, begins with the same tables in the target. Kept, a round's
    // tables held 16 shards, over 200 after a warm-up, and a CrateDB that the test suite had left
    // 800 shards refused the next table ("this action would add [4] total shards, but this
    // cluster currently has [997]/[1000] maximum shards open").
    target.drop(
        List.of(
            loadTable,
            rawTable,
            rawTable + "_large",
            rawTable + "_batch",
            rawTable + "_beside_scan"));
    return new Round(
        scan,
        items / load.result(),
        load,
        new Jit.Window(Math.round(load.result() * 1e3), compiledDuringLoad),
        fastest,
        besideScan);
  }

  /** {@code count} items of mixed shape, about 400 to 600 bytes each. */
  static List<Map<String, AttributeValue>> items(int count) {
    Random random = new Random(20_000);
    List<Map<String, AttributeValue>> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, AttributeValue> item = new LinkedHashMap<>();
      item.put("id", new AttributeValue.S("item-" + i));
      item.put(
          "name", new AttributeValue.S("name " + i + " " + "x".repeat(150 + random.nextInt(150))));
      item.put("count", new AttributeValue.N(BigDecimal.valueOf(random.nextInt(1_000_000))));
      item.put(
          "price",
          new AttributeValue.N(new BigDecimal(random.nextInt(10000) + "." + random.nextInt(100))));
      item.put("active", new AttributeValue.Bool(random.nextBoolean()));
      item.put(
          "tags",
          new AttributeValue.SS(List.of("t" + random.nextInt(5), "u" + (5 + random.nextInt(5)))));
      Map<String, AttributeValue> address = new LinkedHashMap<>();
      address.put("street", new AttributeValue.S("street " + random.nextInt(1000)));
      address.put("zip", new AttributeValue.N(BigDecimal.valueOf(10000 + random.nextInt(89999))));
      item.put("address", new AttributeValue.M(address));
      item.put(
          "history",
          new AttributeValue.L(
              List.of(
                  new AttributeValue.N(BigDecimal.valueOf(random.nextInt(100))),
                  new AttributeValue.N(BigDecimal.valueOf(i)))));
      if (i % 3 == 0) {
        item.put("note", new AttributeValue.S("y".repeat(100 + random.nextInt(100))));
      }
      list.add(item);
    }
    return list;
  }

  private static long averageSize(List<Map<String, AttributeValue>> items) {
    long total = 0;
    for (Map<String, AttributeValue> item : items) {
      total += io.cdcrelay.snapshot.ItemJson.bytes(item).length;
    }
    return items.isEmpty() ? 0 : total / items.size();
  }

  /** Creates the table and puts the items, 25 per BatchWriteItem from 4 threads; ns taken. */
  private long fill(DynamoDbClient client, List<Map<String, AttributeValue>> source)
      throws Exception {
    long start = System.nanoTime();
    client.createTable(
        r ->
            r.tableName(SOURCE_TABLE)
                .keySchema(
                    KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(
                    AttributeDefinition.builder().attributeName("id").attributeType("S").build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int from = 0; from < source.size(); from += 25) {
        List<Map<String, AttributeValue>> chunk =
            source.subList(from, Math.min(source.size(), from + 25));
        futures.add(
            pool.submit(
                () -> {
                  List<WriteRequest> writes = new ArrayList<>();
                  for (Map<String, AttributeValue> item : chunk) {
                    writes.add(
                        WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(SdkItems.toSdk(item)).build())
                            .build());
                  }
                  Map<String, List<WriteRequest>> pending = Map.of(SOURCE_TABLE, writes);
                  while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = pending;
                    BatchWriteItemResponse response =
                        client.batchWriteItem(r -> r.requestItems(request));
                    pending =
                        response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return System.nanoTime() - start;
  }

  /**
   * The limit on the read side: every segment scanned in parallel, pages of batch-size, with the
   * load's own requests and reader ({@link DynamoDbTableSource}: the same Scan requests, which ask
   * for no consumed capacity as no budget paces the load, read from the response body into the
   * relay's items), and nothing written. (Asking for the consumed capacity costs dynalite about 2
   * of its 18–20 µs per item.)
   */
  private double scan(EmulatorProcess dynalite) throws Exception {
    AtomicLong read = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(segments);
    long start = System.nanoTime();
    try (DynamoDbTableSource source =
        DynamoDbTableSource.from(
            DynamoDbTableUrl.parse(
                dynalite.sourceUrl("dynamodb", ACCESS_KEY, SECRET_KEY, SOURCE_TABLE, REGION)))) {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        int segment = s;
        futures.add(
            pool.submit(
                () -> {
                  Map<String, AttributeValue> from = Map.of();
                  ScanPage page;
                  do {
                    page = source.scan(segment, segments, from, batchSize, false, false);
                    read.addAndGet(page.items().size());
                    from = page.lastKey();
                  } while (!page.isLast());
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (read.get() != items) {
      throw new IllegalStateException("the Scan read " + read.get() + " items of " + items);
    }
    return items / seconds;
  }

  /** One full load in this process into a fresh table, until its rows are searchable; seconds. */
  private double load(EmulatorProcess dynalite, String loadTable) throws SQLException {
    String source =
        dynalite.sourceUrl("dynamodb", ACCESS_KEY, SECRET_KEY, SOURCE_TABLE, REGION)
            + "&segments="
            + segments
            + "&batch-size="
            + batchSize;
    long start = System.nanoTime();
    int exit = target.relayLoad(source, loadTable);
    if (exit != 0) {
      throw new IllegalStateException("relay load dynamodb:// exited " + exit);
    }
    // Timed like the raw upserts, until CrateDB has indexed the rows for queries: the load
    // refreshes its table itself before it ends (a second REFRESH here cost the load one more round
    // of every shard), and check() counts the rows without one.
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * The most items/s a load of {@code items} can reach on {@code cores} when it costs {@code
   * cpuSeconds} of CPU in every process together, of which its final {@code REFRESH} takes {@code
   * refreshSeconds} on one core with nothing else to do: every core busy until then.
   */
  static double ceiling(long items, double cpuSeconds, double refreshSeconds, int cores) {
    if (cores < 1 || cpuSeconds < 0 || refreshSeconds < 0) {
      throw new IllegalArgumentException(
          "cores " + cores + ", CPU " + cpuSeconds + " s, REFRESH " + refreshSeconds + " s");
    }
    double beforeRefresh = Math.max(0, cpuSeconds - refreshSeconds) / cores;
    return items / (beforeRefresh + refreshSeconds);
  }

  /**
   * The {@link #ceiling} of a load whose processes took {@code seconds} of CPU, leaving out the
   * process named {@code without} (none when no process has that name): the load had that process
   * cost nothing. Empty unless every other process was measured.
   */
  static OptionalDouble ceilingWithout(
      long items,
      Map<String, Optional<Double>> seconds,
      String without,
      double refreshSeconds,
      int cores) {
    OptionalDouble cpu = secondsWithout(seconds, without);
    return cpu.isPresent()
        ? OptionalDouble.of(ceiling(items, cpu.getAsDouble(), refreshSeconds, cores))
        : OptionalDouble.empty();
  }

  /**
   * The most CPU per item, in µs, that the process named {@code relay} may spend for the load to
   * reach {@code goal} items/s on {@code cores} ({@link #ceiling}), the other processes taking the
   * CPU they took in it: negative when they alone leave the goal out of reach. Empty unless every
   * other process was measured.
   */
  static OptionalDouble relayBudget(
      long items,
      Map<String, Optional<Double>> seconds,
      String relay,
      double refreshSeconds,
      int cores,
      double goal) {
    OptionalDouble others = secondsWithout(seconds, relay);
    if (others.isEmpty()) {
      return OptionalDouble.empty();
    }
    // ceiling = items / ((cpu - refresh) / cores + refresh), solved for the relay's share of cpu.
    double cpu = (items / goal - refreshSeconds) * cores + refreshSeconds;
    return OptionalDouble.of((cpu - others.getAsDouble()) * 1e6 / items);
  }

  /** The CPU seconds of every process but {@code without}, when each of them was measured. */
  private static OptionalDouble secondsWithout(
      Map<String, Optional<Double>> seconds, String without) {
    Map<String, Optional<Double>> rest = new LinkedHashMap<>(seconds);
    rest.remove(without);
    return totalSeconds(rest);
  }

  /** The CPU seconds of every process together, when each of them was measured. */
  static java.util.OptionalDouble totalSeconds(Map<String, Optional<Double>> seconds) {
    double total = 0;
    for (Optional<Double> each : seconds.values()) {
      if (each.isEmpty()) {
        return java.util.OptionalDouble.empty();
      }
      total += each.get();
    }
    return java.util.OptionalDouble.of(total);
  }

  /**
   * Each round's load over the slower of the limits measured in the same round: on shared cores the
   * rounds drift (a raw upsert of 20,026 items/s in one round, 17,637 two rounds later), and the
   * ratio of the medians pairs figures of different rounds.
   */
  static List<Double> roundRatios(List<Double> loads, List<Double> scans, List<Double> raws) {
    if (loads.size() != scans.size() || loads.size() != raws.size()) {
      throw new IllegalArgumentException(
          "rounds differ: "
              + loads.size()
              + " loads, "
              + scans.size()
              + " Scans, "
              + raws.size()
              + " raw upserts");
    }
    List<Double> slower = new ArrayList<>(loads.size());
    for (int i = 0; i < loads.size(); i++) {
      slower.add(Math.min(scans.get(i), raws.get(i)));
    }
    return ratios(loads, slower);
  }

  /**
   * Runs {@code main} in this thread while {@code beside} runs in another; {@code main}'s result
   * once both are done. The failure of either is thrown (of both, {@code main}'s, with {@code
   * beside}'s suppressed).
   */
  static <T> T besides(
      java.util.concurrent.Callable<T> main, java.util.concurrent.Callable<?> beside)
      throws Exception {
    java.util.concurrent.FutureTask<Object> other =
        new java.util.concurrent.FutureTask<>(beside::call);
    Thread thread = new Thread(other, "bench-beside");
    thread.setDaemon(true);
    thread.start();
    T result;
    try {
      result = main.call();
    } catch (Exception | Error e) {
      failure(other).ifPresent(e::addSuppressed);
      throw e;
    }
    Optional<Throwable> failure = failure(other);
    if (failure.isPresent()) {
      if (failure.get() instanceof Exception e) {
        throw e;
      }
      throw (Error) failure.get();
    }
    return result;
  }

  /** Waits for the task to end; its failure, if it failed. */
  private static Optional<Throwable> failure(java.util.concurrent.FutureTask<?> task)
      throws InterruptedException {
    try {
      task.get();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      return Optional.of(e.getCause());
    }
  }

  /** Each of {@code loads} over the figure of the same round in {@code baselines}. */
  static List<Double> ratios(List<Double> loads, List<Double> baselines) {
    if (loads.size() != baselines.size()) {
      throw new IllegalArgumentException(
          "rounds differ: " + loads.size() + " loads, " + baselines.size() + " baselines");
    }
    List<Double> ratios = new ArrayList<>(loads.size());
    for (int i = 0; i < loads.size(); i++) {
      ratios.add(loads.get(i) / baselines.get(i));
    }
    return ratios;
  }

  /** The items as the relay plans them, with the snapshot version. */
  private List<PlannedRow> plan(List<Map<String, AttributeValue>> source) {
    TargetSql sql = target.isCrateDb() ? new CrateDbSql() : new PostgreSql();
    SnapshotChanges changes =
        new SnapshotChanges(
            SOURCE_TABLE, List.of("id"), ChangeVersion.ofRead(Instant.now(), Duration.ZERO));
    List<Decoded> decoded = changes.upserts(source);
    BatchPlan plan =
        new BatchPlanner(new ItemMapper(sql.strictNames(), sql.maxTextBytes()))
            .plan(decoded, KEYS, ColumnTypes.empty());
    if (!plan.deadLetters().isEmpty() || plan.rows().size() != source.size()) {
      throw new IllegalStateException("the items should plan one row each: " + plan.deadLetters());
    }
    return plan.rows();
  }

  /**
   * The limit on the write side: the planned rows upserted with the relay's own statement in the
   * given form, {@code perStatement} rows at a time from one connection per segment, into a table
   * created for them; items/s from its creation until its rows are searchable, as the load's.
   */
  private RawRun raw(
      List<PlannedRow> rows, String rawTable, LambdaBench.RawUpsert form, int perStatement)
      throws Exception {
    TargetSql sql = target.isCrateDb() ? new CrateDbSql() : new PostgreSql();
    TableName name = new TableName(BenchTarget.SCHEMA, rawTable);
    // Timed from the table's creation, as the load, which creates its own.
    long start = System.nanoTime();
    try (Connection connection = target.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql.createTable(name, KEYS));
    }
    String upsert = form.statement(sql, name);
    long refreshed;
    ExecutorService pool = Executors.newFixedThreadPool(segments);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        int segment = s;
        futures.add(
            pool.submit(
                () -> {
                  try (Connection connection = target.connect()) {
                    List<PlannedRow> mine = new ArrayList<>();
                    for (int i = segment; i < rows.size(); i += segments) {
                      mine.add(rows.get(i));
                    }
                    for (int from = 0; from < mine.size(); from += perStatement) {
                      form.upsert(
                          connection,
                          sql,
                          upsert,
                          mine.subList(from, Math.min(mine.size(), from + perStatement)));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      long refreshStart = System.nanoTime();
      target.refresh(rawTable);
      refreshed = System.nanoTime() - refreshStart;
    } finally {
      pool.shutdownNow();
    }
    return new RawRun(rows.size() / ((System.nanoTime() - start) / 1e9), refreshed / 1e9);
  }

  /** The load wrote every item, and they are searchable as it ends. */
  private void check(String loadTable) throws SQLException {
    long rows = target.searchableRows(loadTable);
    if (rows != items) {
      throw new IllegalStateException(
          loadTable + " shows " + rows + " rows of " + items + " to queries after the load");
    }
  }

  /** {@code ctk load dynamodb://…} into CrateDB, one run, beside the relay's median. */
  private void reference(ResultTable table, EmulatorProcess dynalite, Stats load) throws Exception {
    int pageSize = referencePageSize(items, batchSize);
    String name =
        String.format(
            "reference tool ctk load dynamodb://, batch-size %d, %,d items", pageSize, items);
    Optional<ReferenceTool> tool = ReferenceTool.install(target, tools, table, "snapshot", name);
    if (tool.isEmpty()) {
      return;
    }
    // Not created here: the full load creates its own table when it is missing (CREATE TABLE IF
    // NOT EXISTS with pk OBJECT(STRICT) AS ("id" TEXT PRIMARY KEY), data OBJECT(DYNAMIC), aux
    // OBJECT(IGNORED)), as its users run it; the relay's load creates its table in its time too.
    String refTable = "snapshot_reference_ctk";
    String source =
        dynalite.sourceUrl("dynamodb", ACCESS_KEY, SECRET_KEY, SOURCE_TABLE, REGION)
            + "&batch-size="
            + pageSize;
    OptionalDouble seconds = tool.get().load(source, refTable, table, "snapshot", name);
    if (seconds.isEmpty()) {
      return;
    }
    log.printf("snapshot: ctk wrote %d rows of %d items%n", tool.get().rows(refTable), items);
    table.add(
        "snapshot",
        "  the same load",
        "items/s",
        load,
        String.format(
            "reference tool (ctk load dynamodb://, batch-size %d, process start to exit, one run)",
            pageSize),
        Stats.of(items / seconds.getAsDouble()));
  }

  /**
   * The reference's Scan page size: the load's batch-size, or the next larger one that does not
   * divide the item count. cratedb-toolkit 0.1.1 fails on an empty last page, which DynamoDB (and
   * dynalite) return when a page reaches its Limit on the last item (LastEvaluatedKey is set, the
   * next Scan finds nothing): its bulk processor then runs the INSERT with an empty parameter list,
   * which SQLAlchemy refuses ("A value is required for bind parameter 'pk'") outside the
   * processor's error handling, so ctk exits 1 after it wrote every item. One item more per page
   * keeps the workload and avoids that page, without changing the tool.
   */
  static int referencePageSize(int items, int batchSize) {
    int size = batchSize;
    while (items % size == 0) {
      size++;
    }
    return size;
  }
}
