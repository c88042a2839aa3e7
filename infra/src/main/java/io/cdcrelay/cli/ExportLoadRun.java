package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.ExportLoad;
import io.cdcrelay.snapshot.S3ExportFiles;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.snapshot.SourceReadException;
import io.cdcrelay.snapshot.TableDescription;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.source.S3ExportUrl;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code relay load s3://…/AWSDynamoDB/EXPORT_ID/}: a full load from a DynamoDB export in S3, its
 * summary on standard output; exit code 0 when every data file is loaded, 1 when the load is short
 * (with the files not done and why), 2 when it is refused before any row is written (an export
 * older than its table's purge horizon), 130 when stopped by SIGINT or SIGTERM before the end.
 */
final class ExportLoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(ExportLoadRun.class);

  private final ExportLoad.Settings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final Supplier<Relay> relays;
  private final StopSignal stop;
  private final Clock clock;

  ExportLoadRun(
      ExportLoad.Settings settings,
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      Supplier<Relay> relays,
      StopSignal stop,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.password = password;
    this.stateSchema = stateSchema;
    this.relays = relays;
    this.stop = stop;
    this.clock = clock;
  }

  int run(PrintStream err) throws InterruptedException {
    S3ExportUrl url = settings.source();
    LOG.info("loading {} into {}", url, config.settings().routes());
    try (S3ExportFiles files = S3ExportFiles.from(url)) {
      SnapshotLoad.Result result =
          new ExportLoad(
                  settings,
                  config,
                  password,
                  stateSchema,
                  files,
                  table -> describe(url, table),
                  relays,
                  System.console() != null ? System.out : null,
                  stop,
                  clock)
              .run();
      (result.status() == SnapshotLoad.Status.REFUSED ? err : System.out).println(result.summary());
      return TableLoadRun.exitCode(result);
    } catch (SourceReadException e) {
      err.println(e.getMessage());
      return e instanceof ExportLoad.NotLoadable ? 2 : 1;
    } catch (TargetUnavailableException e) {
      err.println("The target database failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * {@code DescribeTable} with the export URL's credentials, region and endpoint (an emulator
   * serving S3 and DynamoDB on one port).
   */
  static TableDescription describe(S3ExportUrl url, String table) {
    String name = table.startsWith("arn:") ? table.substring(table.lastIndexOf('/') + 1) : table;
    String region = url.region();
    if (table.startsWith("arn:")) {
      String[] parts = table.split(":");
      region = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : region;
    }
    DynamoDbTableUrl dynamoDb =
        new DynamoDbTableUrl(
            name,
            table.startsWith("arn:") ? Optional.of(table) : Optional.empty(),
            url.accessKey(),
            url.secretKey(),
            url.endpoint(),
            region,
            100,
            false,
            1,
            OptionalInt.empty());
    try (DynamoDbTableSource source = DynamoDbTableSource.from(dynamoDb)) {
      return source.describe();
    }
  }
}
