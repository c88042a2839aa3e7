package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.local.OutageLimit;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamRelayTest {

  @Test
  void aRelayThatGaveUpSaysWhyAsEveryGiveUpDoesThenThatTheSameCommandResumes() {
    OutageLimit.GaveUp why =
        new OutageLimit.GaveUp(
            Duration.ofSeconds(302),
            Duration.ofSeconds(300),
            "shard-1: checkpoint not written",
            "Connection to 127.0.0.1:5433 refused",
            true);

    assertThat(new StreamRelay.GaveUpException(why).getMessage())
        .isEqualTo(
            why.message()
                + " The relay stopped; the checkpoints of what was applied are kept: the same"
                + " command resumes from them.")
        .startsWith(
            "The target database could not be reached for 302 s (--give-up-after 300 s): shard-1:"
                + " checkpoint not written: Connection to 127.0.0.1:5433 refused.");
  }

  @Test
  void aStepThatGaveUpIsWhatTheRunEndsWithEvenIfAWorkerFailedOnItsWayOut() {
    OutageLimit.GaveUp why =
        new OutageLimit.GaveUp(
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            "shard-1: reading the stream",
            "x",
            false);
    IllegalStateException worker = new IllegalStateException("shard-2: read cut short");

    RuntimeException both = StreamRelay.ending(worker, Optional.of(why)).orElseThrow();
    assertThat(both).isInstanceOf(StreamRelay.GaveUpException.class);
    assertThat(((StreamRelay.GaveUpException) both).why()).isEqualTo(why);
    assertThat(both.getSuppressed()).containsExactly(worker);

    assertThat(StreamRelay.ending(null, Optional.of(why)).orElseThrow())
        .isInstanceOf(StreamRelay.GaveUpException.class)
        .hasNoSuppressedExceptions();
    assertThat(StreamRelay.ending(worker, Optional.empty())).containsSame(worker);
    assertThat(StreamRelay.ending(null, Optional.empty())).isEmpty();
  }
}
