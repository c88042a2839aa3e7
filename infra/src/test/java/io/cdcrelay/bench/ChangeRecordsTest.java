package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeRecordsTest {

  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS);

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedOthers() {
    ChangeRecords one = new ChangeRecords(7, 100, "t");
    ChangeRecords again = new ChangeRecords(7, 100, "t");
    ChangeRecords other = new ChangeRecords(8, 100, "t");
    for (int i = 0; i < 300; i++) {
      assertThat(again.record(i)).isEqualTo(one.record(i));
      assertThat(other.record(i)).isNotEqualTo(one.record(i));
    }
  }

  @Test
  void recordsAreThreeToSixHundredBytesOfFourShapes() {
    ChangeRecords records = new ChangeRecords(1, 1000, "bench_table");
    IntSummaryStatistics sizes = new IntSummaryStatistics();
    Set<Set<String>> shapes = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      byte[] data = records.record(i);
      sizes.accept(data.length);
      Decoded decoded = decode(records, i);
      assertThat(decoded).isInstanceOf(Decoded.Ok.class);
      var change = ((Decoded.Ok) decoded).change();
      if (!change.newImage().isEmpty()) {
        shapes.add(change.newImage().keySet());
      }
    }
    assertThat(sizes.getMin()).isGreaterThanOrEqualTo(300);
    assertThat(sizes.getMax()).isLessThanOrEqualTo(620);
    assertThat(sizes.getAverage()).isBetween(400.0, 600.0);
    assertThat(shapes).hasSize(4);
  }

  @Test
  void firstChangeOfAnItemInsertsLaterOnesModifyAndSomeRemove() {
    ChangeRecords records = new ChangeRecords(3, 10, "t");
    assertThat(records.key(3)).isEqualTo(records.key(13)).isNotEqualTo(records.key(4));
    assertThat(records.eventName(9)).isEqualTo("INSERT");
    assertThat(records.eventName(10)).isEqualTo("MODIFY");
    assertThat(records.eventName(31)).isEqualTo("REMOVE");
    assertThat(operation(records, 9)).isEqualTo(Operation.INSERT);
    assertThat(operation(records, 10)).isEqualTo(Operation.MODIFY);
    assertThat(operation(records, 31)).isEqualTo(Operation.REMOVE);
    String text = new String(records.record(12), StandardCharsets.UTF_8);
    assertThat(text).contains("\"tableName\":\"t\"").contains("\"S\":\"" + records.key(12) + "\"");
  }

  @Test
  void sequenceNumbersAndCreationTimesAscend() {
    ChangeRecords records = new ChangeRecords(3, 10, "t");
    for (int i = 1; i < 50; i++) {
      assertThat(new BigInteger(records.sequenceNumber(i)))
          .isGreaterThan(new BigInteger(records.sequenceNumber(i - 1)));
      assertThat(((Decoded.Ok) decode(records, i)).change().version())
          .isGreaterThan(((Decoded.Ok) decode(records, i - 1)).change().version());
    }
  }

  private Operation operation(ChangeRecords records, int index) {
    return ((Decoded.Ok) decode(records, index)).change().operation();
  }

  private Decoded decode(ChangeRecords records, int index) {
    return decoder.decode(
        new SourceRecord(
            "shardId-000000000000",
            records.sequenceNumber(index),
            records.record(index),
            Instant.EPOCH));
  }
}
