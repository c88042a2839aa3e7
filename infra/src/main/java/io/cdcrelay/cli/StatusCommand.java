package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.failed.FailedBatchQueue;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.provision.MappingStatus;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code relay status [TARGET] [--json] [--function F] [--queue-url Q]}: how fresh each target
 * table is, from the state schema's status table that the function and the local relay write with
 * every batch — per source stream, shard and target table, the last record applied, the newest
 * change's creation time, when it was applied, the lag, and counts since the first batch — and,
 * when asked, what Lambda says of the function's event source mappings and how many messages its
 * on-failure queue holds. Each part is read on its own: a database that is down does not hide the
 * mapping's state.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Prints the status table: per source stream, shard and target table, the last record"
            + " applied, the newest change, when it was applied, the lag, and counts; with"
            + " --function the event source mappings' state and last result, with --queue-url the"
            + " on-failure queue's depth.")
final class StatusCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  @Mixin TargetOptions target;

  @Option(names = "--json", description = "One JSON object: tables, mappings, queue")
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
              + " region or AWS_REGION, the default credential chain)")
  String source;

  private final Map<String, String> processEnvironment;
  private final Clock clock;

  /** The exit code, the worst part's: 0 all read, 1 a service failed, 2 a bad configuration. */
  private int exit;

  StatusCommand() {
    this(System.getenv(), Clock.systemUTC());
  }

  StatusCommand(Map<String, String> processEnvironment, Clock clock) {
    this.processEnvironment = processEnvironment;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (positionalTarget != null) {
      target.target = positionalTarget;
    }
    if (!target.isConfigured(processEnvironment) || target.embedded()) {
      err.println("No target database: pass TARGET or --target, or set CRATEDB_SQLALCHEMY_URL.");
      return 2;
    }
    FunctionConfig config;
    Optional<SourceUrl> sourceUrl;
    try {
      config = FunctionConfig.fromEnvironment(target.environment(processEnvironment, null));
      sourceUrl = source == null ? Optional.empty() : Optional.of(SourceUrl.parse(source));
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return 2;
    }
    exit = 0;
    List<Target.Status> rows = null;
    try (JdbcTarget database = config.openTarget(config.passwordSource(clock), clock)) {
      TableRoutes routes = config.settings().routes();
      rows =
          database.status().stream()
              .filter(row -> routes.scopes(row.table().schema(), row.table().table()))
              .toList();
    } catch (BadTargetException e) {
      fail(err, 2, "Bad configuration: " + e.getMessage());
    } catch (TargetUnavailableException e) {
      fail(err, 1, "The target database failed: " + e.getMessage());
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
      out.print(json(rows, mappings, depth));
    } else {
      if (rows != null) {
        out.print(table(rows, clock.instant()));
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
      return MappingStatus.of(aws.lambda(), function);
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
   * milliseconds), and {@code event_source_mappings} and {@code on_failure_queue} when asked for; a
   * part that could not be read is {@code null}.
   */
  static String json(
      List<Target.Status> rows, List<MappingStatus> mappings, FailedBatchQueue.Depth depth) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode all = mapper.createObjectNode();
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
    return heading + aligned(lines);
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

  /** The rows as an aligned text table, with how long ago each was last applied. */
  static String table(List<Target.Status> rows, Instant now) {
    if (rows.isEmpty()) {
      return "no status yet: no batch has been applied with this state schema"
          + System.lineSeparator();
    }
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
