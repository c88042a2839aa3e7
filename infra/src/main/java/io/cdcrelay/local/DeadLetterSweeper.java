package io.cdcrelay.local;

import io.cdcrelay.deadletter.DeadLetterRetention;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.JdbcTarget;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The dead-letter retention of the local relay: at start and then once an hour, on a daemon thread
 * and connections of its own, so that it never delays a batch.
 */
public final class DeadLetterSweeper implements AutoCloseable {

  private final ScheduledExecutorService scheduler;

  private DeadLetterSweeper(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Starts sweeping the target's dead letters with the configured retention. */
  public static DeadLetterSweeper start(
      FunctionConfig config, Supplier<String> password, Clock clock) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "dead-letter-retention");
              thread.setDaemon(true);
              return thread;
            });
    DeadLetterRetention retention = new DeadLetterRetention(config.deadLetterRetention(), clock);
    scheduler.scheduleWithFixedDelay(
        () -> {
          try (JdbcTarget writer = config.openTarget(password, clock)) {
            retention.applyIfDue(() -> config.openDeadLetters(writer, password));
          }
        },
        0,
        DeadLetterRetention.EVERY.toSeconds(),
        TimeUnit.SECONDS);
    return new DeadLetterSweeper(scheduler);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
