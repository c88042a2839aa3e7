package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that name a target database and the relay's state in it, shared by the commands that
 * work on one; those that relay changes route them too ({@link RoutingOptions}), and a target table
 * is an option of its own ({@link TargetOptions} adds {@code --table}; the dead-letter commands
 * take {@code --table} as a filter instead).
 */
class ConnectionOptions {

  @Option(
      names = {"--target", "-t"},
      paramLabel = "URL",
      description =
          "Target database: crate://USER[:PASSWORD]@HOST[:PORT]/SCHEMA/TABLE[?ssl=true],"
              + " postgresql://…, jdbc:postgresql://…, or 'embedded' for a local PostgreSQL"
              + " (default: $CRATEDB_SQLALCHEMY_URL, $CRATEDB_CLUSTER_URL, $SINK_SQLALCHEMY_URL)")
  String target;

  @Option(
      names = "--state-schema",
      paramLabel = "SCHEMA",
      description =
          "Schema of the relay's own tables (default: $CRATEDB_STATE_SCHEMA, else the target's)")
  String stateSchema;

  @Option(
      names = "--embedded-dir",
      paramLabel = "DIR",
      description = "Where --target embedded keeps its database (default: ${DEFAULT-VALUE})",
      defaultValue = ".relay/embedded-postgres")
  Path embeddedDirectory;

  /**
   * Whether {@code --target embedded} without a table writes into table {@code demo}, as a load
   * does; the commands that read what loads wrote route by schema instead.
   */
  boolean demoTableWhenEmbedded = true;

  /**
   * How changes are routed, for the commands that relay them ({@link RoutingOptions}, {@code relay
   * dead-letters replay}); {@code null} for those that route nothing.
   */
  RouteOptions routes;

  /** Whether the user asked for the embedded PostgreSQL. */
  boolean embedded() {
    return "embedded".equals(target);
  }

  /**
   * The environment the relay core reads its settings from: the process environment with the
   * options laid over it.
   */
  Map<String, String> environment(Map<String, String> processEnvironment, String embeddedUrl) {
    Map<String, String> env = new HashMap<>(processEnvironment);
    String url = embedded() ? embeddedUrl : target;
    if (url != null) {
      for (String variable : FunctionConfig.URL_VARIABLES) {
        env.remove(variable);
      }
      env.put(
          target != null ? FunctionConfig.COMMAND_LINE_URL : FunctionConfig.URL_VARIABLES.get(0),
          url);
    }
    if (routes != null) {
      routes.putInto(env);
    }
    putIfGiven(env, FunctionConfig.STATE_SCHEMA, stateSchema);
    String table = targetTable();
    if (table != null) {
      env.put(FunctionConfig.TABLE, table);
    } else if (demoTableWhenEmbedded && embedded() && FunctionConfig.namedTable(env) == null) {
      env.put(FunctionConfig.TABLE, "demo");
    }
    return env;
  }

  /** The target table given as an option, if any. */
  String targetTable() {
    return null;
  }

  static void putIfGiven(Map<String, String> env, String variable, String value) {
    if (value != null) {
      env.put(variable, value);
    }
  }

  /** The sentence of a command that has no target database to work on. */
  static final String NO_TARGET =
      "No target database: pass TARGET or --target, or set CRATEDB_SQLALCHEMY_URL.";

  /**
   * Takes the command's positional {@code TARGET} (when given) as {@code --target}, and whether any
   * target is configured then; when none is, says so on {@code err}.
   */
  boolean configured(
      String positionalTarget, Map<String, String> processEnvironment, java.io.PrintWriter err) {
    if (positionalTarget != null) {
      target = positionalTarget;
    }
    if (isConfigured(processEnvironment)) {
      return true;
    }
    err.println(NO_TARGET);
    return false;
  }

  /** Whether any target is configured at all. */
  boolean isConfigured(Map<String, String> processEnvironment) {
    if (target != null) {
      return true;
    }
    for (String variable : FunctionConfig.URL_VARIABLES) {
      String value = processEnvironment.get(variable);
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return false;
  }
}
