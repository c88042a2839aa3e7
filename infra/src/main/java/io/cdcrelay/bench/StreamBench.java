package io.cdcrelay.bench;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.plan.BatchPlan;
import io.cdcrelay.plan.BatchPlanner;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.ItemMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.sink.CrateDbSql;
import io.cdcrelay.sink.PostgreSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetSql;
import io.cdcrelay.sink.UpsertArrays;
import io.cdcrelay.tools.Installs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The stream part: {@code relay load SRC once=true} in this process against moto_server, on 1 and 4
 * shards at several batch sizes, beside moto's own raw read rate of the same stream; and, when a
 * CrateDB is the target, beside the reference tool ({@code ctk load table}) on a prefix of the same
 * records.
 */
final class StreamBench {

  private static final String ACCESS_KEY = "AKIABENCHMOTO0000001";
  private static final String SECRET_KEY = "bench";
  private static final String REGION = "us-east-1";
  private static final String SOURCE_TABLE = "bench_stream";
  private static final KeySchema RAW_KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  private final BenchTarget target;
  private final Path tools;
  private final int records;
  private final List<Integer> shardCounts;
  private final List<Integer> batchSizes;
  private final int batchesInFlight;
  private final int referenceRecords;
  private final int rounds;
  private final PrintStream log;

  StreamBench(
      BenchTarget target,
      Path tools,
      int records,
      List<Integer> shardCounts,
      List<Integer> batchSizes,
      int batchesInFlight,
      int referenceRecords,
      int rounds,
      PrintStream log) {
    this.target = target;
    this.tools = tools;
    this.records = records;
    this.shardCounts = shardCounts;
    this.batchSizes = batchSizes;
    this.batchesInFlight = batchesInFlight;
    this.referenceRecords = referenceRecords;
    this.rounds = rounds;
    this.log = log;
  }

  void run(ResultTable table) throws Exception {
    target.clear();
    ChangeRecords generator = new ChangeRecords(42, Math.max(1, records / 3), SOURCE_TABLE);
    long live = liveItems(generator, records);
    EmulatorProcess moto;
    try {
      moto = MotoProcess.start(tools);
    } catch (Installs.UnavailableException e) {
      table.skip("stream", "local relay on moto", e.getMessage());
      return;
    }
    try (moto;
        KinesisClient kinesis =
            KinesisClients.buildWithJson(
                KinesisClient.builder()
                    .httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(REGION))
                    .credentialsProvider(
                        StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .endpointOverride(moto.endpoint()))) {
      MachineCpu machine =
          new MachineCpu()
              .thisProcess("relay")
              .process("moto", Optional.of(moto.handle()))
              .process(target.product(), target.serverProcess());
      Map<Integer, Stats> cpuPerRecord = new LinkedHashMap<>();
      for (int shards : shardCounts) {
        String stream = "bench-" + shards + "-shards";
        long put = fill(kinesis, stream, shards, generator, records);
        log.printf("stream: %,d records put into %s in %,d ms%n", records, stream, put / 1_000_000);
        List<Double> raw = new ArrayList<>();
        MachineCpu.Usage readUsage = new MachineCpu.Usage();
        for (int round = 0; round < rounds; round++) {
          MachineCpu.Spent<Double> read =
              machine.during(() -> rawReadRate(kinesis, stream, records));
          raw.add(read.result());
          readUsage.add(read.seconds(), records);
        }
        Stats rawStats = Stats.of(raw);
        for (int batchSize : batchSizes) {
          List<Double> rates = new ArrayList<>();
          List<Double> cpu = new ArrayList<>();
          MachineCpu.Usage usage = new MachineCpu.Usage();
          for (int round = 0; round < rounds; round++) {
            String relayTable = "stream_" + shards + "_" + batchSize + "_r" + round;
            MachineCpu.Spent<Double> run =
                machine.during(() -> relay(moto, stream, batchSize, relayTable));
            double seconds = run.result();
            Map<String, Optional<Double>> spent = run.seconds();
            usage.add(spent, records);
            rates.add(records / seconds);
            cpu.add(spent.get("relay").orElseThrow() / records * 1e6);
            if (round == 0) {
              check(relayTable, live);
            }
            log.printf(
                "stream: %d shards, batch-size %d, round %d: %,.0f records/s%n",
                shards, batchSize, round + 1, records / seconds);
          }
          table.add(
              "stream",
              String.format(
                  "relay load once=true, %d shard%s, batch-size %,d, %d in flight, %,d records",
                  shards, shards == 1 ? "" : "s", batchSize, batchesInFlight, records),
              "records/s",
              Stats.of(rates),
              "moto raw GetRecords",
              rawStats);
          table.add(
              "stream",
              "  CPU per record, every process on this machine",
              "µs/record",
              usage.total(),
              usage.note("records"));
          // What a relay cannot avoid: reading each record from moto and writing its row.
          List<UpsertArrays.Columns> batches = plannedBatches(generator, batchSize);
          MachineCpu.Usage writeUsage = new MachineCpu.Usage();
          for (int round = 0; round < rounds; round++) {
            String rawTable = "stream_raw_" + shards + "_" + batchSize + "_r" + round;
            writeUsage.add(machine.during(() -> rawUpsert(batches, rawTable)).seconds(), records);
          }
          double floor = readUsage.total().median() + writeUsage.total().median();
          int cores = Runtime.getRuntime().availableProcessors();
          table.add(
              "stream",
              "  the same relay",
              "records/s",
              Stats.of(rates),
              String.format(
                  "bound: %d cores over the CPU of moto's raw read (%,.0f µs) and a raw UNNEST"
                      + " upsert (%,.0f µs) of each record",
                  cores, readUsage.total().median(), writeUsage.total().median()),
              Stats.of(cores * 1e6 / floor));
          if (batchSize == batchSizes.get(batchSizes.size() / 2)) {
            cpuPerRecord.put(shards, Stats.of(cpu));
          }
        }
      }
      if (cpuPerRecord.size() > 1) {
        int middle = batchSizes.get(batchSizes.size() / 2);
        Stats one = cpuPerRecord.values().iterator().next();
        int first = cpuPerRecord.keySet().iterator().next();
        cpuPerRecord.forEach(
            (shards, stats) -> {
              if (shards != first) {
                table.add(
                    "stream",
                    String.format(
                        "relay CPU per record, %d shards, batch-size %,d", shards, middle),
                    "µs/record",
                    stats,
                    String.format("the same on %d shard%s", first, first == 1 ? "" : "s"),
                    one);
              }
            });
      }
      reference(table, moto, kinesis, generator);
    }
  }

