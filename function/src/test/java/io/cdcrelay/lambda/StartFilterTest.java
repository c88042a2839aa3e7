package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.SourceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartFilterTest {

  private static SourceRecord record(String shard, String seq) {
    return new SourceRecord(shard, seq, new byte[0], Instant.EPOCH);
  }

  private static final List<SourceRecord> RECORDS =
      List.of(
          record("shardId-0", "98"),
          record("shardId-0", "99"),
          record("shardId-1", "5"),
          record("shardId-0", "100"),
          record("shardId-0", "1000"));

  @Test
  void atKeepsTheStartRecordAndEverythingAfterIt() {
    assertThat(new StartFilter("shardId-0", "99", true).apply(RECORDS))
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("99", "5", "100", "1000");
  }

  @Test
  void afterSkipsTheStartRecordToo() {
    assertThat(new StartFilter("shardId-0", "99", false).apply(RECORDS))
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("5", "100", "1000");
  }

  @Test
  void otherShardsAreNotFiltered() {
    assertThat(new StartFilter("shardId-9", "1000000", true).apply(RECORDS)).hasSize(5);
  }

  @Test
  void configuredFromTheEnvironmentAllOrNothing() {
    Map<String, String> base = Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t");
    assertThat(FunctionConfig.fromEnvironment(base).start()).isEmpty();
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                "START_SHARD_ID", "shardId-0",
                "START_SEQUENCE_NUMBER", "99",
                "START_MODE", "after"));
    assertThat(config.start()).contains(new StartFilter("shardId-0", "99", false));
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t", "START_MODE", "at")))
        .hasMessageContaining("set all of START_SHARD_ID, START_SEQUENCE_NUMBER and START_MODE");
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                        "START_SHARD_ID", "shardId-0",
                        "START_SEQUENCE_NUMBER", "99",
                        "START_MODE", "before")))
        .hasMessageContaining("START_MODE=before is not one of at, after");
  }
}
