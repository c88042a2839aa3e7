package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How {@link KinesisStream} types the emulators' real answers for a shard the relay listed but the
 * stream no longer has (Kinesis removes a closed shard once its records passed the retention):
 * gone, so that the shard counts as ended, while a sequence number not in a shard stays one.
 */
class KinesisStreamIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String NO_SUCH_SHARD = "shardId-000000000099";

  @Test
  void kinesisLocalAnswersForAShardNotThereAsGone() {
    expectGone(KinesisLocal.get());
  }

  @Test
  void motoAnswersForAShardNotThereAsGone() {
    try (MotoKinesis moto = MotoKinesis.start()) {
      expectGone(moto);
    }
  }

  private static void expectGone(KinesisEmulator emulator) {
    String stream = "gone-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    emulator.createStream(stream, 1);
    emulator.put(stream, List.of(Map.entry("k", "{}".getBytes(StandardCharsets.UTF_8))));
    KinesisStream kinesis = new KinesisStream(emulator.client(), stream);

    for (ShardPosition position : List.of(ShardPosition.TRIM_HORIZON, ShardPosition.LATEST)) {
      assertThatThrownBy(() -> kinesis.iterator(NO_SUCH_SHARD, position))
          .as(position.toString())
          .isInstanceOfSatisfying(
              ShardReadException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ShardReadException.Kind.SHARD_GONE);
                assertThat(e.getMessage()).startsWith("Kinesis no longer has the shard: ");
              });
    }
    // The shard that is there still reads.
    String shard = kinesis.shards().get(0).shardId();
    assertThat(
            kinesis.read(shard, kinesis.iterator(shard, ShardPosition.TRIM_HORIZON), 10).records())
        .hasSize(1);
  }
}
