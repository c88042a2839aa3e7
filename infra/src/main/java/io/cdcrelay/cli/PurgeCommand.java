package io.cdcrelay.cli;

import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.text.NearestName;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relay purge [TARGET] [--older-than D]}: moves the purge horizon of every {@code hard}
 * table in the state schema to now minus D and removes the tombstones before it. Changes older than
 * the horizon are refused from then on (dead letter {@code too-old}).
 */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description =
        "Removes the tombstones of hard deletes older than --older-than (default: the tombstone"
            + " retention, at least 1h) from the state schema, for the target's table when it names"
            + " one, else for every table in hard mode; older changes are refused from then on.")
final class PurgeCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  @Mixin TargetOptions target;

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      description =
          "8d, 36h, 90m, 600s or ISO-8601 (P8D) (default: $CRATEDB_TOMBSTONE_RETENTION, else 8d)")
  String olderThan;

  private final Map<String, String> processEnvironment;

  PurgeCommand() {
    this(ProcessEnvironment.get());
  }

  PurgeCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!target.configured(positionalTarget, processEnvironment, err)) {
      return 2;
    }
    if (target.embedded() && !EmbeddedTarget.holdsDatabase(target.embeddedDirectory)) {
      // No tombstones to purge, and starting the server would create a database.
      out.println(EmbeddedTarget.nothingRelayedYet(target.embeddedDirectory, "purge"));
      return 0;
    }
    // The embedded database's tables are those its loads wrote, not "demo" alone.
    target.demoTableWhenEmbedded = false;
    return EmbeddedTarget.runWith(target, err, embeddedUrl -> purge(embeddedUrl, out, err));
  }

  private int purge(String embeddedUrl, PrintWriter out, PrintWriter err) {
    FunctionConfig config;
    Duration age;
    try {
      config = FunctionConfig.fromEnvironment(target.environment(processEnvironment, embeddedUrl));
      age =
          olderThan == null
              ? config.settings().tombstoneRetention()
              : FunctionConfig.parseDuration("--older-than", olderThan);
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    }
    if (age.compareTo(Duration.ofHours(1)) < 0) {
      // As CRATEDB_TOMBSTONE_RETENTION: a horizon at (or past) now would refuse, for good, every
      // change the stream still delivers.
      err.println(
          "Bad configuration: --older-than="
              + olderThan
              + " is shorter than one hour: every change still in the stream would be refused");
      return 2;
    }
    TableRoutes routes = config.settings().routes();
    Clock clock = Clock.systemUTC();
    // Whole seconds: the horizon is read by people, and an earlier one purges no more.
    Instant horizon = clock.instant().minus(age).truncatedTo(ChronoUnit.SECONDS);
    try (JdbcTarget database = config.openTarget(config.passwordSource(clock), clock)) {
      // Read only: a purge of a database no relay wrote creates no state table there.
      Map<TableName, DeleteMode> bound = database.boundTablesIfAny();
      int tables = 0;
      for (Map.Entry<TableName, DeleteMode> entry : bound.entrySet()) {
        TableName table = entry.getKey();
        if (entry.getValue() != DeleteMode.HARD || !routes.scopes(table.schema(), table.table())) {
          continue;
        }
        database.advancePurgeHorizon(table, horizon);
        int purged = database.purgeTombstones(table, horizon);
        out.println(
            table + ": " + count(purged, "tombstone") + " older than " + horizon + " removed");
        tables++;
      }
      if (tables == 0 && routes.isSingleTable()) {
        return nothingToPurge(routes, bound, out, err);
      }
      if (tables == 0) {
        out.println("No relayed table deletes in hard mode: there are no tombstones to purge");
        return 0;
      }
      out.println(
          count(tables, "table") + " purged; changes created before " + horizon + " are refused");
      return 0;
    } catch (io.cdcrelay.sink.BadTargetException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    } catch (TargetUnavailableException e) {
      err.println("The target database failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The target URL names one table, and it is not purged: a table relayed in another delete mode
   * keeps no tombstones (exit 0); a table no relay has written, a typo most often, is said to be
   * one (exit 2), with the tables that were relayed.
   */
  private static int nothingToPurge(
      TableRoutes routes, Map<TableName, DeleteMode> bound, PrintWriter out, PrintWriter err) {
    for (Map.Entry<TableName, DeleteMode> entry : bound.entrySet()) {
      TableName table = entry.getKey();
      if (routes.scopes(table.schema(), table.table())) {
        out.println(
            table
                + " deletes in "
                + entry.getValue().label()
                + " mode: it keeps no tombstones, nothing to purge");
        return 0;
      }
    }
    String named = (routes.schema() == null ? "" : routes.schema() + ".") + routes.singleTable();
    // Closest first: a typo's table leads the list, however many tables the schema holds.
    List<String> relayed =
        bound.keySet().stream()
            .map(TableName::toString)
            .sorted(
                java.util.Comparator.comparingInt((String t) -> NearestName.distance(named, t))
                    .thenComparing(java.util.Comparator.naturalOrder()))
            .toList();
    err.println(
        "Bad configuration: the table "
            + named
            + " (named by the target or --table)"
            + ", which no relay or load has written in this target's state schema"
            + (relayed.isEmpty()
                ? " (it holds no table yet)"
                : " (it holds "
                    + String.join(", ", relayed.subList(0, Math.min(10, relayed.size())))
                    + (relayed.size() > 10 ? " and " + (relayed.size() - 10) + " more" : "")
                    + ", closest first)")
            + ": is the name right?"
            + NearestName.of(named, relayed).map(n -> " Did you mean " + n + "?").orElse(""));
    return 2;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
