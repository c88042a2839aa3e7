package io.cdcrelay.cli;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.ExportLoad;
import io.cdcrelay.snapshot.ExportManifest;
import io.cdcrelay.snapshot.Handover;
import io.cdcrelay.snapshot.S3ExportFiles;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.snapshot.SourceReadException;
import io.cdcrelay.snapshot.TableDescription;
import io.cdcrelay.source.S3ExportUrl;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code relay load table 'kinesis+dynamodb+cdc://…' --snapshot 'dynamodb://…'} (or {@code
 * --snapshot 's3://…/AWSDynamoDB/EXPORT_ID/'}): the table's existing items are loaded, by a Scan or
 * from an export to S3, while its stream is relayed. Convergent by construction: the stream is read
 * from at or before the snapshot's point in time (its checkpoints, or {@code start=earliest}), and
 * every snapshot row carries a version below every change the stream still delivers, so whatever
 * the interleaving the version guard keeps each item at its newest state. Refused at once when the
 * stream cannot hold every change since the snapshot's point in time until the relay reads it.
 */
final class HandoverRun {

  private static final Logger LOG = LoggerFactory.getLogger(HandoverRun.class);

  /**
   * The stream relay, run in the foreground; returns its exit code. It runs {@code checked} once it
   * has passed what could refuse it (its lease, the destination of its checkpoints): the load waits
   * for that, so that a refused relay leaves nothing of a load behind.
   */
  interface StreamRun {
    int run(Runnable checked) throws InterruptedException;
  }

  /** A snapshot of the table loaded beside the stream: its source opened, closed at the end. */
  interface Snapshot extends AutoCloseable {

    /**
     * Why the stream {@code stream}, of the facts {@code facts}, cannot take over from this
     * snapshot, if it cannot: one sentence. Reads what the decision needs (DescribeTable, the
     * manifests); a failure to read is a {@link SourceReadException}.
     */
    Optional<String> refusal(String stream, StreamFacts facts);

    /** Loads the snapshot. */
    SnapshotLoad.Result load() throws InterruptedException;

    @Override
    void close();
  }

  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final Supplier<Relay> relays;
  private final StopSignal stop;
  private final Clock clock;

  HandoverRun(
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      Supplier<Relay> relays,
      StopSignal stop,
      Clock clock) {
    this.config = config;
    this.password = password;
    this.stateSchema = stateSchema;
    this.relays = relays;
    this.stop = stop;
    this.clock = clock;
  }

  /**
   * How long a relay that failed with an unmapped error waits for the load beside it to stop
   * (finishing what it handed over) before the run ends and closes the snapshot's source.
   */
  static final Duration LOADER_STOP_WAIT = Duration.ofMinutes(2);

  private Duration loaderStopWait = LOADER_STOP_WAIT;

  /** As {@link #LOADER_STOP_WAIT}, shorter for a test. */
  HandoverRun loaderStopWait(Duration wait) {
    this.loaderStopWait = wait;
    return this;
  }

