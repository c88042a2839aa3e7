package io.cdcrelay.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceRecordTest {

  @Test
  void aRecordOnDemandNamesItsShardAndWritesItsPayloadOnlyWhenFirstAskedAndOnce() {
    AtomicInteger named = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    SourceRecord record =
        SourceRecord.onDemand(
            () -> {
              named.incrementAndGet();
              return "dynamodb:Orders {\"id\":{\"S\":\"a\"}}";
            },
            "0",
            () -> {
              written.incrementAndGet();
              return "{}".getBytes(StandardCharsets.UTF_8);
            },
            Instant.EPOCH);

    assertThat(named).as("named before it was asked for").hasValue(0);
    assertThat(written).hasValue(0);
    assertThat(record.shardId()).isEqualTo("dynamodb:Orders {\"id\":{\"S\":\"a\"}}");
    assertThat(record.shardId()).isSameAs(record.shardId());
    assertThat(named).hasValue(1);
    assertThat(written).as("the payload waits for its own asking").hasValue(0);
    assertThat(record)
        .isEqualTo(
            new SourceRecord(
                "dynamodb:Orders {\"id\":{\"S\":\"a\"}}",
                "0",
                "{}".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH));
    assertThat(written).hasValue(1);
  }
}
