package io.cdcrelay.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class NdjsonRecordsTest {

  private static final String SHARD = NdjsonRecords.fileShard(Path.of("/data/dump.ndjson"));

  private static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }

  private static final String CDC =
      "{\"awsRegion\":\"us-east-1\",\"eventID\":\"b0c3\",\"eventName\":\"INSERT\","
          + "\"userIdentity\":null,\"recordFormat\":\"application/json\",\"tableName\":\"demo\","
          + "\"dynamodb\":{\"ApproximateCreationDateTime\":1720740233012995,"
          + "\"Keys\":{\"id\":{\"S\":\"a\"}},\"NewImage\":{\"id\":{\"S\":\"a\"}},\"SizeBytes\":9},"
          + "\"eventSource\":\"aws:dynamodb\"}";

  @Test
  void aPlainCdcLineIsOneRecordOfTheFileShardNumberedByItsLine() {
    SourceRecord record = NdjsonRecords.parse(bytes(CDC), 7, SHARD);
    assertThat(record.shardId()).isEqualTo(SHARD);
    assertThat(record.sequenceNumber()).isEqualTo("7");
    assertThat(new String(record.data(), StandardCharsets.UTF_8)).isEqualTo(CDC);
    assertThat(record.arrivedAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void aLambdaKinesisEventRecordLineIsDecodedWithItsShardAndSequenceNumber() {
    String line =
        "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"A1\","
            + "\"sequenceNumber\":\"49656709367126341276484543186423045812698406329470000001\","
            + "\"data\":\""
            + Base64.getEncoder().encodeToString(CDC.getBytes(StandardCharsets.UTF_8))
            + "\",\"approximateArrivalTimestamp\":1720746062.123},"
            + "\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\","
            + "\"eventID\":\"shardId-000000000003:49656709367126341276484543186423045812698406329470000001\","
            + "\"eventName\":\"aws:kinesis:record\"}";
    SourceRecord record = NdjsonRecords.parse(bytes(line), 1, SHARD);
    assertThat(record.shardId()).isEqualTo("shardId-000000000003");
    assertThat(record.sequenceNumber())
        .isEqualTo("49656709367126341276484543186423045812698406329470000001");
    assertThat(new String(record.data(), StandardCharsets.UTF_8)).isEqualTo(CDC);
    assertThat(record.arrivedAt()).isEqualTo(Instant.parse("2024-07-12T01:01:02.123Z"));
  }

  @Test
  void aLineThatIsNeitherIsRelayedAsItIsToBeDeadLettered() {
    SourceRecord record = NdjsonRecords.parse(bytes("not json at all"), 3, SHARD);
    assertThat(record.shardId()).isEqualTo(SHARD);
    assertThat(record.sequenceNumber()).isEqualTo("3");
    assertThat(record.data()).isEqualTo("not json at all".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aKinesisLineWithBadBase64IsRelayedAsItIs() {
    String line = "{\"kinesis\":{\"data\":\"***\",\"sequenceNumber\":\"5\"},\"eventID\":\"s:5\"}";
    SourceRecord record = NdjsonRecords.parse(bytes(line), 4, SHARD);
    assertThat(record.shardId()).isEqualTo(SHARD);
    assertThat(record.sequenceNumber()).isEqualTo("4");
  }

  @Test
  void theFileShardIsTheAbsolutePathOfTheFile() {
    assertThat(SHARD).isEqualTo("file:" + Path.of("/data/dump.ndjson").toAbsolutePath());
    assertThat(NdjsonRecords.fileShard(Path.of("dump.ndjson")))
        .isEqualTo(NdjsonRecords.fileShard(Path.of("./x/../dump.ndjson").toAbsolutePath()))
        .isNotEqualTo(NdjsonRecords.fileShard(Path.of("other/dump.ndjson")));
  }

  @Test
  void aLineThatIsNotUtf8IsRelayedAsItsExactBytes() {
    byte[] line = {'{', '"', 'k', 'i', 'n', 'e', 's', 'i', 's', '"', ':', (byte) 0xfe, '}'};
    SourceRecord record = NdjsonRecords.parse(line, 9, SHARD);
    assertThat(record.shardId()).isEqualTo(SHARD);
    assertThat(record.sequenceNumber()).isEqualTo("9");
    assertThat(record.data()).isEqualTo(line);
  }
}
