package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The target table of a load made ready ({@link TargetTable#prepare}) in a thread of its own, while
 * the load takes its lease, reads its cursors and reads its first pages: {@code CREATE TABLE} alone
 * took CrateDB 6.4.3 50–120 ms on two cores, and the steps beside it about as long again. The
 * table's name is routed first, in the caller's thread, so that the lease and the cursors can name
 * it; a route that is refused is thrown there.
 */
final class TargetPreparation {

  private final TableName name;
  private final CompletableFuture<TargetTable.Prepared> prepared;

  private TargetPreparation(TableName name, CompletableFuture<TargetTable.Prepared> prepared) {
    this.name = name;
    this.prepared = prepared;
  }

  /** Routes the described table to its target table, and begins making that ready. */
  static TargetPreparation start(
      FunctionConfig config,
      Supplier<String> password,
      Clock clock,
      TableDescription table,
      Optional<String> tableOptions) {
    JdbcTarget writer = config.openTarget(password, clock);
    TableName name;
    try {
      name = TargetTable.route(config.settings(), writer, table.name());
    } catch (RuntimeException | Error e) {
      writer.close();
      throw e;
    }
    CompletableFuture<TargetTable.Prepared> prepared = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try (writer) {
                prepared.complete(
                    LoadSteps.prepareTarget(config, password, writer, table, tableOptions));
              } catch (RuntimeException | Error e) {
                prepared.completeExceptionally(e);
              }
            },
            "load-prepare");
    thread.setDaemon(true);
    thread.start();
    return new TargetPreparation(name, prepared);
  }

  /** The target table, as routed. */
  TableName name() {
    return name;
  }

  /** Completes when the table is ready, or with the failure that made it not. */
  CompletableFuture<TargetTable.Prepared> future() {
    return prepared;
  }

  /** Waits until the table is ready; the failure that made it not is thrown here, as it was. */
  TargetTable.Prepared await() throws InterruptedException {
    try {
      return prepared.get();
    } catch (ExecutionException e) {
      throw unwrapped(e.getCause());
    }
  }

  /** Waits until the preparation has ended; its failure, if any. */
  Optional<RuntimeException> awaitFailure() throws InterruptedException {
    try {
      prepared.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(unwrapped(e.getCause()));
    }
  }

  /** The failure of a step that ran in another thread, as that thread threw it. */
  static RuntimeException unwrapped(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }
}
