package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The target options shared by the commands that write to a database. */
final class TargetOptions {

  @Option(
      names = {"--target", "-t"},
      paramLabel = "URL",
      description =
          "Target database: crate://USER[:PASSWORD]@HOST[:PORT]/SCHEMA/TABLE[?ssl=true],"
              + " postgresql://…, jdbc:postgresql://…, or 'embedded' for a local PostgreSQL"
              + " (default: $CRATEDB_SQLALCHEMY_URL, $CRATEDB_CLUSTER_URL)")
  String target;

  @Option(
      names = "--table",
      paramLabel = "[SCHEMA.]TABLE",
      description = "Target table, when the URL does not name one (default: $CRATEDB_TABLE)")
  String table;

  @Option(
      names = "--embedded-dir",
      paramLabel = "DIR",
      description = "Where --target embedded keeps its database (default: ${DEFAULT-VALUE})",
      defaultValue = ".relay/embedded-postgres")
  Path embeddedDirectory;

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
      env.put(FunctionConfig.URL_VARIABLES.get(0), url);
    }
    if (table != null) {
      env.put(FunctionConfig.TABLE, table);
    } else if (embedded() && !env.containsKey(FunctionConfig.TABLE)) {
      env.put(FunctionConfig.TABLE, "demo");
    }
    return env;
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
