package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How changes are routed and applied: the DynamoDB tables taken, their target tables, and what a
 * delete and an expiry do. The options of the commands that relay changes ({@link RoutingOptions})
 * and of {@code relay dead-letters replay}, which relays its letters again.
 */
final class RouteOptions {

  @Option(
      names = "--tables",
      paramLabel = "T1,T2",
      description = "Only these DynamoDB tables; the others are skipped (default: $CRATEDB_TABLES)")
  String tables;

  @Option(
      names = "--table-map",
      paramLabel = "SRC=[SCHEMA.]TABLE,…",
      description =
          "Explicit routes, e.g. orders=sales.orders,users=crm.users (default:"
              + " $CRATEDB_TABLE_MAP)")
  String tableMap;

  @Option(
      names = "--source-table",
      paramLabel = "DYNAMODB_TABLE",
      description =
          "The one DynamoDB table a single target table takes (default: $CRATEDB_SOURCE_TABLE)")
  String sourceTable;

  @Option(
      names = "--deletes",
      paramLabel = "hard|soft",
      description =
          "hard: deleted items leave the table; soft: flagged (default: $CRATEDB_DELETES, hard)")
  String deletes;

  @Option(
      names = "--ttl-deletes",
      paramLabel = "same|keep|mark",
      description = "What an expiry by time to live does (default: $CRATEDB_TTL_DELETES, same)")
  String ttlDeletes;

  /**
   * Lays the options given over {@code env}, as the variables they stand for.
   *
   * @throws IllegalArgumentException for a bad {@code --deletes} or {@code --ttl-deletes}, named as
   *     typed
   */
  void putInto(Map<String, String> env) {
    ConnectionOptions.putIfGiven(env, FunctionConfig.TABLES, tables);
    ConnectionOptions.putIfGiven(env, FunctionConfig.TABLE_MAP, tableMap);
    ConnectionOptions.putIfGiven(env, FunctionConfig.SOURCE_TABLE, sourceTable);
    // Bad values are named as typed, not as the variable the option stands for.
    if (deletes != null) {
      io.cdcrelay.route.DeleteMode.parse("--deletes", deletes);
    }
    if (ttlDeletes != null) {
      io.cdcrelay.route.TtlPolicy.parse("--ttl-deletes", ttlDeletes);
    }
    ConnectionOptions.putIfGiven(env, FunctionConfig.DELETES, deletes);
    ConnectionOptions.putIfGiven(env, FunctionConfig.TTL_DELETES, ttlDeletes);
  }
}
