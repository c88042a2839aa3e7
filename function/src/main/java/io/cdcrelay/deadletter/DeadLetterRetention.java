package io.cdcrelay.deadletter;

import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.TableName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes dead letters that failed longer ago than the retention ({@code
 * CRATEDB_DEAD_LETTER_RETENTION}): at once for the {@code relay dead-letters} commands, and at most
 * once an hour for a relay that runs on (the function, the local relay), each run one query for the
 * dead-letter tables and one delete per table, on a connection of its own.
 */
public final class DeadLetterRetention {

  /** Two weeks: time to notice a dead letter, fix its cause and replay it. */
  public static final Duration DEFAULT = Duration.ofDays(14);

  /** How often a running relay applies it. */
  public static final Duration EVERY = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRetention.class);

  private final Duration retention;
  private final Clock clock;
  private Instant lastRun;

  /**
   * @param retention how long a dead letter is kept after it (last) failed
   */
  public DeadLetterRetention(Duration retention, Clock clock) {
    this.retention = retention;
    this.clock = clock;
  }

  /** Removes the expired dead letters now; how many, per dead-letter table. */
  public Map<TableName, Integer> apply(DeadLetterStore store) {
    Instant before = clock.instant().minus(retention);
    Map<TableName, Integer> removed = store.expire(before);
    removed.forEach(
        (table, count) ->
            LOG.info(
                "removed {} dead letters of {} that failed before {} (retention {})",
                count,
                table,
                before,
                retention));
    return removed;
  }

  /**
   * Removes the expired dead letters if the last run is an hour ago or more (or there was none); a
   * failure is logged and waits for the next run: it never fails a batch.
   *
   * @param stores opens a store for the run; it is closed after the run
   */
  public void applyIfDue(Supplier<DeadLetterStore> stores) {
    Instant now = clock.instant();
    if (lastRun != null && now.isBefore(lastRun.plus(EVERY))) {
      return;
    }
    lastRun = now;
    try (DeadLetterStore store = stores.get()) {
      apply(store);
    } catch (RuntimeException e) {
      LOG.warn("dead-letter retention not applied, next try in {}: {}", EVERY, e.getMessage());
    }
  }
}
