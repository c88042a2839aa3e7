package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MappingSettingsTest {

  @Test
  void bufferTimeRoundsUpToWholeSeconds() {
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ZERO)).isZero();
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ofMillis(500))).isEqualTo(1);
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ofMillis(1200))).isEqualTo(2);
    assertThat(MappingSettings.batchingWindowSeconds(Duration.ofSeconds(300))).isEqualTo(300);
  }

  @Test
  void urlOptionsBecomeTheMappingsSettings() {
    MappingSettings settings =
        MappingSettings.from(
            SourceUrl.parse(
                "kinesis+dynamodb+cdc://aws/s?batch-size=500&start=latest&buffer-time=2"),
            Optional.empty(),
            Optional.of("arn:aws:sqs:us-east-1:123456789012:failed"));
    assertThat(settings.batchSize()).isEqualTo(500);
    assertThat(settings.startingPosition()).isEqualTo("LATEST");
    assertThat(settings.startingPositionTimestamp()).isEmpty();
    assertThat(settings.maximumBatchingWindowInSeconds()).isEqualTo(2);
    assertThat(settings.bisectBatchOnFunctionError()).isTrue();
    assertThat(settings.maximumRetryAttempts()).isBetween(0, 10_000);
    assertThat(settings.onFailureDestination())
        .contains("arn:aws:sqs:us-east-1:123456789012:failed");
  }

  @Test
  void seqnoStartBeginsAtTheRecordsArrivalSecond() {
    String seqno = "49656709367126341276484543186423045812698406329470730242";
    StartRecord start =
        new StartRecord(
            "shardId-000000000001",
            seqno,
            Instant.parse("2024-07-11T23:23:53.049Z"),
            StartPosition.SEQNO_AT);
    MappingSettings settings =
        MappingSettings.from(
            SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-at&seqno=" + seqno),
            Optional.of(start),
            Optional.empty());
    assertThat(settings.startingPosition()).isEqualTo("AT_TIMESTAMP");
    assertThat(settings.startingPositionTimestamp())
        .contains(Instant.parse("2024-07-11T23:23:53Z"));
    assertThat(start.environment())
        .containsEntry("START_SHARD_ID", "shardId-000000000001")
        .containsEntry("START_SEQUENCE_NUMBER", seqno)
        .containsEntry("START_MODE", "at");
  }

  @Test
  void seqnoStartNeedsItsRecord() {
    SourceUrl source =
        SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-after&seqno=12345");
    assertThatThrownBy(() -> MappingSettings.from(source, Optional.empty(), Optional.empty()))
        .hasMessageContaining("seqno-after");
  }
}
