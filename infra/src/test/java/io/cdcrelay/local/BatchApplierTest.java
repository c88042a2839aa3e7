package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.testing.InMemoryTarget;
import io.cdcrelay.testing.MovingClock;
import io.cdcrelay.testing.Records;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BatchApplierTest {

  private static SourceRecord record(String sequenceNumber) {
    return new SourceRecord("shardId-000000000000", sequenceNumber, new byte[0], Instant.EPOCH);
  }

  @Test
  void aFailedBatchIsRetriedFromItsFirstUnappliedRecordComparedAsIntegers() {
    List<SourceRecord> batch = List.of(record("98"), record("99"), record("100"), record("101"));
    assertThat(BatchApplier.from(batch, "100"))
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("100", "101");
    assertThat(BatchApplier.from(batch, "98")).hasSize(4);
  }

  @Test
  void whileTheTargetIsDownTheLagIsTheAgeOfTheWaitingBatch() {
    MovingClock clock = new MovingClock(Instant.parse("2024-07-12T00:00:00Z"));
    RelayProgress progress = new RelayProgress(null, line -> {}, clock);
    StopSignal stop = new StopSignal();
    // Each attempt decodes the batch again: half a minute passes before each, and the line is
    // what the progress display would show then.
    List<String> lines = new ArrayList<>();
    DynamoDbChangeDecoder decoding = new DynamoDbChangeDecoder();
    Function<SourceRecord, Decoded> decoder =
        r -> {
          clock.advance(Duration.ofSeconds(30));
          lines.add(progress.line());
          return decoding.decode(r);
        };
    InMemoryTarget target = new InMemoryTarget().unavailableAt("upsert", 1);
    SourceRecord change =
        new SourceRecord(
            Records.SHARD,
            Records.sequenceNumber(1),
            Records.upsert("INSERT", "a", 1, "").getBytes(StandardCharsets.UTF_8),
            clock.instant().minusSeconds(5));

    try (Relay relay = new Relay(target, RelaySettings.single("public", "t"), clock)) {
      boolean applied =
          new BatchApplier(relay, progress, stop, decoder, null, OutageLimit.none(stop))
              .apply(List.of(change));

      assertThat(applied).isTrue();
    }
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).endsWith("lag 35.0 s");
    assertThat(lines.get(1)).as("a minute after the failed attempt").endsWith("lag 1m 5s");
    clock.advance(Duration.ofSeconds(20));
    assertThat(progress.line()).as("applied, and nothing waits").endsWith("lag 0 ms");
  }
}
