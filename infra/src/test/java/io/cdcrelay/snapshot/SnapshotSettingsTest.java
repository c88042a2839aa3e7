package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.DynamoDbTableUrl;
import java.util.Map;
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
