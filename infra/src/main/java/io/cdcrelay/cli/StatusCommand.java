package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.failed.FailedBatchQueue;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.MappingStatus;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.DeadLetterFilter;
import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.text.Count;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code relay status [TARGET] [--json] [--function F] [--queue-url Q]}: how fresh each target
 * table is, from the state schema's status table that the function and the local relay write with
 * every batch — per source stream, shard and target table, the last record applied, the newest
 * change's creation time, when it was applied, the lag, and counts since the first batch — how many
 * dead letters the target holds, by table and stage, and, when asked, what Lambda says of the
 * function's event source mappings and how many messages its on-failure queue holds. Each part is
 * read on its own: a database that is down does not hide the mapping's state. It only reads: it
 * creates no table, and it starts the embedded PostgreSQL only where a load left one.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Prints the status table: per source stream, shard and target table, the last record"
            + " applied, the newest change, when it was applied, the lag, and counts; the dead"
            + " letters by table and stage; with --function the event source mappings' state and"
            + " last result, with --queue-url the on-failure queue's depth. Only reads.")
final class StatusCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  // Only the target options status uses: routing and loading options mean nothing here.
  @Option(
      names = {"--target", "-t"},
      paramLabel = "URL",
      description =
          "Target database: crate://USER[:PASSWORD]@HOST[:PORT]/SCHEMA[/TABLE], postgresql://…,"
              + " jdbc:postgresql://…, or 'embedded' for the local PostgreSQL of relay load"
              + " --target embedded (default: $CRATEDB_SQLALCHEMY_URL, $CRATEDB_CLUSTER_URL,"
              + " $SINK_SQLALCHEMY_URL)")
  String target;

  @Option(
      names = "--table",
      paramLabel = "[SCHEMA.]TABLE",
      description =
          "Only this target table, when the URL names none (default: $CRATEDB_TABLE or"
              + " $SINK_TABLE; without one, every table)")
  String table;

  @Option(
      names = "--state-schema",
      paramLabel = "SCHEMA",
      description =
          "Schema of the relay's own tables, where it records the status (default:"
              + " $CRATEDB_STATE_SCHEMA, else the target's)")
  String stateSchema;

  @Option(
      names = "--embedded-dir",
      paramLabel = "DIR",
      description =
          "Where --target embedded keeps its database; never created here (default:"
              + " ${DEFAULT-VALUE})",
      defaultValue = ".relay/embedded-postgres")
  Path embeddedDirectory;

  @Option(
      names = "--json",
      description =
          "One JSON object: database_found, tables, dead_letters, loads, and"
              + " event_source_mappings and on_failure_queue when asked for")
  boolean json;

  @Option(
      names = "--function",
      paramLabel = "NAME",
      description = "The relay function (name or ARN): prints its event source mappings")
  String function;

  @Option(
      names = "--queue-url",
      paramLabel = "URL",
      description = "The mapping's on-failure SQS queue: prints how many messages it holds")
  String queueUrl;

  @Option(
      names = "--source",
      paramLabel = "URL",
      description =
          "kinesis+dynamodb+cdc://[KEY:SECRET@]HOST[:PORT]/STREAM?region=R: the endpoint,"
              + " credentials and region of Lambda and SQS (default: AWS in the function ARN's"
              + " region, else the queue URL's, else AWS_REGION or AWS_DEFAULT_REGION; the"
              + " default credential chain)")
  String source;

  private final Map<String, String> processEnvironment;
  private final Clock clock;

  /** The exit code, the worst part's: 0 all read, 1 a service failed, 2 a bad configuration. */
  private int exit;

  StatusCommand() {
    this(ProcessEnvironment.get(), Clock.systemUTC());
  }

  StatusCommand(Map<String, String> processEnvironment, Clock clock) {
    this.processEnvironment = processEnvironment;
    this.clock = clock;
  }

  /** The target options as the commands that write take them, from the ones status has. */
  private TargetOptions targetOptions() {
    TargetOptions options = new TargetOptions();
    options.target = positionalTarget != null ? positionalTarget : target;
    options.table = table;
    options.stateSchema = stateSchema;
    options.embeddedDirectory = embeddedDirectory;
    // Status reads what loads wrote into the embedded database: every table, not only "demo".
    options.demoTableWhenEmbedded = false;
    return options;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TargetOptions options = targetOptions();
    if (!options.isConfigured(processEnvironment)) {
      err.println(ConnectionOptions.NO_TARGET);
      return 2;
    }
    Optional<SourceUrl> sourceUrl;
    try {
      sourceUrl = source == null ? Optional.empty() : Optional.of(SourceUrl.parse(source));
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return 2;
    }
    exit = 0;
    Database database = new Database();
    if (options.embedded() && !EmbeddedTarget.holdsDatabase(options.embeddedDirectory)) {
      // Nothing to read, and starting the server would create a database where none was meant.
      // Nothing was relayed there yet: said, not shown as an idle relay's empty tables.
      database.absent = EmbeddedTarget.nothingRelayedYet(options.embeddedDirectory, "status");
    } else {
      EmbeddedTarget embedded = null;
      try {
        if (options.embedded()) {
          embedded = EmbeddedTarget.start(options.embeddedDirectory);
        }
        read(options, embedded, database, err);
      } catch (IOException e) {
        fail(
            err,
            1,
            e instanceof EmbeddedTarget.NotStartedException
                ? e.getMessage()
                : "The embedded database in "
                    + options.embeddedDirectory.toAbsolutePath().normalize()
                    + " did not start: "
                    + e.getMessage());
      } finally {
        close(embedded, err);
      }
    }
    List<MappingStatus> mappings = null;
    FailedBatchQueue.Depth depth = null;
    if (function != null || queueUrl != null) {
      Optional<String> region = region(sourceUrl, function, queueUrl, processEnvironment);
      if (region.isEmpty()) {
        fail(
            err,
            2,
            "Bad configuration: no AWS region for --function/--queue-url: pass a function ARN,"
                + " --source …?region=R, or set AWS_REGION");
      } else {
        if (function != null) {
          mappings = mappings(sourceUrl, region.get(), err);
        }
        if (queueUrl != null) {
          depth = depth(sourceUrl, region.get(), err);
        }
      }
    }
    if (json) {
      if (database.absent != null) {
        err.println(database.absent);
        err.flush();
      }
      out.print(
          withLoads(
              json(
                  database.absent != null
                      ? Boolean.FALSE
                      : database.rows != null || database.deadLetters != null ? Boolean.TRUE : null,
                  database.rows,
                  database.deadLetters,
                  mappings,
                  depth),
              database.loads));
    } else {
      if (database.absent != null) {
        out.println(database.absent);
      } else if (database.rows != null) {
        out.print(
            !database.rows.isEmpty()
                ? table(database.rows, clock.instant())
                : database.loads == null || database.loads.isEmpty()
                    ? noStatus(database.stateSchema, database.scope, database.others)
                    : "No stream relay has recorded a batch "
                        + (database.scope == null ? "" : "into " + database.scope + " ")
                        + "in state schema "
                        + database.stateSchema
                        + " yet; the full loads below record their progress apart."
                        + System.lineSeparator());
      }
      if (database.loads != null && !database.loads.isEmpty()) {
        out.print(loads(database.loads, clock.instant()));
      }
      if (database.deadLetters != null && database.absent == null) {
        out.print(deadLetters(database.deadLetters, database.stateSchema));
      }
      if (mappings != null) {
        out.print(mappings(function, mappings));
      }
      if (depth != null) {
        out.print(queue(queueUrl, depth));
      }
    }
    out.flush();
    return exit;
  }

  /** What was read of the target database; a part that could not be read is {@code null}. */
  private static final class Database {
    /** Why there is no database to read, if there is none. */
    String absent;

    List<Target.Status> rows;
    List<DeadLetterStore.Count> deadLetters;
    String stateSchema;

    /** The one table status is about, if the target names one. */
    String scope;

    /** The tables with status rows outside the scope. */
    List<TableName> others = List.of();

    /** The full loads recorded in the state schema, within the scope; null when not read. */
    List<io.cdcrelay.snapshot.SnapshotCursors.Summary> loads;
  }

  /**
   * The JSON with {@code loads}: each full load's {@code source}, {@code target_table}, {@code
   * complete}, {@code items}, {@code segments}, {@code segments_done}, {@code started_at}, {@code
   * updated_at}; {@code null} when the database was not read.
   */
  static String withLoads(String json, List<io.cdcrelay.snapshot.SnapshotCursors.Summary> loads) {
    try {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode all = (ObjectNode) mapper.readTree(json);
      if (loads == null) {
        all.putNull("loads");
      } else {
        ArrayNode array = all.putArray("loads");
        for (io.cdcrelay.snapshot.SnapshotCursors.Summary load : loads) {
          ObjectNode node = array.addObject();
          node.put("source", load.source());
          node.put("target_table", load.target());
          node.put("complete", load.done());
          node.put("items", load.items());
          node.put("segments", load.totalSegments());
          node.put("segments_done", load.segmentsDone());
          node.put("started_at", load.startedAt().toString());
          node.put("updated_at", load.updatedAt().toString());
        }
      }
      return all.toPrettyString() + System.lineSeparator();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean inScope(TableRoutes routes, String target) {
    int dot = target.indexOf('.');
    return dot < 0
        ? routes.scopes(null, target)
        : routes.scopes(target.substring(0, dot), target.substring(dot + 1));
  }

  /**
   * The full loads, one line each: a load records its progress among its cursors, not in status
   * rows, so that a table filled by {@code relay load dynamodb://…} alone has none.
   */
  static String loads(List<io.cdcrelay.snapshot.SnapshotCursors.Summary> loads, Instant now) {
    String nl = System.lineSeparator();
    StringBuilder text = new StringBuilder("Full loads:").append(nl);
    for (io.cdcrelay.snapshot.SnapshotCursors.Summary load : loads) {
      String source = load.source();
      int table = source.indexOf(":table/");
      text.append("  ")
          .append(table >= 0 ? source.substring(table + 7) : source)
          .append(" -> ")
          .append(load.target())
          .append(": ");
      if (load.done()) {
        text.append(
            String.format(
                java.util.Locale.ROOT,
                "complete, %s in %s, started %s",
                Count.grouped(load.items(), "item"),
                Count.grouped(load.totalSegments(), "segment"),
                load.startedAt()));
      } else {
        text.append(
            String.format(
                java.util.Locale.ROOT,
                "not complete, %s so far, %d of %d segments done, last written %s ago"
                    + " (running, or stopped: the same relay load command resumes it)",
                Count.grouped(load.items(), "item"),
                load.segmentsDone(),
                load.totalSegments(),
                human(Duration.between(load.updatedAt(), now))));
      }
      text.append(nl);
    }
    return text.toString();
  }

  /** Reads the status rows and the dead letters within the target's scope, creating nothing. */
  private void read(
      TargetOptions options, EmbeddedTarget embedded, Database database, PrintWriter err) {
    FunctionConfig config;
    try {
      config =
          FunctionConfig.fromEnvironment(
              options.environment(processEnvironment, embedded == null ? null : embedded.url()));
    } catch (IllegalArgumentException e) {
      fail(err, 2, "Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return;
    }
    TableRoutes routes = config.settings().routes();
    if (routes.singleTable() != null) {
      database.scope =
          routes.schema() == null
              ? routes.singleTable()
              : routes.schema() + "." + routes.singleTable();
    }
    Supplier<String> password = config.passwordSource(clock);
    try (JdbcTarget target = config.openTarget(password, clock)) {
      List<Target.Status> all = target.status();
      database.rows =
          all.stream()
              .filter(row -> routes.scopes(row.table().schema(), row.table().table()))
              .toList();
      database.others =
          all.stream()
              .map(Target.Status::table)
              .filter(t -> !routes.scopes(t.schema(), t.table()))
              .distinct()
              .toList();
      database.stateSchema = target.state().schema();
      database.loads =
          io.cdcrelay.snapshot.SnapshotCursors.loads(
                  config.target(), password, database.stateSchema, config.socketTimeoutSeconds())
              .stream()
              .filter(load -> inScope(routes, load.target()))
              .toList();
      try (DeadLetterStore store = config.openDeadLetters(target, password)) {
        // The scope the dead-letter commands have: a URL naming a table, that table's and those
        // that reached no table (undecodable, unroutable), which no status row counts.
        database.deadLetters =
            store.countByStage(DeadLetterOptions.scoped(DeadLetterFilter.all(), routes));
      }
    } catch (BadTargetException e) {
      fail(err, 2, "Bad configuration: " + Redaction.urlsIn(e.getMessage()));
    } catch (TargetUnavailableException e) {
      fail(err, 1, "The target database failed: " + Redaction.urlsIn(e.getMessage()));
    }
  }

  private void close(EmbeddedTarget embedded, PrintWriter err) {
    if (embedded == null) {
      return;
    }
    try {
      embedded.close();
    } catch (IOException e) {
      fail(err, 1, "The embedded database did not stop: " + e.getMessage());
    }
  }

  private void fail(PrintWriter err, int code, String message) {
    err.println(message);
    err.flush();
    exit = Math.max(exit, code);
  }

  /**
   * The region of Lambda and SQS: the source URL's, else the function ARN's, else the AWS queue
   * URL's ({@code sqs.REGION.amazonaws.com}), else {@code AWS_REGION} or {@code
   * AWS_DEFAULT_REGION}.
   */
  static Optional<String> region(
      Optional<SourceUrl> sourceUrl,
      String function,
      String queueUrl,
      Map<String, String> environment) {
    if (sourceUrl.isPresent()) {
      return Optional.of(sourceUrl.get().region());
    }
    if (function != null && function.startsWith("arn:")) {
      String[] parts = function.split(":");
      if (parts.length > 3 && !parts[3].isEmpty()) {
        return Optional.of(parts[3]);
      }
    }
    if (queueUrl != null) {
      try {
        String host = java.net.URI.create(queueUrl).getHost();
        Optional<String> inUrl = host == null ? Optional.empty() : FailedBatchQueue.awsRegion(host);
        if (inUrl.isPresent()) {
          return inUrl;
        }
      } catch (IllegalArgumentException notAUrl) {
        // FailedBatchQueue.open names it.
      }
    }
    for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.trim());
      }
    }
    return Optional.empty();
  }

  private List<MappingStatus> mappings(
      Optional<SourceUrl> sourceUrl, String region, PrintWriter err) {
    SourceUrl url =
        sourceUrl.orElseGet(
            () -> SourceUrl.parse(SourceUrl.SCHEME + "://aws/status?region=" + region));
    try (AwsClients aws = new AwsClients(url)) {
      return MappingStatus.withSuccessors(MappingStatus.of(aws.lambda(), function), aws.dynamoDb());
    } catch (IllegalArgumentException e) {
      fail(err, 2, "Bad configuration: " + Redaction.urlsIn(e.getMessage()));
    } catch (SdkException e) {
      fail(
          err,
          1,
          "Lambda failed listing the mappings of "
              + function
              + ": "
              + Redaction.urlsIn(String.valueOf(e.getMessage())));
    }
    return null;
  }

  private FailedBatchQueue.Depth depth(
      Optional<SourceUrl> sourceUrl, String region, PrintWriter err) {
    try (FailedBatchQueue queue =
        FailedBatchQueue.open(queueUrl, region, ReplayFailedCommand.credentials(sourceUrl))) {
      return queue.depth();
    } catch (IllegalArgumentException e) {
      fail(err, 2, "Bad configuration: " + Redaction.urlsIn(e.getMessage()));
    } catch (SdkException e) {
      fail(
          err,
          1,
          "SQS failed reading the depth of "
              + queueUrl
              + ": "
              + Redaction.urlsIn(String.valueOf(e.getMessage())));
    }
    return null;
  }

  /**
   * Everything read as one JSON object: {@code tables} (times as ISO-8601, the lag in
   * milliseconds), {@code dead_letters} ({@code total}, {@code by_stage}, {@code by_table}), and
   * {@code event_source_mappings} and {@code on_failure_queue} when asked for; a part that could
   * not be read is {@code null}.
   */
  static String json(
      List<Target.Status> rows,
      List<DeadLetterStore.Count> deadLetters,
      List<MappingStatus> mappings,
      FailedBatchQueue.Depth depth) {
    return json(
        rows != null || deadLetters != null ? Boolean.TRUE : null,
        rows,
        deadLetters,
        mappings,
        depth);
  }

  /**
   * @param databaseFound {@code true} when the database was read, {@code false} when an embedded
   *     folder holds none (nothing relayed yet: {@code tables} and {@code dead_letters} are then
   *     {@code null}, not empty), {@code null} when it could not be read
   */
  static String json(
      Boolean databaseFound,
      List<Target.Status> rows,
      List<DeadLetterStore.Count> deadLetters,
      List<MappingStatus> mappings,
      FailedBatchQueue.Depth depth) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode all = mapper.createObjectNode();
    if (databaseFound == null) {
      all.putNull("database_found");
    } else {
      all.put("database_found", databaseFound);
    }
    if (rows == null) {
      all.putNull("tables");
    } else {
      ArrayNode array = all.putArray("tables");
      for (Target.Status row : rows) {
        ObjectNode node = array.addObject();
        node.put("source", row.source());
        node.put("shard_id", row.shardId());
        node.put("target_table", row.table().toString());
        node.put("last_sequence_number", row.lastSequenceNumber());
        node.put("newest_change_at", row.newestChangeAt().toString());
        node.put("applied_at", row.appliedAt().toString());
        node.put("lag_ms", row.lag().toMillis());
        node.put("received", row.received());
        node.put("upserted", row.upserted());
        node.put("deleted", row.deleted());
        node.put("expired", row.expired());
        node.put("dead_lettered", row.deadLettered());
        node.put("rerouted", row.rerouted());
        node.put("stale", row.stale());
      }
    }
    if (deadLetters == null) {
      all.putNull("dead_letters");
    } else {
      ObjectNode letters = all.putObject("dead_letters");
      letters.put("total", deadLetters.stream().mapToLong(DeadLetterStore.Count::count).sum());
      ObjectNode byStage = letters.putObject("by_stage");
      byStage(deadLetters).forEach(byStage::put);
      ArrayNode byTable = letters.putArray("by_table");
      for (DeadLetterStore.Count count : deadLetters) {
        ObjectNode node = byTable.addObject();
        if (count.target().isPresent()) {
          node.put("target_table", count.target().get().toString());
        } else {
          node.putNull("target_table");
        }
        node.put("stage", count.stage());
        node.put("count", count.count());
      }
    }
    if (mappings != null) {
      ArrayNode array = all.putArray("event_source_mappings");
      for (MappingStatus mapping : mappings) {
        ObjectNode node = array.addObject();
        node.put("uuid", mapping.uuid());
        node.put("source_arn", mapping.sourceArn());
        node.put("state", mapping.state());
        node.put("last_processing_result", mapping.lastProcessingResult());
        node.put("state_transition_reason", mapping.stateTransitionReason());
        node.put("on_failure", mapping.onFailure());
        node.put("source_replaced_by", mapping.successor());
      }
    }
    if (depth != null) {
      ObjectNode node = all.putObject("on_failure_queue");
      node.put("messages", depth.total());
      node.put("waiting", depth.waiting());
      node.put("in_flight", depth.inFlight());
    }
    return all.toPrettyString() + System.lineSeparator();
  }

  /** The function's mappings as an aligned text table. */
  static String mappings(String function, List<MappingStatus> mappings) {
    String heading = "Event source mappings of " + function + ":" + System.lineSeparator();
    if (mappings.isEmpty()) {
      return heading + "none: the function reads no stream" + System.lineSeparator();
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "SOURCE", "STATE", "LAST PROCESSING RESULT", "STATE TRANSITION REASON", "UUID"
        });
    for (MappingStatus mapping : mappings) {
      lines.add(
          new String[] {
            orDash(mapping.sourceArn()),
            orDash(mapping.state()),
            orDash(mapping.lastProcessingResult()),
            orDash(mapping.stateTransitionReason()),
            orDash(mapping.uuid())
          });
    }
    StringBuilder replaced = new StringBuilder();
    for (MappingStatus mapping : mappings) {
      if (mapping.successor() != null) {
        replaced
            .append(mapping.uuid())
            .append(" reads a replaced stream of DynamoDB table ")
            .append(mapping.sourceTable().orElse("?"))
            .append(" (its stream is now ")
            .append(mapping.successor())
            .append("), which gets no more changes: relay provision 'dynamodb+cdc://…/")
            .append(mapping.sourceTable().orElse("TABLE"))
            .append("' --function ")
            .append(function)
            .append(" --on-failure-arn QUEUE_ARN maps the new one")
            .append(System.lineSeparator());
      }
    }
    return heading + aligned(lines) + replaced;
  }

  /** The queue's depth as one line. */
  static String queue(String queueUrl, FailedBatchQueue.Depth depth) {
    return "On-failure queue "
        + queueUrl
        + ": "
        + depth.total()
        + " messages ("
        + depth.waiting()
        + " waiting, "
        + depth.inFlight()
        + " in flight)"
        + (depth.total() > 0 ? "; relay replay-failed applies them" : "")
        + System.lineSeparator();
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** The dead letters per stage, the stages in order. */
  private static Map<String, Long> byStage(List<DeadLetterStore.Count> deadLetters) {
    Map<String, Long> byStage = new TreeMap<>();
    for (DeadLetterStore.Count count : deadLetters) {
      byStage.merge(count.stage(), count.count(), Long::sum);
    }
    return byStage;
  }

  /**
   * What no status row means, and what to check: that no relay wrote into this state schema (or not
   * for this table), which a state schema other than the relay's also looks like.
   *
   * @param stateSchema the state schema status read
   * @param scope the one table the target names, or {@code null}
   * @param others the tables with status rows outside the scope
   */
  static String noStatus(String stateSchema, String scope, List<TableName> others) {
    String nl = System.lineSeparator();
    String where = stateSchema + ".cdc_relay_status";
    String what =
        others.isEmpty()
            ? "no status yet: no relay has recorded a batch in state schema "
                + stateSchema
                + " ("
                + where
                + " is absent or empty)"
            : "no status yet for "
                + scope
                + ": "
                + where
                + " has rows of other tables only ("
                + String.join(", ", others.stream().map(TableName::toString).toList())
                + ")";
    return what
        + "."
        + nl
        + "A relay records there every batch it applies into "
        + (scope == null ? "a table" : scope)
        + ". If one runs, it keeps its state in another schema: pass that as --state-schema (its"
        + " CRATEDB_STATE_SCHEMA); if none runs yet, start one (relay load, or the deployed"
        + " function)."
        + nl;
  }

  /** The dead letters by table and stage, with what to do with them; one line if there are none. */
  static String deadLetters(List<DeadLetterStore.Count> deadLetters, String stateSchema) {
    String nl = System.lineSeparator();
    long total = deadLetters.stream().mapToLong(DeadLetterStore.Count::count).sum();
    if (total == 0) {
      return "Dead letters: none" + nl;
    }
    StringBuilder stages = new StringBuilder();
    byStage(deadLetters)
        .forEach(
            (stage, count) ->
                stages.append(stages.isEmpty() ? "" : ", ").append(stage + ": " + count));
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"TARGET TABLE", "STAGE", "COUNT"});
    boolean noTable = false;
    for (DeadLetterStore.Count count : deadLetters) {
      noTable |= count.target().isEmpty();
      lines.add(
          new String[] {
            count.target().map(TableName::toString).orElse(DeadLetterFilter.NO_TABLE),
            count.stage(),
            Long.toString(count.count())
          });
    }
    return "Dead letters: "
        + total
        + " ("
        + stages
        + "), records the relay set aside:"
        + nl
        + aligned(lines)
        + (noTable
            ? "-: records that reached no table (undecodable, unroutable), kept in "
                + stateSchema
                + ".cdc_relay_dead_letters"
                + nl
            : "")
        + "relay dead-letters list TARGET says why; relay dead-letters replay TARGET applies them"
        + " again"
        + nl;
  }

  /** The rows (at least one) as an aligned text table, with how long ago each was last applied. */
  static String table(List<Target.Status> rows, Instant now) {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "TARGET TABLE",
          "SOURCE",
          "SHARD",
          "LAST SEQUENCE NUMBER",
          "NEWEST CHANGE",
          "APPLIED",
          "LAG",
          "RECEIVED",
          "UPSERTED",
          "DELETED",
          "EXPIRED",
          "DEAD",
          "REROUTED",
          "STALE"
        });
    for (Target.Status row : rows) {
      lines.add(
          new String[] {
            row.table().toString(),
            row.source(),
            row.shardId(),
            row.lastSequenceNumber(),
            row.newestChangeAt().toString(),
            human(Duration.between(row.appliedAt(), now)) + " ago",
            human(row.lag()),
            Long.toString(row.received()),
            Long.toString(row.upserted()),
            Long.toString(row.deleted()),
            Long.toString(row.expired()),
            Long.toString(row.deadLettered()),
            Long.toString(row.rerouted()),
            Long.toString(row.stale())
          });
    }
    return aligned(lines);
  }

  /** The lines as columns, each as wide as its widest value. */
  private static String aligned(List<String[]> lines) {
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        text.append(i == 0 ? "" : "  ");
        text.append(
            i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s", line[i]));
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }

  /** 850ms, 12s, 3m 4s, 5h 6m, 7d 8h. */
  static String human(Duration duration) {
    long ms = Math.max(0, duration.toMillis());
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86400 + "d " + s % 86400 / 3600 + "h";
  }
}
