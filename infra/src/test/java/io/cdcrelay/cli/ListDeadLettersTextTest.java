package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.deadletter.DeadLetterSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListDeadLettersTextTest {

  @Test
  void columnsStayAlignedWhateverTheTimestampsPrecision() {
    // CrateDB keeps milliseconds, PostgreSQL microseconds: 24 and 27 characters.
    List<DeadLetterSummary> groups =
        List.of(
            new DeadLetterSummary(
                "doc.orders",
                "decode",
                "not JSON",
                2,
                Instant.parse("2026-12-05T02:00:00.123456Z"),
                Instant.parse("2026-12-05T01:00:00Z")),
            new DeadLetterSummary(
                "doc.customers",
                "write",
                "value too long",
                1,
                Instant.parse("2026-12-05T02:00:00.120Z"),
                Instant.parse("2026-12-05T02:00:00.120Z")));

    List<String> lines = ListDeadLettersCommand.toText(groups).lines().toList();

    assertThat(lines).hasSize(4);
    int reason = lines.get(0).indexOf("REASON");
    assertThat(lines.get(1).indexOf("not JSON")).isEqualTo(reason);
    assertThat(lines.get(2).indexOf("value too long")).isEqualTo(reason);
    assertThat(lines.get(1)).contains("2026-12-05T02:00:00.123456Z  not JSON");
    assertThat(lines.get(3)).isEqualTo("3 dead letters in 2 groups");
  }

  @Test
  void noGroupsSaySo() {
    assertThat(ListDeadLettersCommand.toText(List.of())).isEqualTo("no dead letters");
  }
}
