package io.cdcrelay.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.lambda.KinesisRelayHandler;
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
import io.cdcrelay.sink.UpsertArrays;
import io.cdcrelay.source.SourceType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.util.PGobject;

/**
 * The Lambda part: {@link KinesisRelayHandler} on a warm JVM applying batches of new and of
 * existing keys, beside the fastest raw bulk upsert (the relay's own guarded upsert statement) of
 * the same rows into the same kind of table: a JDBC batch, the same with the driver rewriting it
 * into multi-row statements, and on CrateDB its HTTP endpoint with {@code bulk_args}.
 */
final class LambdaBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/bench";
  private static final KeySchema KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  /** The two kinds of batch. */
  enum Keys {
    NEW,
    EXISTING
  }

  private final BenchTarget target;
  private final List<Integer> sizes;
  private final int partsInFlight;
  private final int rounds;
  private final java.time.Duration warmUpLimit;
  private final PrintStream log;

  LambdaBench(
      BenchTarget target,
      List<Integer> sizes,
      int partsInFlight,
      int rounds,
      java.time.Duration warmUpLimit,
      PrintStream log) {
    this.target = target;
    this.sizes = sizes;
    this.partsInFlight = partsInFlight;
    this.rounds = rounds;
    this.warmUpLimit = warmUpLimit;
    this.log = log;
  }

  void run(ResultTable table) throws Exception {
    target.clear();
    KinesisRelayHandler handler =
        new KinesisRelayHandler(
            FunctionConfig.fromEnvironment(
                Map.of(
                    "CRATEDB_SQLALCHEMY_URL",
                    target.jdbcUrl(),
                    FunctionConfig.STATE_SCHEMA,
                    BenchTarget.SCHEMA,
                    FunctionConfig.PARTS_IN_FLIGHT,
                    String.valueOf(partsInFlight))),
            Clock.systemUTC(),
            new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    TargetSql sql = target.isCrateDb() ? new CrateDbSql() : new PostgreSql();
    List<RawUpsert> raws = new ArrayList<>();
    raws.add(new JdbcBatch(false));
    if (!target.isCrateDb()) {
      // pgjdbc can rewrite a batch of inserts into multi-row statements (CrateDB's groups anyway).
      raws.add(new JdbcBatch(true));
    }
    raws.add(new ArraysStatement());
    target.httpSql().ifPresent(uri -> raws.add(new HttpBulk(uri)));

    machine =
        new MachineCpu().thisProcess("relay").process(target.product(), target.serverProcess());
    // Warm-up, not counted: every path on WARM_UP_RECORDS records, so that the figures are of
    // compiled code, as in a function that has served a few invocations (after a single small
    // batch the handler took about 100 µs of CPU a row on 5,000-record batches; after this,
    // 40-75).
    int largest = sizes.get(sizes.size() - 1);
    int warm = Math.min(1000, largest);
    long warmStart = System.nanoTime();
    for (int i = 0; i * warm < Math.min(WARM_UP_RECORDS, 20L * largest); i++) {
      measure(handler, sql, raws, warm, "warm" + i, null);
    }
    // Then rounds at the largest size (its parts in flight too) until the JIT is nearly idle.
    Jit.warmUp(
        "lambda",
        warmStart,
        warmUpLimit,
        MAX_WARM_UP_ROUNDS,
        log,
        i -> {
          measure(handler, sql, raws, largest, "warm_large" + i, null);
          return Optional.empty();
        });
    usages.clear();
    long compiledBeforeTimed = Jit.millis();

    long peakHeap = 0;
    Map<String, List<Double>> results = new LinkedHashMap<>();
    for (int size : sizes) {
      for (int round = 0; round < rounds; round++) {
        boolean heap = size == sizes.get(sizes.size() - 1) && round == 0;
        long[] peak = heap ? new long[1] : null;
        Map<String, Double> rates = measure(handler, sql, raws, size, "r" + round, peak);
        rates.forEach(
            (name, rate) ->
                results.computeIfAbsent(size + "|" + name, k -> new ArrayList<>()).add(rate));
        if (heap) {
          peakHeap = peak[0];
        }
        log.printf("lambda: %,d records, round %d: %s%n", size, round + 1, rates);
      }
    }
    long compiledTimed = Jit.millis() - compiledBeforeTimed;
    for (int size : sizes) {
      for (Keys keys : Keys.values()) {
        Stats relay = Stats.of(results.get(size + "|relay " + keys));
        String fastest = null;
        Stats best = null;
        for (RawUpsert raw : raws) {
          Stats stats = Stats.of(results.get(size + "|" + raw.name() + " " + keys));
          if (best == null || stats.median() > best.median()) {
            best = stats;
            fastest = raw.name();
          }
        }
        int parts = partsInFlight == 1 ? 1 : (size + FunctionConfig.PART - 1) / FunctionConfig.PART;
        String what =
            String.format(
                "handler, %,d-record batch%s, %s keys",
                size,
                parts <= 1 ? "" : " (" + parts + " parts, " + partsInFlight + " in flight)",
                keys.name().toLowerCase(java.util.Locale.ROOT));
        table.add("lambda", what, "rows/s", relay, "fastest raw: " + fastest, best);
        for (RawUpsert raw : raws) {
          Stats stats = Stats.of(results.get(size + "|" + raw.name() + " " + keys));
          table.add(
              "lambda",
              String.format(
                  "  raw %s, %,d rows, %s keys",
                  raw.name(), size, keys.name().toLowerCase(java.util.Locale.ROOT)),
              "rows/s",
              stats,
              "fastest raw: " + fastest,
              best);
        }
      }
    }
    for (Keys keys : Keys.values()) {
      String kind = keys.name().toLowerCase(java.util.Locale.ROOT);
      List<String> paths = new ArrayList<>();
      paths.add("relay");
      raws.forEach(raw -> paths.add(raw.name()));
      for (String path : paths) {
        MachineCpu.Usage usage = usages.get(largest + "|" + path + " " + keys);
        table.add(
            "lambda",
            String.format(
                "  CPU per row, %s, %,d rows, %s keys",
                path.equals("relay") ? "handler" : "raw " + path, largest, kind),
            "µs/row",
            usage.total(),
            usage.note("rows"));
      }
    }
    table.add(
        "lambda",
        String.format("peak heap applying the %,d-record batch", largest),
        "MB",
        Stats.of(peakHeap / 1e6),
        "heap in use at its highest (live and not yet collected), the event included");
    table.add(
        "lambda",
        "JIT compiling during the timed rounds",
        "s",
        Stats.of(compiledTimed / 1e3),
        "the warm-up stops once the compiler is nearly idle, or at --warm-up-limit");
  }

  /**
   * One round at one size: the handler and every raw upsert, each into a fresh table of its own,
   * first a batch of new keys, then one of the same keys changed. Records/s per path and kind.
   */
  /** How many records the handler applies before anything is measured (at most 20 batches). */
  private static final int WARM_UP_RECORDS = 20_000;

  /**
   * At most this many warm-up rounds at the largest size (4 tables each): the compiler was nearly
   * idle after 4 to 9 in the runs measured.
   */
  private static final int MAX_WARM_UP_ROUNDS = 12;

  /** How many records of other keys prime each table. */
  private static final int PRIMER_RECORDS = 500;

  private MachineCpu machine = new MachineCpu();
  // The CPU time of every timed write, by size and path as in the rates.
  private final Map<String, MachineCpu.Usage> usages = new LinkedHashMap<>();

  /** Runs {@code write} of {@code rows} rows, counting its CPU time under {@code key}; rows/s. */
  private double timed(String key, int rows, ThrowingRunnable write) throws Exception {
    MachineCpu.Spent<Long> spent =
        machine.during(
            () -> {
              long start = System.nanoTime();
              write.run();
              return System.nanoTime() - start;
            });
    usages.computeIfAbsent(key, k -> new MachineCpu.Usage()).add(spent.seconds(), rows);
    return rows / (spent.result() / 1e9);
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private Map<String, Double> measure(
      KinesisRelayHandler handler,
      TargetSql sql,
      List<RawUpsert> raws,
      int size,
      String round,
      long[] peakHeap)
      throws Exception {
    Map<String, Double> rates = new LinkedHashMap<>();
    String relayTable = "lambda_" + size + "_" + round;
    // Keys size.. prime the table, keys 0..size-1 are inserted, then modified. The primer's
    // records give the table the columns of the records' shapes, as a table in use has them:
    // what is measured is writing rows, not adding columns (a table's first writes only).
    ChangeRecords records = new ChangeRecords(size * 31L + round.hashCode(), 2 * size, relayTable);
    List<Integer> primer = range(size, size + Math.min(size, PRIMER_RECORDS));
    List<Integer> fresh = range(0, size);
    List<Integer> changed = range(2 * size, 3 * size);
    KinesisEvent prime = event(records, primer);
    KinesisEvent insert = event(records, fresh);
    KinesisEvent modify = event(records, changed);
    check(handler.handleRequest(prime, null));
    System.gc();
    List<MemoryPoolMXBean> pools = heapPools();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    rates.put(
        "relay " + Keys.NEW,
        timed(size + "|relay " + Keys.NEW, size, () -> check(handler.handleRequest(insert, null))));
    if (peakHeap != null) {
      peakHeap[0] = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
    rates.put(
        "relay " + Keys.EXISTING,
        timed(
            size + "|relay " + Keys.EXISTING,
            size,
            () -> check(handler.handleRequest(modify, null))));

    for (RawUpsert raw : raws) {
      TableName rawTable =
          new TableName(BenchTarget.SCHEMA, "raw_" + raw.tag() + "_" + size + "_" + round);
      BatchPlanner planner =
          new BatchPlanner(new ItemMapper(sql.strictNames(), sql.maxTextBytes()));
      List<PlannedRow> primeRows = plan(planner, records, primer);
      List<PlannedRow> insertRows = plan(planner, records, fresh);
      List<PlannedRow> modifyRows = plan(planner, records, changed);
      try (Connection connection = target.connect(raw.rewrite())) {
        try (Statement statement = connection.createStatement()) {
          sql.createSchema(BenchTarget.SCHEMA).ifPresent(ddl -> execute(statement, ddl));
          statement.execute(sql.createTable(rawTable, KEYS));
        }
        String upsert = raw.statement(sql, rawTable);
        raw.upsert(connection, sql, upsert, primeRows);
        for (Keys keys : Keys.values()) {
          List<PlannedRow> rows = keys == Keys.NEW ? insertRows : modifyRows;
          String name = raw.name() + " " + keys;
          rates.put(
              name,
              timed(size + "|" + name, size, () -> raw.upsert(connection, sql, upsert, rows)));
        }
      }
    }
    return rates;
  }

  private static void execute(Statement statement, String ddl) {
    try {
      statement.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(ddl + ": " + e.getMessage(), e);
    }
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .toList();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> indexes = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      indexes.add(i);
    }
    return indexes;
  }

  private static List<PlannedRow> plan(
      BatchPlanner planner, ChangeRecords records, List<Integer> indexes) {
    DynamoDbChangeDecoder decoder =
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS);
    List<Decoded> decoded = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      decoded.add(decoder.decode(records.sourceRecord(i)));
    }
    BatchPlan plan = planner.plan(decoded, KEYS, ColumnTypes.empty());
    if (!plan.deadLetters().isEmpty() || plan.rows().size() != indexes.size()) {
      throw new IllegalStateException(
          "the benchmark's records should plan one row each: " + plan.deadLetters());
    }
    return plan.rows();
  }

  /** A Lambda Kinesis event holding the given records, as the event source mapping sends it. */
  static KinesisEvent event(ChangeRecords records, List<Integer> indexes) {
    List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      KinesisEvent.Record kinesis = new KinesisEvent.Record();
      kinesis.setData(ByteBuffer.wrap(records.record(i)));
      kinesis.setSequenceNumber(records.sequenceNumber(i));
      kinesis.setPartitionKey(records.key(i));
      kinesis.setApproximateArrivalTimestamp(new Date(1_720_740_233_000L + i));
      kinesis.setKinesisSchemaVersion("1.0");
      KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
      record.setKinesis(kinesis);
      record.setEventSource(SourceType.KINESIS_DATA_STREAM.eventSource());
      record.setEventName("aws:kinesis:record");
      record.setEventSourceARN(STREAM_ARN);
      record.setEventID("shardId-000000000000:" + records.sequenceNumber(i));
      record.setAwsRegion("us-east-1");
      list.add(record);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(list);
    return event;
  }

  private static void check(StreamsEventResponse response) {
    if (response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty()) {
      throw new IllegalStateException(
          "the handler did not apply the whole batch: retry from "
              + response.getBatchItemFailures().get(0).getItemIdentifier());
    }
  }

  /** One way of writing planned rows in bulk with the relay's upsert statement. */
  interface RawUpsert {
    String name();

    String tag();

    /** Whether the connection should have pgjdbc rewrite batched inserts. */
    default boolean rewrite() {
      return false;
    }

    /** The statement it runs: the relay's row upsert unless it takes another form. */
    default String statement(TargetSql sql, TableName table) {
      return sql.upsert(table, KEYS, false);
    }

    void upsert(Connection connection, TargetSql sql, String upsert, List<PlannedRow> rows)
        throws Exception;
  }

  /** A JDBC batch, optionally rewritten by pgjdbc into multi-row statements. */
  record JdbcBatch(boolean rewrite) implements RawUpsert {
    @Override
    public String name() {
      return rewrite ? "JDBC batch, reWriteBatchedInserts" : "JDBC batch";
    }

    @Override
    public String tag() {
      return rewrite ? "rewrite" : "jdbc";
    }

    @Override
    public boolean rewrite() {
      return rewrite;
    }

    @Override
    public void upsert(Connection connection, TargetSql sql, String upsert, List<PlannedRow> rows)
        throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(upsert)) {
        for (PlannedRow row : rows) {
          statement.setObject(1, json(sql, row.pkJson()));
          statement.setObject(2, json(sql, row.dataJson()));
          statement.setObject(3, json(sql, row.auxJson()));
          statement.setString(4, row.version().encode());
          statement.setBoolean(5, row.deleted());
          statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        for (int count : counts) {
          if (count != 1 && count != Statement.SUCCESS_NO_INFO) {
            throw new IllegalStateException("a raw upsert row counted " + count);
          }
        }
      }
    }

    private static PGobject json(TargetSql sql, String value) throws SQLException {
      PGobject object = new PGobject();
      object.setType(sql.jsonType());
      object.setValue(value);
      return object;
    }
  }

  /** CrateDB's HTTP endpoint, one request with {@code bulk_args}. */
  private static final class HttpBulk implements RawUpsert {
    /** A JSON document as a value; SQL NULL for none (a row with nothing in {@code aux}). */
    private static com.fasterxml.jackson.databind.JsonNode tree(String json) throws IOException {
      return json == null ? JSON.nullNode() : JSON.readTree(json);
    }

    private final URI endpoint;
    private final HttpClient client = HttpClient.newHttpClient();

    HttpBulk(URI endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public String name() {
      return "HTTP _sql bulk_args";
    }

    @Override
    public String tag() {
      return "http";
    }

    @Override
    public void upsert(Connection connection, TargetSql sql, String upsert, List<PlannedRow> rows)
        throws IOException, InterruptedException {
      ObjectNode body = JSON.createObjectNode();
      body.put("stmt", upsert);
      ArrayNode args = body.putArray("bulk_args");
      for (PlannedRow row : rows) {
        ArrayNode values = args.addArray();
        values.add(tree(row.pkJson()));
        values.add(tree(row.dataJson()));
        values.add(tree(row.auxJson()));
        values.add(row.version().encode());
        values.add(row.deleted());
      }
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(endpoint)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP bulk upsert: " + response.body());
      }
      for (com.fasterxml.jackson.databind.JsonNode result :
          JSON.readTree(response.body()).path("results")) {
        if (result.path("rowcount").asLong() != 1) {
          throw new IllegalStateException("a bulk_args row counted " + result);
        }
      }
    }
  }

  /** The same upsert as one statement binding an array per column ({@code UNNEST}). */
  static final class ArraysStatement implements RawUpsert {
    @Override
    public String name() {
      return "one statement of arrays (UNNEST)";
    }

    @Override
    public String tag() {
      return "unnest";
    }

    @Override
    public String statement(TargetSql sql, TableName table) {
      return sql.upsertArrays(table, KEYS, false);
    }

    @Override
    public void upsert(Connection connection, TargetSql sql, String upsert, List<PlannedRow> rows)
        throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(upsert)) {
        UpsertArrays.bind(connection, statement, sql.jsonType(), rows, false);
        int written = 0;
        // It returns each row written (pk and stored version), as the relay reads it.
        try (java.sql.ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            written++;
          }
        }
        if (written != rows.size()) {
          throw new IllegalStateException(
              "the UNNEST upsert wrote " + written + " of " + rows.size());
        }
      }
    }
  }
}
