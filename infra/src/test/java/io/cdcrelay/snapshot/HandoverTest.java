package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.KeySchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HandoverTest {

  private static TableDescription table(long items, long bytes) {
    return new TableDescription(
        "orders",
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)),
        items,
        bytes,
        Optional.empty());
  }

  @Test
  void theProjectionIsTheLongerOfTheBudgetAndTheUnpacedSpeed() {
    // 1 GiB eventually consistent: 131,072 units; at 100 units/s about 22 minutes.
    assertThat(Handover.projected(table(1_000_000, 1L << 30), OptionalInt.of(100), false))
        .isEqualTo(Duration.ofMillis(1_310_720));
    assertThat(Handover.projected(table(1_000_000, 1L << 30), OptionalInt.of(100), true))
        .isEqualTo(Duration.ofMillis(2_621_440));
    assertThat(Handover.projected(table(5_000_000, 1L << 20), OptionalInt.empty(), false))
        .isEqualTo(Duration.ofSeconds(5000));
  }

  @Test
  void aStreamThatKeepsLessThanTwiceTheProjectionIsRefusedInOneSentence() {
    TableDescription big = table(100_000_000, 40L << 30);
    assertThat(Handover.refusal("cdc", Duration.ofHours(24), big, OptionalInt.of(100), false))
        .hasValueSatisfying(
            s ->
                assertThat(s)
                    .startsWith("the stream cdc keeps records 24 hours, but loading orders")
                    .contains("rcu=100")
                    .contains("raise the stream's retention"));
    assertThat(
            Handover.refusal(
                "cdc", Duration.ofHours(24), table(1000, 1 << 20), OptionalInt.empty(), false))
        .isEmpty();
  }
}
