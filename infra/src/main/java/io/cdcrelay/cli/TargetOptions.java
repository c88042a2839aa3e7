package io.cdcrelay.cli;

import picocli.CommandLine.Option;

/** The target options shared by the commands that write to a database. */
final class TargetOptions extends RoutingOptions {

  @Option(
      names = "--table",
      paramLabel = "[SCHEMA.]TABLE",
      description =
          "Target table, when the URL does not name one (default: $CRATEDB_TABLE, $SINK_TABLE)")
  String table;

  @Override
  String targetTable() {
    return table;
  }
}
