package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.DynamoDbTableUrl;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotSettingsTest {

  @Test
  void aWriteCarriesA32ndOfTheHeapFrom1To16Megabytes() {
    assertThat(SnapshotSettings.writeBytes(64L << 20)).isEqualTo(2L << 20);
    assertThat(SnapshotSettings.writeBytes(256L << 20)).isEqualTo(8L << 20);
    assertThat(SnapshotSettings.writeBytes(8L << 30)).isEqualTo(16L << 20);
    assertThat(SnapshotSettings.writeBytes(16L << 20)).isEqualTo(1L << 20);
  }

  @Test
  void badDurationsAreNamedAsGiven() {
    assertThat(SnapshotSettings.giveUpAfter(null))
        .isEqualTo(SnapshotSettings.DEFAULT_GIVE_UP_AFTER);
    assertThat(SnapshotSettings.giveUpAfter("90s")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThatThrownBy(() -> SnapshotSettings.giveUpAfter("-5m"))
        .hasMessage("--give-up-after=-5m is negative");
    assertThatThrownBy(() -> SnapshotSettings.giveUpAfter("soon"))
        .hasMessage("--give-up-after=soon is not a duration such as 8d, 36h, 90m or 600s");
    assertThat(SnapshotSettings.clockSkew(Map.of())).isEqualTo(SnapshotSettings.DEFAULT_CLOCK_SKEW);
    assertThatThrownBy(() -> SnapshotSettings.clockSkew(Map.of(SnapshotSettings.CLOCK_SKEW, "2h")))
        .hasMessageStartingWith("CRATEDB_CLOCK_SKEW=2h is out of range: 1s to 1 hour");
    assertThatThrownBy(() -> SnapshotSettings.clockSkew(Map.of(SnapshotSettings.CLOCK_SKEW, "-1s")))
        .hasMessageStartingWith("CRATEDB_CLOCK_SKEW=-1s is out of range: 1s to 1 hour");
  }

  @Test
  void aClockSkewUnderASecondIsRefusedAsDynamoDbStreamsDatesChangesBySecond() {
    // A change made 0.5 s after the Scan's start is dated by its second, the start's own: with
    // less than a second of skew the snapshot row would sort above it.
    assertThatThrownBy(() -> SnapshotSettings.clockSkew(Map.of(SnapshotSettings.CLOCK_SKEW, "0s")))
        .hasMessage(
            "CRATEDB_CLOCK_SKEW=0s is out of range: 1s to 1 hour (at least a second, as DynamoDB"
                + " Streams dates a change by its whole second)");
    assertThatThrownBy(
            () -> SnapshotSettings.clockSkew(Map.of(SnapshotSettings.CLOCK_SKEW, "PT0.5S")))
        .hasMessageStartingWith("CRATEDB_CLOCK_SKEW=PT0.5S is out of range: 1s to 1 hour");
    assertThat(SnapshotSettings.clockSkew(Map.of(SnapshotSettings.CLOCK_SKEW, "1s")))
        .isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(
            () ->
                new SnapshotSettings(
                    DynamoDbTableUrl.parse("dynamodb://aws/Items?region=us-east-1"),
                    false,
                    SnapshotSettings.DEFAULT_GIVE_UP_AFTER,
                    Duration.ofMillis(999),
                    Optional.empty(),
                    SnapshotSettings.MIN_WRITE_BYTES))
        .hasMessageStartingWith("CRATEDB_CLOCK_SKEW=PT0.999S is out of range: 1s to 1 hour");
  }

  @Test
  void theSettingsOfALoadTakeTheirWriteBytesFromThisHeap() {
    SnapshotSettings settings =
        SnapshotSettings.of(
            DynamoDbTableUrl.parse("dynamodb://aws/Items?region=us-east-1"),
            false,
            null,
            null,
            Map.of());
    assertThat(settings.writeBytes())
        .isEqualTo(SnapshotSettings.writeBytes(Runtime.getRuntime().maxMemory()));
    assertThat(settings.withWriteBytes(4096).writeBytes()).isEqualTo(4096);
    assertThatThrownBy(() -> settings.withWriteBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one byte");
  }
}
