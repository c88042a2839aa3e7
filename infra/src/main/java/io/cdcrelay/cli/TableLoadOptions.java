package io.cdcrelay.cli;

import io.cdcrelay.snapshot.ExportLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.source.S3ExportUrl;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of a full load of a DynamoDB table ({@code load dynamodb://…}). */
final class TableLoadOptions {

  @Option(
      names = "--restart",
      description =
          "dynamodb:// or s3:// source: start every segment (data file) over instead of resuming"
              + " an earlier run")
  boolean restart;

  @Option(
      names = "--give-up-after",
      paramLabel = "DURATION",
      description =
          "dynamodb:// or s3:// source: how long a failing read or write is retried before the"
              + " load fails"
              + " (default 5m; 30s, 2h, ISO-8601)")
  String giveUpAfter;

  @Option(
      names = "--table-options",
      paramLabel = "CLAUSES",
      description =
          "CrateDB clauses for a target table the load creates, e.g. 'CLUSTERED INTO 12 SHARDS"
              + " WITH (number_of_replicas = 1)' (default: $CRATEDB_TABLE_OPTIONS)")
  String tableOptions;

  @Option(
      names = "--snapshot",
      paramLabel = "dynamodb://…|s3://…/AWSDynamoDB/EXPORT_ID/",
      description =
          "kinesis+dynamodb+cdc:// or dynamodb+cdc:// source: load this table's existing items"
              + " while the stream is relayed (the handover), by a Scan (dynamodb://…/TABLE) or"
              + " from an export to S3 (s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/, the options of"
              + " an s3:// source); an export must be younger than the stream's retention less an"
              + " hour")
  String snapshot;

  /**
   * The options given that only a table load takes ({@code --restart}, {@code --give-up-after},
   * {@code --table-options}), as a user wrote them; empty when none is.
   */
  java.util.List<String> tableLoadOnly() {
    java.util.List<String> given = new java.util.ArrayList<>();
    if (restart) {
      given.add("--restart");
    }
    if (giveUpAfter != null) {
      given.add("--give-up-after");
    }
    if (tableOptions != null) {
      given.add("--table-options");
    }
    return given;
  }

  /** The validated settings of a load from the export {@code export}. */
  ExportLoad.Settings settings(S3ExportUrl export, Map<String, String> env) {
    return ExportLoad.Settings.of(export, restart, giveUpAfter, tableOptions, env);
  }

  /** The validated settings of a load of {@code table}. */
  SnapshotSettings settings(DynamoDbTableUrl table, Map<String, String> env) {
    return SnapshotSettings.of(table, restart, giveUpAfter, tableOptions, env);
  }
}
