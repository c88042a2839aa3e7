package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SamParametersTest {

  @Test
  void createdStreamIsNamedAndSized() {
    SourceUrl source =
        SourceUrl.parse("kinesis+dynamodb+cdc://aws/cdc-stream?create=true&create-shards=4");
    assertThat(
            SamParameters.overrides(SamParameters.from(source, Optional.empty(), Optional.empty())))
        .isEqualTo(
            "StreamName=cdc-stream ShardCount=4 BatchSize=100 StartingPosition=TRIM_HORIZON"
                + " MaximumBatchingWindowInSeconds=1 SourceType=KinesisDataStream StreamArn=\"\""
                + " TableStreamArn=\"\" StartingPositionTimestamp=\"\" StartShardId=\"\""
                + " StartSequenceNumber=\"\" StartMode=\"\"");
  }

  @Test
  void existingStreamIsGivenByArnInTheRegionsPartition() {
    SourceUrl source =
        SourceUrl.parse(
            "kinesis+dynamodb+cdc://aws/cdc-stream?region=cn-north-1&start=latest&batch-size=7");
    String arn = SamParameters.streamArn(source, "123456789012");
    assertThat(arn).isEqualTo("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/cdc-stream");
    assertThat(
            SamParameters.overrides(SamParameters.from(source, Optional.of(arn), Optional.empty())))
        .isEqualTo(
            "StreamArn="
                + arn
                + " BatchSize=7 StartingPosition=LATEST MaximumBatchingWindowInSeconds=1"
                + " SourceType=KinesisDataStream StreamName=\"\" TableStreamArn=\"\""
                + " StartingPositionTimestamp=\"\" StartShardId=\"\" StartSequenceNumber=\"\""
                + " StartMode=\"\"");
  }

  @Test
  void seqnoStartSetsTimestampAndFilter() {
    SourceUrl source =
        SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-at&seqno=42&create=true");
    StartRecord start =
        new StartRecord(
            "shardId-000000000002",
            "42",
            Instant.parse("2024-07-11T23:23:53.999Z"),
            StartPosition.SEQNO_AT);
    assertThat(SamParameters.from(source, Optional.empty(), Optional.of(start)))
        .containsEntry("StartingPosition", "AT_TIMESTAMP")
        .containsEntry("StartingPositionTimestamp", "1720740233")
        .containsEntry("StartShardId", "shardId-000000000002")
        .containsEntry("StartSequenceNumber", "42")
        .containsEntry("StartMode", "at");
  }

  @Test
  void aParameterTheUrlDoesNotUseIsClearedForAStackDeployedBefore() {
    // sam deploy keeps a parameter's previous value when it is not given: a Kinesis URL after a
    // table's stream, or a start from the beginning after a seqno start.
    SourceUrl kinesis = SourceUrl.parse("kinesis+dynamodb+cdc://aws/cdc-stream?create=true");
    assertThat(SamParameters.from(kinesis, Optional.empty(), Optional.empty()))
        .containsEntry("SourceType", "KinesisDataStream")
        .containsEntry("TableStreamArn", "")
        .containsEntry("StartShardId", "")
        .containsEntry("StartSequenceNumber", "")
        .containsEntry("StartMode", "")
        .containsEntry("StartingPositionTimestamp", "");
    // SAM reads KEY="" as empty, and drops a bare KEY=.
    assertThat(
            SamParameters.overrides(
                new java.util.LinkedHashMap<>(java.util.Map.of("StartMode", ""))))
        .isEqualTo("StartMode=\"\"");
  }
}
