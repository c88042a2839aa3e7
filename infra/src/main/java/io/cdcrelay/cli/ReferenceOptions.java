package io.cdcrelay.cli;

import io.cdcrelay.route.TableRoutes;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the reference tool's {@code ctk load table} that a user switching may still pass:
 * taken where they mean what they meant there, refused with one sentence where this relay has no
 * such thing — never silently ignored where ignoring would change what lands where.
 */
final class ReferenceOptions {

  /** slf4j-simple's level for the relay's own loggers, read once when the first one is made. */
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.cdcrelay";

  @Option(
      names = "--verbose",
      description = "The reference tool's flag: this relay logs its work by default")
  boolean verbose;

  @Option(
      names = "--debug",
      description = "Log the relay's own work at debug level (read before the command starts)")
  boolean debug;

  @Option(
      names = "--schema",
      paramLabel = "SCHEMA",
      description =
          "The reference tool's target schema: must be the schema the target URL or --table"
              + " names; with a --table of no schema, its schema")
  String schema;

  @Option(
      names = "--cluster-id",
      paramLabel = "ID",
      description = "The reference tool's CrateDB Cloud cluster: give its URL instead")
  String clusterId;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "The reference tool's CrateDB Cloud cluster: give its URL instead")
  String clusterName;

  @Option(
      names = "--transformation",
      paramLabel = "FILE",
      description = "The reference tool's Tikray recipe: not supported (refused)")
  String transformation;

  @Option(
      names = {"--format", "--compression"},
      paramLabel = "VALUE",
      description = "The reference tool's file options: not supported (refused)")
  String fileOption;

  /**
   * What this relay cannot do of the options given, as one sentence; empty when it can. {@code
   * targetConfigured} says whether a target URL is given (the reference then ignores a cluster id).
   */
  Optional<String> refusal(boolean targetConfigured, Map<String, String> environment) {
    if (transformation != null) {
      return Optional.of(
          "--transformation (the reference tool's Tikray recipe) is not supported: this relay"
              + " writes the reference's default layout (pk, data, aux); transform in SQL"
              + " afterwards, e.g. a view over the target table.");
    }
    if (fileOption != null) {
      return Optional.of(
          "--format and --compression are not supported: a dump is read as NDJSON, one change"
              + " per line.");
    }
    if (!targetConfigured) {
      String cloud =
          clusterId != null
              ? "--cluster-id"
              : clusterName != null
                  ? "--cluster-name"
                  : environment.containsKey("CRATEDB_CLUSTER_ID")
                      ? "CRATEDB_CLUSTER_ID"
                      : environment.containsKey("CRATEDB_CLUSTER_NAME")
                          ? "CRATEDB_CLUSTER_NAME"
                          : null;
      if (cloud != null) {
        return Optional.of(
            cloud
                + " (a CrateDB Cloud cluster the reference tool looks up) is not resolved by this"
                + " relay: give the cluster's URL as TARGET, --target or CRATEDB_CLUSTER_URL"
                + " (crate://USER:PASSWORD@HOST:4200/SCHEMA/TABLE?ssl=true).");
      }
    }
    return Optional.empty();
  }

  /**
   * {@code --table} with {@code --schema} laid over it: a table without a schema takes it, one in
   * another schema is refused.
   *
   * @throws IllegalArgumentException when {@code --table} names another schema
   */
  String table(String table) {
    if (schema == null || table == null) {
      return table;
    }
    TableRoutes.QualifiedName name = TableRoutes.QualifiedName.parse("--table", table);
    if (name.schema() == null) {
      return new TableRoutes.QualifiedName(schema, name.table()).toString();
    }
    if (!name.schema().equals(schema)) {
      throw new IllegalArgumentException(
          "--schema " + schema + " and --table " + table + " name two schemas: give one");
    }
    return table;
  }

  /**
   * Whether {@code --schema} agrees with where the routes write: their schema, when they name one.
   *
   * @throws IllegalArgumentException naming both schemas when they differ, or when the routes name
   *     none (the database's default, which the reference would not have taken either)
   */
  void check(TableRoutes routes) {
    if (schema == null) {
      return;
    }
    if (routes.schema() == null) {
      throw new IllegalArgumentException(
          "--schema "
              + schema
              + ": the target names no schema; name it in the URL (…/"
              + schema
              + "/TABLE) or as --table "
              + schema
              + ".TABLE");
    }
    if (!routes.schema().equals(schema)) {
      throw new IllegalArgumentException(
          "--schema "
              + schema
              + " differs from the target's schema "
              + routes.schema()
              + ": the reference tool writes where its URL says; drop --schema or change the URL");
    }
  }
}
