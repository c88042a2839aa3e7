package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Target;
import io.cdcrelay.sink.TargetUnavailableException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relay status [TARGET] [--json]}: how fresh each target table is, from the state schema's
 * status table that the function and the local relay write with every batch — per source stream,
 * shard and target table, the last record applied, the newest change's creation time, when it was
 * applied, the lag, and counts since the first batch.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Prints the status table: per source stream, shard and target table, the last record"
            + " applied, the newest change, when it was applied, the lag, and counts.")
final class StatusCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  @Mixin TargetOptions target;

  @Option(names = "--json", description = "One JSON object per row, in an array")
  boolean json;

  private final Map<String, String> processEnvironment;
  private final Clock clock;

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
    try {
      config = FunctionConfig.fromEnvironment(target.environment(processEnvironment, null));
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    }
    List<Target.Status> rows;
    try (JdbcTarget database = config.openTarget(config.passwordSource(clock), clock)) {
      rows = database.status();
    } catch (BadTargetException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    } catch (TargetUnavailableException e) {
      err.println("The target database failed: " + e.getMessage());
      return 1;
    }
    out.print(json ? json(rows) : table(rows, clock.instant()));
    out.flush();
    return 0;
  }

  /** The rows as JSON, times as ISO-8601 and the lag in milliseconds. */
  static String json(List<Target.Status> rows) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
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
    return array.toPrettyString() + System.lineSeparator();
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
