package io.cdcrelay.plan;

import static io.cdcrelay.testing.Records.expire;
import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

  private static final KeySchema KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  private final BatchPlanner planner =
      new BatchPlanner(new ItemMapper(true, ItemMapper.CRATEDB_MAX_TEXT_BYTES));

  private BatchPlan plan(SourceRecord... records) {
    return planWith(planner, records);
  }

  private static BatchPlan planWith(BatchPlanner planner, SourceRecord... records) {
    DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();
    List<Decoded> decoded = new ArrayList<>();
    for (SourceRecord record : records) {
      decoded.add(decoder.decode(record));
    }
    return planner.plan(decoded, KEYS, ColumnTypes.empty());
  }

  @Test
  void keepsOnlyTheNewestChangeOfEachItem() {
    BatchPlan plan =
        plan(
            record(1, upsert("INSERT", "a", 100, "\"v\":{\"N\":\"1\"}")),
            record(2, upsert("INSERT", "b", 101, "\"v\":{\"N\":\"1\"}")),
            record(3, upsert("MODIFY", "a", 102, "\"v\":{\"N\":\"2\"}")));
    assertThat(plan.rows()).hasSize(2);
    assertThat(plan.coalesced()).isEqualTo(1);
    PlannedRow a = plan.rows().get(0);
    assertThat(a.pkJson()).isEqualTo("{\"id\":\"a\"}");
    assertThat(a.dataJson()).isEqualTo("{\"v\":2.0}");
    assertThat(a.sequenceNumbers()).containsExactly(sequenceNumber(1), sequenceNumber(3));
    assertThat(a.firstSequenceNumber()).isEqualTo(sequenceNumber(1));
  }

  @Test
  void newestIsByCreationTimeNotByArrival() {
    BatchPlan plan =
        plan(
            record(1, upsert("MODIFY", "a", 200, "\"v\":{\"N\":\"2\"}")),
            record(2, upsert("INSERT", "a", 100, "\"v\":{\"N\":\"1\"}")));
    assertThat(plan.rows())
        .singleElement()
        .satisfies(r -> assertThat(r.dataJson()).isEqualTo("{\"v\":2.0}"));
  }

  @Test
  void sameCreationTimeIsDecidedBySequenceNumber() {
    BatchPlan plan =
        plan(
            record(1, upsert("INSERT", "a", 100, "\"v\":{\"N\":\"1\"}")),
            record(2, upsert("MODIFY", "a", 100, "\"v\":{\"N\":\"2\"}")));
    assertThat(plan.rows().get(0).dataJson()).isEqualTo("{\"v\":2.0}");
    assertThat(plan.rows().get(0).version().sequenceNumber()).isEqualTo(sequenceNumber(2));
  }

  @Test
  void removeBecomesATombstone() {
    BatchPlan plan = plan(record(1, upsert("INSERT", "a", 100, "")), record(2, remove("a", 101)));
    PlannedRow row = plan.rows().get(0);
    assertThat(row.deleted()).isTrue();
    assertThat(row.dataJson()).isNull();
    assertThat(row.auxJson()).isNull();
  }

  @Test
  void poisonAndMismatchedKeysBecomeDeadLetters() {
    String otherKey =
        upsert("INSERT", "a", 100, "").replace("\"Keys\":{\"id\"", "\"Keys\":{\"pk\"");
    BatchPlan plan =
        plan(record(1, "garbage"), record(2, otherKey), record(3, upsert("INSERT", "b", 1, "")));
    assertThat(plan.rows()).hasSize(1);
    assertThat(plan.deadLetters()).hasSize(2);
    assertThat(plan.deadLetters().get(0).stage()).isEqualTo("decode");
    assertThat(plan.deadLetters().get(1).stage()).isEqualTo("plan");
    assertThat(plan.deadLetters().get(1).reason()).contains("do not match the table's primary key");
  }

  @Test
  void numericKeyThatIsNotABigintIsADeadLetterOfAReferenceToolTable() {
    KeySchema numeric =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("id", KeySchema.KeyType.N, KeySchema.NumberKey.BIGINT)));
    String json =
        upsert("INSERT", "x", 1, "").replace("{\"id\":{\"S\":\"x\"}", "{\"id\":{\"N\":\"1.5\"}");
    Decoded decoded = new DynamoDbChangeDecoder().decode(record(1, json));
    BatchPlan plan = planner.plan(List.of(decoded), numeric, ColumnTypes.empty());
    assertThat(plan.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).contains("does not fit the BIGINT key column"));
  }

  @Test
  void rowsAreOrderedByTheirFirstRecord() {
    BatchPlan plan =
        plan(
            record(1, upsert("INSERT", "z", 1, "")),
            record(2, upsert("INSERT", "a", 2, "")),
            record(3, upsert("INSERT", "m", 3, "")));
    assertThat(plan.rows())
        .extracting(PlannedRow::pkJson)
        .containsExactly("{\"id\":\"z\"}", "{\"id\":\"a\"}", "{\"id\":\"m\"}");
  }

  @Test
  void rowsOfRecordsGivenOutOfStreamOrderAreOrderedByTheirLowestSequenceNumber() {
    BatchPlan plan =
        plan(
            record(3, upsert("INSERT", "m", 3, "")),
            record(1, upsert("INSERT", "z", 1, "")),
            record(4, upsert("MODIFY", "m", 4, "")),
            record(2, upsert("INSERT", "a", 2, "")));
    assertThat(plan.rows())
        .extracting(PlannedRow::pkJson)
        .containsExactly("{\"id\":\"z\"}", "{\"id\":\"a\"}", "{\"id\":\"m\"}");
  }

  private static BatchPlan planExpiries(boolean markExpiries, SourceRecord... records) {
    return planWith(
        new BatchPlanner(new ItemMapper(true, ItemMapper.CRATEDB_MAX_TEXT_BYTES), markExpiries),
        records);
  }

  @Test
  void markedExpiryKeepsTheOldImageDatedByTheExpiryAndAUsersDeleteStillRemoves() {
    BatchPlan plan =
        planExpiries(true, record(1, expire("a", 2_000_000, "x")), record(2, remove("b", 1_000)));

    PlannedRow expired = plan.rows().get(0);
    assertThat(expired.deleted()).isFalse();
    assertThat(expired.dataJson()).isEqualTo("{\"v\":\"x\"}");
    assertThat(expired.expiredAt()).contains(java.time.Instant.ofEpochSecond(2));
    PlannedRow deleted = plan.rows().get(1);
    assertThat(deleted.deleted()).as("a user's REMOVE is no expiry").isTrue();
    assertThat(deleted.expiredAt()).isEmpty();
  }

  @Test
  void withoutMarkingAnExpiryRemovesTheRowAsAnyDelete() {
    BatchPlan plan = planExpiries(false, record(1, expire("a", 2_000_000, "x")));
    assertThat(plan.rows())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.deleted()).isTrue();
              assertThat(r.expiredAt()).isEmpty();
            });
  }

  @Test
  void anExpiryWithoutAnOldImageRemovesTheRowEvenWhenExpiriesAreMarked() {
    // A stream of keys only: there is nothing to keep.
    String keysOnly =
        expire("c", 3_000_000, "y")
            .replace(",\"OldImage\":{\"id\":{\"S\":\"c\"},\"v\":{\"S\":\"y\"}}", "");
    assertThat(keysOnly).doesNotContain("OldImage");
    BatchPlan plan = planExpiries(true, record(1, keysOnly));
    assertThat(plan.rows()).singleElement().satisfies(r -> assertThat(r.deleted()).isTrue());
  }
}
