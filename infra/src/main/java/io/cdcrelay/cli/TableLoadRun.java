package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.snapshot.SourceReadException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code relay load dynamodb://…}: a full load of the table, its summary on standard output; exit
 * code 0 when the table is loaded, 3 when loaded but for items set aside as dead letters, 1 when it
 * failed (with how far each segment got), 130 when stopped by SIGINT or SIGTERM before the end.
 */
final class TableLoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(TableLoadRun.class);

  /** The exit code of a load stopped by a signal before the end. */
  static final int STOPPED = 130;

  /**
   * The exit code of a load that read every item and set some aside as dead letters: the table
   * lacks them, which a script must not take for success.
   */
  static final int DEAD_LETTERED = 3;

  /**
   * The exit code of a load's result: as its status says, {@link #DEAD_LETTERED} if it set any
   * aside.
   */
  static int exitCode(SnapshotLoad.Result result) {
    int code = exitCode(result.status());
    return code == 0 && result.deadLettered() > 0 ? DEAD_LETTERED : code;
  }

  /**
   * The exit code of a load that ended so: 0 done, 1 failed (short), 2 refused before it began, 130
   * stopped.
   */
  static int exitCode(SnapshotLoad.Status status) {
    return switch (status) {
      case DONE -> 0;
      case FAILED -> 1;
      case STOPPED -> STOPPED;
      case REFUSED -> 2;
    };
  }

  private final SnapshotSettings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final Supplier<Relay> relays;
  private final StopSignal stop;
  private final Clock clock;

  TableLoadRun(
      SnapshotSettings settings,
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
    LOG.info("loading {} into {}", settings.source(), config.settings().routes());
    try (DynamoDbTableSource source = DynamoDbTableSource.from(settings.source())) {
      SnapshotLoad.Result result =
          new SnapshotLoad(
                  settings,
                  config,
                  password,
                  stateSchema,
                  source,
                  relays,
                  System.console() != null ? System.out : null,
                  stop,
                  clock)
              .run();
      System.out.println(result.summary());
      return exitCode(result);
    } catch (SourceReadException e) {
      err.println(e.getMessage());
      return 1;
    } catch (TargetUnavailableException e) {
      err.println("The target database failed: " + e.getMessage());
      return 1;
    }
  }
}
