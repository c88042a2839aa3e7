package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The steps a Scan load ({@link SnapshotLoad}) and an export load ({@link ExportLoad}) take alike
 * around their reading: the target table made ready, the load's cursors opened, its end recorded.
 */
final class LoadSteps {

  private LoadSteps() {}

  /**
   * The one sentence of a step that kept failing past {@code --give-up-after}, in a stream relay's
   * words ({@link OutageLimit.GaveUp#message()}): that the target database could not be reached
   * only when the last error was a connection failure, else that the step gave up; how long it
   * failed, the limit, the step and its last error.
   *
   * @param beganNanos when the step's first attempt began ({@link System#nanoTime()})
   */
  static String gaveUp(String step, Duration limit, long beganNanos, RuntimeException last) {
    boolean unreachable =
        last instanceof TargetUnavailableException target
            ? target.unreachable()
            : last instanceof BatchNotApplied batch && batch.unreachable();
    return new OutageLimit.GaveUp(
            Duration.ofNanos(System.nanoTime() - beganNanos),
            limit,
            step,
            String.valueOf(last.getMessage()),
            unreachable)
        .message();
  }

  /**
   * Fails when an earlier load's cursors count rows applied, but the target table was created by
   * this run (dropped meanwhile, to change its shards, say): resumed, the load would read on from
   * its cursors and end short of every row applied before, reporting success.
   *
   * @param source what the earlier load loaded, as its messages name it
   */
  static void requireEarlierRows(
      TargetTable.Prepared prepared, Optional<SnapshotCursors.Load> earlier, String source) {
    if (prepared.created() && earlier.isPresent() && earlier.get().items() > 0) {
      throw new io.cdcrelay.sink.BadTargetException(
          "an earlier load of "
              + source
              + " into "
              + prepared.name()
              + " begun at "
              + earlier.get().startedAt()
              + " applied "
              + io.cdcrelay.text.Count.of(earlier.get().items(), "item")
              + ", but the table did not exist (dropped since?) and was created again empty:"
              + " load it anew with --restart");
    }
  }

  /**
   * Creates, binds and checks the target table of the described DynamoDB table; returns it with its
   * binding.
   */
  static TargetTable.Prepared prepareTarget(
      FunctionConfig config,
      Supplier<String> password,
      Clock clock,
      TableDescription table,
      Optional<String> tableOptions) {
    try (JdbcTarget writer = config.openTarget(password, clock)) {
      return prepareTarget(config, password, writer, table, tableOptions);
    }
  }

  /** {@link #prepareTarget} through {@code writer}, a target the caller opened and closes. */
  static TargetTable.Prepared prepareTarget(
      FunctionConfig config,
      Supplier<String> password,
      JdbcTarget writer,
      TableDescription table,
      Optional<String> tableOptions) {
    return TargetTable.prepare(
        config.settings(),
        writer,
        config.target(),
        password,
        config.socketTimeoutSeconds(),
        table,
        tableOptions);
  }

  /**
   * The cursors of the load of {@code source} into {@code target}, kept in the state schema.
   *
   * @param source what is loaded: the table's ARN, or the export's location
   */
  static SnapshotCursors openCursors(
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      String source,
      TableName target,
      Clock clock) {
    return new SnapshotCursors(
        config.target(),
        password,
        stateSchema,
        source,
        target.toString(),
        clock,
        config.socketTimeoutSeconds());
  }

  /**
   * Records that the load is complete; a target that does not answer then costs only the record, so
   * it is a warning on {@code log} (the loading class's logger), not a failure.
   */
  static void recordEnd(
      SnapshotCursors cursors, SnapshotCursors.Load load, long items, Logger log) {
    try {
      cursors.finish(load, items);
    } catch (TargetUnavailableException e) {
      log.warn("the load is complete, but its end was not recorded: {}", e.getMessage());
    }
  }
}
