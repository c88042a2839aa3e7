package io.cdcrelay.cli;

import io.cdcrelay.snapshot.ExportLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.source.S3ExportUrl;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
              + " load fails (default 5m); kinesis+dynamodb+cdc:// or dynamodb+cdc:// source, or a"
              + " file: how long the target database or the stream's reads may fail without a"
              + " break (connecting, writing, reading; throttling does not count) before the relay"
              + " stops with exit 1, its checkpoints kept (default 5m with once=true or a file,"
              + " else no limit); 30s, 2h, ISO-8601")
  String giveUpAfter;

  @Option(
      names = "--table-options",
      paramLabel = "CLAUSES",
      description =
          "CrateDB clauses for each target table the relay or the load creates, e.g. 'CLUSTERED"
              + " INTO 12 SHARDS WITH (number_of_replicas = 1)'; PARTITIONED BY"
              + " (pk['tenant']) partitions by a key attribute (default: $CRATEDB_TABLE_OPTIONS)")
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
   * The options given that only a table load takes ({@code --restart}, and {@code --give-up-after}
   * unless the source is a stream), as a user wrote them; empty when none is.
   */
  java.util.List<String> tableLoadOnly(boolean streamSource) {
    java.util.List<String> given = new java.util.ArrayList<>();
    if (restart) {
      given.add("--restart");
    }
    if (giveUpAfter != null && !streamSource) {
      given.add("--give-up-after");
    }
    return given;
  }

  /**
   * How long the relay of a stream rides out a failing target database: {@code --give-up-after}
   * when given; else, with {@code once} (a job expected to end), the load's default; else for ever
   * (a long-running relay waits out an outage).
   *
   * @throws IllegalArgumentException when {@code --give-up-after} is not a duration
   */
  static Optional<Duration> streamGiveUpAfter(String giveUpAfter, boolean once) {
    if (giveUpAfter != null) {
      return Optional.of(SnapshotSettings.giveUpAfter(giveUpAfter));
    }
    return once ? Optional.of(SnapshotSettings.DEFAULT_GIVE_UP_AFTER) : Optional.empty();
  }

  /** {@link #streamGiveUpAfter(String, boolean)} of this command's {@code --give-up-after}. */
  Optional<Duration> streamGiveUpAfter(boolean once) {
    return streamGiveUpAfter(giveUpAfter, once);
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
