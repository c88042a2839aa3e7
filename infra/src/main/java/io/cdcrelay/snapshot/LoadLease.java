package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.JdbcCheckpoints;
import io.cdcrelay.local.RelayLease;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which process runs the full load of one source into one target table: a second {@code relay load}
 * of the same table into the same target, started while the first runs, would read and write every
 * item again beside it and move the same cursors. The lease is a {@link RelayLease} kept among the
 * state schema's checkpoints, as a stream relay's, under the id {@code load:SOURCE -> TARGET}:
 * taken before the load reads its cursors, said again by a thread of its own every few seconds (a
 * page paced by {@code rcu} may take longer than the lease lasts), given up at the end. A load
 * killed with {@code kill -9} holds it no longer than a stream relay does: the same command on the
 * same host takes it at once.
 */
final class LoadLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadLease.class);

  private final JdbcCheckpoints checkpoints;
  private final RelayLease lease;
  private final ScheduledExecutorService renewal;

  private LoadLease(JdbcCheckpoints checkpoints, RelayLease lease) {
    this.checkpoints = checkpoints;
    this.lease = lease;
    this.renewal =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "load-lease");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Takes the lease of the load of {@code source} (the table's ARN, or the export's location),
   * named {@code name} in messages, into {@code target}.
   *
   * @throws RelayLease.HeldException while another load of them runs
   */
  static LoadLease take(
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      String source,
      String name,
      TableName target,
      Clock clock) {
    String id = "load:" + source + " -> " + target;
    JdbcCheckpoints checkpoints =
        new JdbcCheckpoints(
            config.target(),
            password,
            stateSchema,
            List.of(),
            () -> id,
            id,
            clock,
            config.socketTimeoutSeconds());
    try {
      RelayLease lease =
          new RelayLease(checkpoints, RelayLease.Words.load(name + " into " + target), clock);
      lease.acquire();
      LoadLease taken = new LoadLease(checkpoints, lease);
      taken.renewal.scheduleWithFixedDelay(taken::renew, 2, 2, TimeUnit.SECONDS);
      return taken;
    } catch (RuntimeException e) {
      checkpoints.close();
      throw e;
    }
  }

  private void renew() {
    try {
      lease.renewIfDue();
    } catch (RelayLease.HeldException e) {
      // Taken over after this load could not say it runs for longer than the lease lasts: both
      // loads write the same rows, each dated by its read, so the table still converges.
      LOG.warn(
          "another load has taken this load's lease (it could not be renewed for {} s): both"
              + " write the same rows now, each dated by its read, so the table still converges",
          RelayLease.EXPIRY.toSeconds());
      renewal.shutdown();
    } catch (TargetUnavailableException e) {
      LOG.debug("could not renew the load's lease (tried again shortly): {}", e.getMessage());
    }
  }

  /** Gives the lease up; a target that does not answer then leaves it to expire. */
  @Override
  public void close() {
    renewal.shutdownNow();
    try {
      renewal.awaitTermination(5, TimeUnit.SECONDS);
      lease.release();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TargetUnavailableException e) {
      LOG.warn("the load's lease was not given up (it expires by itself): {}", e.getMessage());
    } finally {
      checkpoints.close();
    }
  }
}
