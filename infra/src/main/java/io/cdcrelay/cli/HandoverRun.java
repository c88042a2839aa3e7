package io.cdcrelay.cli;

import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.Handover;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.snapshot.SourceReadException;
import io.cdcrelay.snapshot.TableDescription;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code relay load table 'kinesis+dynamodb+cdc://…' --snapshot 'dynamodb://…'}: the table's
 * existing items are loaded while its stream is relayed. Convergent by construction: the stream is
 * read from at or before the snapshot's start (its checkpoints, or {@code start=earliest}), and
 * every snapshot row carries a version below every change the stream still delivers, so whatever
 * the interleaving the version guard keeps each item at its newest state. Refused at once when the
 * stream's retention cannot cover the projected load.
 */
final class HandoverRun {

  private static final Logger LOG = LoggerFactory.getLogger(HandoverRun.class);

  /** The stream relay, run in the foreground; returns its exit code. */
  interface StreamRun {
    int run() throws InterruptedException;
  }

  private final SnapshotSettings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final Supplier<Relay> relays;
  private final StopSignal stop;
  private final Clock clock;

  HandoverRun(
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

  int run(PrintStream err, SourceUrl stream, StreamRun relay) throws InterruptedException {
    try (DynamoDbTableSource source = DynamoDbTableSource.from(settings.source())) {
      TableDescription table;
      try {
        table = source.describe();
      } catch (SourceReadException e) {
        err.println(e.getMessage());
        return 1;
      }
      Duration retention = retention(stream);
      Optional<String> refusal =
          Handover.refusal(
              stream.stream(),
              retention,
              table,
              settings.source().rcu(),
              settings.source().consistentRead());
      if (refusal.isPresent()) {
        err.println("Cannot hand over: " + refusal.get() + ".");
        return 2;
      }
      AtomicReference<SnapshotLoad.Result> result = new AtomicReference<>();
      AtomicReference<RuntimeException> failure = new AtomicReference<>();
      Thread loader =
          new Thread(
              () -> {
                try {
                  result.set(
                      new SnapshotLoad(
                              settings,
                              config,
                              password,
                              stateSchema,
                              source,
                              relays,
                              null,
                              stop,
                              clock)
                          .run());
                } catch (RuntimeException e) {
                  failure.set(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "snapshot");
      loader.start();
      int code = relay.run();
      loader.join();
      if (failure.get() != null) {
        throw failure.get();
      }
      if (result.get() != null) {
        System.out.println(result.get().summary());
      }
      if (code != 0) {
        return code;
      }
      if (result.get() == null) {
        return TableLoadRun.STOPPED;
      }
      return switch (result.get().status()) {
        case DONE -> 0;
        case FAILED -> 1;
        case STOPPED -> TableLoadRun.STOPPED;
      };
    } catch (SourceReadException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  /** The stream's retention; Kinesis's default (24 hours) when it cannot be read (yet). */
  private static Duration retention(SourceUrl stream) {
    try (KinesisClient kinesis = KinesisClients.from(stream)) {
      Integer hours =
          kinesis
              .describeStreamSummary(r -> r.streamName(stream.stream()))
              .streamDescriptionSummary()
              .retentionPeriodHours();
      return Duration.ofHours(hours == null ? 24 : hours);
    } catch (SdkException e) {
      LOG.info(
          "the retention of stream {} is unknown, taking 24 hours: {}",
          stream.stream(),
          e.getMessage());
      return Duration.ofHours(24);
    }
  }
}
