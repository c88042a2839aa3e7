package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardPositionTest {

  private static final String SHARD = "shardId-000000000000";
  private static final String OTHER = "shardId-000000000001";
  private static final String SEQNO = "49656709367126341276484543186423045812698406329470000001";
  private static final Instant ARRIVED = Instant.parse("2024-07-12T01:17:42Z");
  private static final Optional<ShardPosition.Anchor> ANCHOR =
      Optional.of(new ShardPosition.Anchor(SHARD, ARRIVED));

  private static ShardPosition of(
      String shard, Optional<String> checkpoint, boolean atStart, StartPosition start) {
    Optional<String> seqno = start.needsSequenceNumber() ? Optional.of(SEQNO) : Optional.empty();
    return ShardPosition.of(
        shard,
        checkpoint,
        atStart,
        start,
        seqno,
        start.needsSequenceNumber() ? ANCHOR : Optional.empty());
  }

  @Test
  void startModesMapOntoIteratorTypes() {
    assertThat(of(SHARD, Optional.empty(), true, StartPosition.EARLIEST))
        .isEqualTo(ShardPosition.TRIM_HORIZON);
    assertThat(of(SHARD, Optional.empty(), true, StartPosition.LATEST))
        .isEqualTo(ShardPosition.LATEST);
    assertThat(of(SHARD, Optional.empty(), true, StartPosition.SEQNO_AT))
        .isEqualTo(ShardPosition.at(SEQNO));
    assertThat(of(SHARD, Optional.empty(), true, StartPosition.SEQNO_AFTER))
        .isEqualTo(ShardPosition.after(SEQNO));
    assertThat(ShardPosition.at(SEQNO).iteratorType()).isEqualTo("AT_SEQUENCE_NUMBER");
    assertThat(ShardPosition.after(SEQNO).iteratorType()).isEqualTo("AFTER_SEQUENCE_NUMBER");
  }

  @Test
  void aCheckpointWinsOverStart() {
    for (StartPosition start : StartPosition.values()) {
      assertThat(of(SHARD, Optional.of("42"), true, start)).isEqualTo(ShardPosition.after("42"));
    }
  }

  @Test
  void aShardThatAppearedLaterIsReadFromItsBeginning() {
    for (StartPosition start : StartPosition.values()) {
      assertThat(of(OTHER, Optional.empty(), false, start)).isEqualTo(ShardPosition.TRIM_HORIZON);
    }
  }

  @Test
  void otherShardsOfASeqnoStartBeginWhenTheRecordArrived() {
    assertThat(of(OTHER, Optional.empty(), true, StartPosition.SEQNO_AT))
        .isEqualTo(ShardPosition.atTimestamp(ARRIVED));
    assertThat(of(OTHER, Optional.empty(), true, StartPosition.SEQNO_AFTER).iteratorType())
        .isEqualTo("AT_TIMESTAMP");
  }

  @Test
  void aSeqnoStartWithoutAnAnchorIsRefused() {
    assertThatThrownBy(
            () ->
                ShardPosition.of(
                    SHARD,
                    Optional.empty(),
                    true,
                    StartPosition.SEQNO_AT,
                    Optional.of(SEQNO),
                    Optional.empty()))
        .hasMessageContaining(SEQNO);
  }
}
