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

  @Test
  void onADynamoDbStreamEveryShardIsFilteredByTheStartSequenceNumber() {
    // Lambda's DynamoDB event names no shard: the records carry the stream ARN instead. The start
    // shard closes within hours; its children, and every later shard, hold higher numbers and
    // pass; a sibling open beside it is cut at the same number.
    String stream =
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-07-12T00:00:00.000";
    StartFilter filter =
        new StartFilter("shardId-00000001720740233012-0a1b2c3d", "300000000000000499659", true);
    List<SourceRecord> records =
        List.of(
            record(stream, "300000000000000499658"),
            record(stream, "300000000000000499659"),
            record(stream, "299999999999999999999"),
            record(stream, "400000000000000000001"),
            record(stream, "300000000000000499660"));
    assertThat(filter.applyToEveryShard(records))
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("300000000000000499659", "400000000000000000001", "300000000000000499660");
    // The per-shard filter of a Kinesis stream would let them all through: no record names the
    // start shard.
    assertThat(filter.apply(records)).hasSize(5);
  }

  @Test
  void aDynamoDbStreamsShardIdIsAcceptedFromTheEnvironment() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                "START_SHARD_ID", "shardId-00000001720740233012-0a1b2c3d",
                "START_SEQUENCE_NUMBER", "300000000000000499659",
                "START_MODE", "after"));
    assertThat(config.start())
        .contains(
            new StartFilter(
                "shardId-00000001720740233012-0a1b2c3d", "300000000000000499659", false));
  }
}