  /**
   * Waits at most {@link #loaderStopWait} for the stopped loader; whether it ended (if not, says
   * so).
   */
  private boolean awaitStopped(Thread loader) {
    try {
      loader.join(Math.max(1, loaderStopWait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (loader.isAlive()) {
      LOG.warn(
          "the snapshot load did not stop within {} s of the relay's failure",
          loaderStopWait.toSeconds());
      return false;
    }
    return true;
  }

  /**
   * The summary of a load the failed relay stopped, if it got to one: not what to resume, the
   * relay's failure is.
   */
  private static void reportStoppedByTheRelay(SnapshotLoad.Result loaded) {
    // A load done was reported when it ended.
    if (loaded != null && loaded.status() != SnapshotLoad.Status.DONE) {
      System.out.println(loaded.stoppedByTheRelay().summary());
    }
  }

  /**
   * A Scan of the table ({@code dynamodb://}), refused when it is projected to outlast the stream.
   */
  Snapshot scan(SnapshotSettings settings) {
    DynamoDbTableSource source = DynamoDbTableSource.from(settings.source());
    return new Snapshot() {
      @Override
      public Optional<String> refusal(String stream, StreamFacts facts) {
        TableDescription table = source.describe();
        Optional<String> other =
            facts.table().flatMap(t -> Handover.otherTable(t, table.name(), table.arn()));
        if (other.isPresent()) {
          return other;
        }
        return Handover.refusal(
            stream,
            facts.retention(),
            table,
            settings.source().rcu(),
            settings.source().consistentRead());
      }

      @Override
      public SnapshotLoad.Result load() throws InterruptedException {
        return new SnapshotLoad(
                settings, config, password, stateSchema, source, relays, null, stop, clock)
            .run();
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  /**
   * An export to S3 ({@code s3://…/AWSDynamoDB/EXPORT_ID/}), its manifests read once; refused when
   * the stream may no longer hold the changes since the export's time, or was created after it.
   */
  Snapshot export(ExportLoad.Settings settings) {
    S3ExportUrl url = settings.source();
    S3ExportFiles files = S3ExportFiles.from(url);
    ExportLoad load =
        new ExportLoad(
            settings,
            config,
            password,
            stateSchema,
            files,
            table -> ExportLoadRun.describe(url, table),
            relays,
            null,
            stop,
            clock);
    return new Snapshot() {
      @Override
      public Optional<String> refusal(String stream, StreamFacts facts) {
        // Stopped before the manifests were read: the load says so.
        Optional<ExportManifest> manifest = load.manifest();
        Optional<String> other =
            manifest.flatMap(
                m ->
                    facts
                        .table()
                        .flatMap(
                            t ->
                                m.tableName()
                                    .flatMap(name -> Handover.otherTable(t, name, m.tableArn()))));
        if (other.isPresent()) {
          return other;
        }
        return manifest.flatMap(
            m ->
                Handover.exportRefusal(
                    stream,
                    facts.retention(),
                    facts.created(),
                    url.location(),
                    m.exportTime(),
                    settings.clockSkew(),
                    clock.instant()));
      }

      @Override
      public SnapshotLoad.Result load() throws InterruptedException {
        return load.run();
      }

      @Override
      public void close() {
        files.close();
      }
    };
  }

  /**
   * Opens the snapshot, checks that the stream can take over from it (by {@code facts}, read from
   * the service that holds it), then loads it in a thread beside the stream relay; the exit code of
   * both. Each stops the other when it fails: a relay's non-zero code is returned once the load has
   * stopped; a failed load exits 1 once the relay has stopped. A load that ends done leaves the
   * relay running, and its summary is printed then, not when the relay stops.
   */
  int run(
      PrintStream err,
      SourceUrl stream,
      StreamFacts facts,
      Supplier<Snapshot> snapshots,
      StreamRun relay)
      throws InterruptedException {
    try (Snapshot snapshot = snapshots.get()) {
      Optional<String> refusal = snapshot.refusal(stream.stream(), facts);
      if (refusal.isPresent()) {
        err.println("Cannot hand over: " + refusal.get() + ".");
        return 2;
      }
      AtomicReference<SnapshotLoad.Result> result = new AtomicReference<>();
      AtomicReference<RuntimeException> failure = new AtomicReference<>();
      CountDownLatch relayChecked = new CountDownLatch(1);
      // A load that cannot go on stops the relay at once, saying why now rather than when the
      // relay stops: a relay left running would hide the failure for ever. The relay checkpoints as
      // on a signal, so the same command resumes both.
      Thread loader =
          new Thread(
              () -> {
                try {
                  while (!relayChecked.await(100, TimeUnit.MILLISECONDS)) {
                    if (stop.isStopped()) {
                      return;
                    }
                  }
                  SnapshotLoad.Result loaded = snapshot.load();
                  result.set(loaded);
                  if (loaded.status() == SnapshotLoad.Status.DONE) {
                    // Said when it is true, not when the relay stops (for a stream: never).
                    System.out.println(loaded.summary());
                    LOG.info("the snapshot is loaded; relaying the stream goes on");
                  } else if (loaded.status() == SnapshotLoad.Status.FAILED
                      || loaded.status() == SnapshotLoad.Status.REFUSED) {
                    LOG.error(
                        "the snapshot load ended {}, stopping the relay: {}",
                        loaded.status(),
                        loaded.summary());
                    stop.stop();
                  }
                } catch (RuntimeException e) {
                  failure.set(e);
                  LOG.error("the snapshot load failed, stopping the relay: {}", e.getMessage());
                  stop.stop();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "snapshot");
      loader.start();
      int code;
      try {
        code = relay.run(relayChecked::countDown);
      } catch (RuntimeException | Error | InterruptedException e) {
        // A relay that failed with an error no code stands for stops the load as well, and waits
        // for it (bounded) before the snapshot's source and the process's connections close under
        // a load still writing.
        stop.stop();
        if (awaitStopped(loader)) {
          reportStoppedByTheRelay(result.get());
        }
        if (failure.get() != null) {
          e.addSuppressed(failure.get());
        }
        throw e;
      }
      // A relay that failed (a missing stream, a DynamoDB Streams error) stops the load rather
      // than leaving it to Scan for hours beside no stream; the load keeps its cursors for the
      // same command to resume.
      if (code == 0) {
        loader.join();
      } else {
        stop.stop();
        if (!awaitStopped(loader)) {
          return code;
        }
      }
      if (failure.get() != null) {
        throw failure.get();
      }
      if (code != 0) {
        reportStoppedByTheRelay(result.get());
      } else if (result.get() != null && result.get().status() != SnapshotLoad.Status.DONE) {
        System.out.println(result.get().summary());
      }
      if (code != 0) {
        return code;
      }
      if (result.get() == null) {
        return TableLoadRun.STOPPED;
      }
      return TableLoadRun.exitCode(result.get().status());
    } catch (SourceReadException e) {
      err.println(e.getMessage());
      return e instanceof io.cdcrelay.snapshot.ExportLoad.NotLoadable ? 2 : 1;
    }
  }
}
