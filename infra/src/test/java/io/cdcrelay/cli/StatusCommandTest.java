package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code relay status} prints durations and rows. */
class StatusCommandTest {

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertThat(StatusCommand.human(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(StatusCommand.human(Duration.ofSeconds(12))).isEqualTo("12s");
    assertThat(StatusCommand.human(Duration.ofSeconds(184))).isEqualTo("3m 4s");
    assertThat(StatusCommand.human(Duration.ofMinutes(306))).isEqualTo("5h 6m");
    assertThat(StatusCommand.human(Duration.ofHours(176))).isEqualTo("7d 8h");
    assertThat(StatusCommand.human(Duration.ofSeconds(-5))).isEqualTo("0ms");
  }

  @Test
  void rowsAreAlignedUnderTheirHeadings() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    Target.Status row =
        new Target.Status(
            "arn:s",
            "shardId-1",
            new TableName("doc", "orders"),
            "42",
            now.minusSeconds(90),
            now.minusSeconds(30),
            10,
            7,
            2,
            1,
            0,
            3,
            4);

    List<String> lines = StatusCommand.table(List.of(row), now).lines().toList();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("doc.orders    arn:s   shardId-1");
    assertThat(lines.get(1))
        .contains("30s ago", "1m 0s")
        .endsWith("10        7         2        1        0     3         4");
    assertThat(lines.get(0).indexOf("RECEIVED")).isEqualTo(lines.get(1).indexOf("10 "));
  }
}
