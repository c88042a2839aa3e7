package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.route.TtlPolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerdictTest {

  private static final Instant NOW = Instant.parse("2024-07-12T00:00:00Z");
  private static final Optional<String> TTL = Optional.of("expires");

  private static Map<String, AttributeValue> item(String id, long expires) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("id", new AttributeValue.S(id));
    item.put("expires", new AttributeValue.N(BigDecimal.valueOf(expires)));
    return item;
  }

  private static TargetRows.Row row(
      Map<String, AttributeValue> item, boolean deleted, boolean expired) {
    return new TargetRows.Row("k", PlainItems.of(item), deleted, expired);
  }

  private static Verdict judge(
      TtlPolicy ttl, Map<String, AttributeValue> item, TargetRows.Row row) {
    return Verdict.of(ttl, TTL, NOW, Optional.ofNullable(item), Optional.ofNullable(row));
  }

  @Test
  void anItemAndItsRowAreEqualOrDifferent() {
    Map<String, AttributeValue> item = item("a", NOW.getEpochSecond() + 60);
    assertThat(judge(TtlPolicy.SAME, item, row(item, false, false))).isEqualTo(Verdict.EQUAL);
    Map<String, AttributeValue> other = item("a", NOW.getEpochSecond() + 61);
    assertThat(judge(TtlPolicy.SAME, item, row(other, false, false))).isEqualTo(Verdict.DIFFERENT);
  }

  @Test
  void aRowFlaggedDeletedIsNoRow() {
    Map<String, AttributeValue> item = item("a", NOW.getEpochSecond() + 60);
    assertThat(judge(TtlPolicy.SAME, item, row(item, true, false)))
        .as("an item whose row is soft-deleted")
        .isEqualTo(Verdict.MISSING);
    assertThat(judge(TtlPolicy.SAME, null, row(item, true, false))).isEqualTo(Verdict.ABSENT);
    assertThat(judge(TtlPolicy.SAME, item, null)).isEqualTo(Verdict.MISSING);
    assertThat(judge(TtlPolicy.SAME, null, null)).isEqualTo(Verdict.ABSENT);
  }

  @Test
  void aRowWithoutItemIsExtraUnlessTheTtlPolicyKeepsItAfterItsExpiry() {
    Map<String, AttributeValue> expired = item("a", NOW.getEpochSecond());
    Map<String, AttributeValue> live = item("b", NOW.getEpochSecond() + 1);
    // same: an expiry deletes the row, so a row left is extra whatever its expiry.
    assertThat(judge(TtlPolicy.SAME, null, row(expired, false, false))).isEqualTo(Verdict.EXTRA);
    // keep: a row whose expiry has come (at or before now) stays on purpose; a later one is extra.
    assertThat(judge(TtlPolicy.KEEP, null, row(expired, false, false)))
        .isEqualTo(Verdict.EXPECTED_EXTRA);
    assertThat(judge(TtlPolicy.KEEP, null, row(live, false, false))).isEqualTo(Verdict.EXTRA);
    assertThat(judge(TtlPolicy.KEEP, null, row(live, false, true)))
        .as("keep marks nothing: a mark is no reason")
        .isEqualTo(Verdict.EXTRA);
    // mark: a row marked expired stays, whatever its expiry attribute; so does one past expiry.
    assertThat(judge(TtlPolicy.MARK, null, row(live, false, true)))
        .isEqualTo(Verdict.EXPECTED_EXTRA);
    assertThat(judge(TtlPolicy.MARK, null, row(expired, false, false)))
        .isEqualTo(Verdict.EXPECTED_EXTRA);
    assertThat(judge(TtlPolicy.MARK, null, row(live, false, false))).isEqualTo(Verdict.EXTRA);
  }

  @Test
  void withoutATtlAttributeOnlyTheMarkKeepsARow() {
    TargetRows.Row past = row(item("a", NOW.getEpochSecond() - 60), false, false);
    assertThat(
            Verdict.of(TtlPolicy.KEEP, Optional.empty(), NOW, Optional.empty(), Optional.of(past)))
        .isEqualTo(Verdict.EXTRA);
    Map<String, AttributeValue> text = new LinkedHashMap<>();
    text.put("id", new AttributeValue.S("a"));
    text.put("expires", new AttributeValue.S("0"));
    assertThat(judge(TtlPolicy.KEEP, null, row(text, false, false)))
        .as("an expiry that is no number is none, as for DynamoDB")
        .isEqualTo(Verdict.EXTRA);
  }

  @Test
  void onlyMissingExtraAndDifferentAreDifferences() {
    assertThat(Verdict.values())
        .filteredOn(Verdict::isDifference)
        .containsExactlyInAnyOrder(Verdict.MISSING, Verdict.EXTRA, Verdict.DIFFERENT);
  }
}