  /**
   * The stream's records planned as the relay plans them, {@code batchSize} records at a time in
   * stream order, as the columns of its statement of arrays.
   */
  private List<UpsertArrays.Columns> plannedBatches(ChangeRecords generator, int batchSize) {
    TargetSql sql = target.isCrateDb() ? new CrateDbSql() : new PostgreSql();
    BatchPlanner planner = new BatchPlanner(new ItemMapper(sql.strictNames(), sql.maxTextBytes()));
    DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();
    List<UpsertArrays.Columns> batches = new ArrayList<>();
    for (int from = 0; from < records; from += batchSize) {
      List<Decoded> decoded = new ArrayList<>(batchSize);
      for (int i = from; i < Math.min(records, from + batchSize); i++) {
        decoded.add(decoder.decode(generator.sourceRecord(i)));
      }
      BatchPlan plan = planner.plan(decoded, RAW_KEYS, ColumnTypes.empty());
      if (!plan.deadLetters().isEmpty()) {
        throw new IllegalStateException(
            "the benchmark's records should plan: " + plan.deadLetters());
      }
      batches.add(UpsertArrays.Columns.of(plan.rows(), false));
    }
    return batches;
  }

  /**
   * The planned batches written one after the other into a fresh table with the relay's own
   * statement of arrays.
   */
  private double rawUpsert(List<UpsertArrays.Columns> batches, String rawTable)
      throws SQLException {
    TargetSql sql = target.isCrateDb() ? new CrateDbSql() : new PostgreSql();
    TableName name = new TableName(BenchTarget.SCHEMA, rawTable);
    long start = System.nanoTime();
    try (Connection connection = target.connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql.createTable(name, RAW_KEYS));
      }
      String upsert = sql.upsertArrays(name, RAW_KEYS, false);
      for (UpsertArrays.Columns batch : batches) {
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
          UpsertArrays.bind(connection, statement, sql.jsonType(), batch);
          try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              // Read what the relay reads back: each row's key and the version it holds.
            }
          }
        }
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Items whose last change is not a REMOVE: the rows a converged target table holds. */
  static long liveItems(ChangeRecords generator, int records) {
    Map<String, String> last = new HashMap<>();
    for (int i = 0; i < records; i++) {
      last.put(generator.key(i), generator.eventName(i));
    }
    return last.values().stream().filter(e -> !"REMOVE".equals(e)).count();
  }

  /** Creates the stream and puts the records, 500 per PutRecords; the time it took in ns. */
  private static long fill(
      KinesisClient kinesis, String stream, int shards, ChangeRecords generator, int count)
      throws InterruptedException {
    long start = System.nanoTime();
    kinesis.createStream(r -> r.streamName(stream).shardCount(shards));
    while (kinesis
            .describeStreamSummary(r -> r.streamName(stream))
            .streamDescriptionSummary()
            .streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(100);
    }
    for (int from = 0; from < count; from += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 500); i++) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey(generator.key(i))
                .data(SdkBytes.fromByteArray(generator.record(i)))
                .build());
      }
      PutRecordsResponse response = kinesis.putRecords(r -> r.streamName(stream).records(entries));
      if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
        throw new IllegalStateException(
            "moto refused " + response.failedRecordCount() + " records");
      }
    }
    return System.nanoTime() - start;
  }

  /** moto's own read rate: every shard from its start, 10,000 records per GetRecords. */
  private static double rawReadRate(KinesisClient kinesis, String stream, int expected) {
    long start = System.nanoTime();
    long read = 0;
    for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  r ->
                      r.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse response =
            kinesis.getRecords(r -> r.shardIterator(current).limit(10_000));
        read += response.records().size();
        if (response.records().isEmpty()) {
          break;
        }
        iterator = response.nextShardIterator();
      }
    }
    if (read != expected) {
      throw new IllegalStateException("read " + read + " records of " + expected);
    }
    return read / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * One run of {@code relay load} with {@code once=true}, in this process, into a fresh table and
   * without checkpoints: wall seconds.
   */
  private double relay(EmulatorProcess moto, String stream, int batchSize, String relayTable)
      throws SQLException {
    forgetCheckpoints();
    String source =
        moto.sourceUrl("kinesis+dynamodb+cdc", ACCESS_KEY, SECRET_KEY, stream, REGION)
            + "&batch-size="
            + batchSize
            + "&batches-in-flight="
            + batchesInFlight
            + "&once=true";
    long start = System.nanoTime();
    int exit = target.relayLoad(source, relayTable);
    double wall = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("relay load exited " + exit);
    }
    return wall;
  }

  private void forgetCheckpoints() throws SQLException {
    try (Connection connection = target.connect();
        Statement statement = connection.createStatement()) {
      // CrateDB's DELETE only sees refreshed rows: a checkpoint written a moment ago would stay.
      if (target.isCrateDb()) {
        statement.execute("REFRESH TABLE " + BenchTarget.SCHEMA + ".cdc_relay_shards");
      }
      statement.execute("DELETE FROM " + BenchTarget.SCHEMA + ".cdc_relay_shards");
      if (target.isCrateDb()) {
        statement.execute("REFRESH TABLE " + BenchTarget.SCHEMA + ".cdc_relay_shards");
      }
    } catch (SQLException e) {
      if (!SqlState.isMissingTable(e)) {
        throw e;
      }
    }
  }

  /** The run relayed every record: the table holds exactly the live items. */
  private void check(String relayTable, long live) throws SQLException {
    long rows = target.rows(relayTable);
    if (rows != live) {
      throw new IllegalStateException(
          relayTable + " holds " + rows + " rows, the stream " + live + " live items");
    }
  }

  /** The reference tool and this relay on the same prefix of the records, batch-size 500. */
  private void reference(
      ResultTable table, EmulatorProcess moto, KinesisClient kinesis, ChangeRecords generator)
      throws Exception {
    String name =
        String.format(
            "reference tool ctk load, 1 shard, batch-size 500, %,d records", referenceRecords);
    if (referenceRecords == 0) {
      table.skip("stream", name, "--reference-records 0");
      return;
    }
    Optional<ReferenceTool> tool = ReferenceTool.install(target, tools, table, "stream", name);
    if (tool.isEmpty()) {
      return;
    }
    String stream = "bench-reference";
    fill(kinesis, stream, 1, generator, referenceRecords);
    String refTable = "reference_ctk";
    try (Connection connection = target.connect();
        Statement statement = connection.createStatement()) {
      // The reference tool cannot create its table: its users create it by hand, like this.
      statement.execute(
          "CREATE TABLE "
              + BenchTarget.SCHEMA
              + "."
              + refTable
              + " (\"pk\" OBJECT(STRICT) AS (\"id\" TEXT PRIMARY KEY),"
              + " \"data\" OBJECT(DYNAMIC), \"aux\" OBJECT(IGNORED))");
    }
    String source =
        moto.sourceUrl("kinesis+dynamodb+cdc", ACCESS_KEY, SECRET_KEY, stream, REGION)
            + "&batch-size=500&once=true";
    OptionalDouble seconds = tool.get().load(source, refTable, table, "stream", name);
    if (seconds.isEmpty()) {
      return;
    }
    long live = liveItems(generator, referenceRecords);
    log.printf("stream: ctk wrote %d rows of %d live items%n", tool.get().rows(refTable), live);
    List<Double> relayRates = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      String relayTable = "reference_relay_r" + round;
      double wall = relay(moto, stream, 500, relayTable);
      check(relayTable, live);
      relayRates.add(referenceRecords / wall);
    }
    Stats ctk = Stats.of(referenceRecords / seconds.getAsDouble());
    table.add(
        "stream",
        String.format(
            "relay load once=true, 1 shard, batch-size 500, %,d records", referenceRecords),
        "records/s",
        Stats.of(relayRates),
        "reference tool (ctk load, process start to exit, one run)",
        ctk);
  }

  /** SQLSTATE checks. */
  private static final class SqlState {
    static boolean isMissingTable(SQLException e) {
      String message = String.valueOf(e.getMessage());
      // PostgreSQL and CrateDB: an unknown table (42P01); CrateDB: an empty schema (3F000).
      return "42P01".equals(e.getSQLState())
          || "3F000".equals(e.getSQLState())
          || message.contains("Schema '")
          || message.contains("RelationUnknown")
          || message.contains("Relation '")
          || message.contains("does not exist");
    }
  }
}
