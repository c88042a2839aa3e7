package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.local.StopSignal;
import io.cdcrelay.snapshot.SnapshotLoad;
import io.cdcrelay.source.SourceUrl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The handover's decisions, with the stream's facts, the snapshot and the relay faked: no AWS, no
 * database.
 */
class HandoverRunTest {

  private static final SourceUrl STREAM =
      SourceUrl.parse("kinesis+dynamodb+cdc://aws/cdc?region=us-east-1");

  private final StopSignal stop = new StopSignal();
  private final HandoverRun handover =
      new HandoverRun(null, () -> "", "state", null, stop, Clock.systemUTC());
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  /** The facts of a stream, given. */
  private record Facts(Duration retention, Optional<Instant> created) implements StreamFacts {}

  /** A snapshot that refuses streams keeping less than a day, and records whether it loaded. */
  private static final class DaySnapshot implements HandoverRun.Snapshot {
    final AtomicBoolean loaded = new AtomicBoolean();

    @Override
    public Optional<String> refusal(String stream, StreamFacts facts) {
      Duration retention = facts.retention();
      return retention.compareTo(Duration.ofDays(1)) < 0
          ? Optional.of("the stream " + stream + " keeps records " + retention.toHours() + " hours")
          : Optional.empty();
    }

    @Override
    public SnapshotLoad.Result load() {
      loaded.set(true);
      return new SnapshotLoad.Result(SnapshotLoad.Status.DONE, 0, "loaded");
    }

    @Override
    public void close() {}
  }

  @Test
  void aStreamWhoseFactsCannotCoverTheSnapshotIsRefusedBeforeAnythingRuns()
      throws InterruptedException {
    DaySnapshot snapshot = new DaySnapshot();
    AtomicBoolean relayed = new AtomicBoolean();
    int code =
        handover.run(
            err,
            STREAM,
            new Facts(Duration.ofHours(12), Optional.empty()),
            () -> snapshot,
            () -> {
              relayed.set(true);
              return 0;
            });
    assertThat(code).isEqualTo(2);
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .contains("Cannot hand over: the stream cdc keeps records 12 hours.");
    assertThat(snapshot.loaded).isFalse();
    assertThat(relayed).isFalse();
  }
}
