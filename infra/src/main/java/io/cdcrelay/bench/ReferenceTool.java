package io.cdcrelay.bench;

import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.Installs;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The reference tool ({@code ctk load} of cratedb-toolkit) as its users run it: installed on first
 * use, writing to CrateDB only, one run timed from process start to exit; what keeps it from
 * running is a skipped row of the table.
 */
final class ReferenceTool {

  private final BenchTarget target;
  private final Path tools;
  private final Path bin;

  private ReferenceTool(BenchTarget target, Path tools, Path bin) {
    this.target = target;
    this.tools = tools;
    this.bin = bin;
  }

  /**
   * The tool, installed into {@code tools}; empty, with the row {@code name} of {@code part}
   * skipped, when the target is not CrateDB or the tool cannot be installed.
   */
  static Optional<ReferenceTool> install(
      BenchTarget target, Path tools, ResultTable table, String part, String name) {
    if (!target.isCrateDb()) {
      table.skip(part, name, "the reference tool writes to CrateDB only: set CRATEDB_URL");
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ReferenceTool(
              target, tools, Installs.pythonVenv(tools, "ctk", Installs.REFERENCE_TOOL)));
    } catch (Installs.UnavailableException e) {
      table.skip(part, name, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Runs {@code ctk load source} into {@code refTable} of the schema {@code bench}: the seconds it
   * took; empty, with the row skipped and the end of the tool's output as the reason, when it
   * exited with another code than 0.
   */
  OptionalDouble load(String source, String refTable, ResultTable table, String part, String name) {
    String crate =
        "crate://crate@"
            + target.httpSql().orElseThrow().getHost()
            + ":4200/"
            + BenchTarget.SCHEMA
            + "/"
            + refTable;
    long start = System.nanoTime();
    Command.Result result =
        Command.run(
            // 0.1.x: "ctk load SOURCE_URL", the target from CRATEDB_CLUSTER_URL.
            List.of(bin.resolve("ctk").toString(), "load", source),
            tools.toAbsolutePath(),
            Map.of("CRATEDB_CLUSTER_URL", crate),
            Duration.ofMinutes(20));
    double seconds = (System.nanoTime() - start) / 1e9;
    if (result.exitCode() != 0) {
      table.skip(part, name, failure(result));
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(seconds);
  }

  /** Why a run failed: its exit code and the last 200 characters of its output, on one line. */
  static String failure(Command.Result result) {
    String output = result.output().strip();
    return "ctk exited "
        + result.exitCode()
        + ": "
        + output.substring(Math.max(0, output.length() - 200)).replace('\n', ' ');
  }

  /** The rows the tool wrote into {@code refTable}. */
  long rows(String refTable) throws SQLException {
    return target.rows(refTable);
  }
}
