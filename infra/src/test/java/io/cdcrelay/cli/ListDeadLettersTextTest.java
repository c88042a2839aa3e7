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
  void aLongReasonKeepsItsBeginningAndTheEndThatSaysWhatToDo() {
    String reason =
        "the change is of DynamoDB table \"walk_other_table_with_a_long_name\", but the target table"
            + " doc.walk_orders_with_an_even_longer_name is bound to DynamoDB table"
            + " \"walk_orders_with_an_even_longer_name\" (CRATEDB_SOURCE_TABLE); route it with"
            + " CRATEDB_TABLE_MAP or a schema-only target URL";
    String shown = ListDeadLettersCommand.shortened(reason);

    assertThat(shown.length()).isLessThanOrEqualTo(163);
    assertThat(shown)
        .startsWith("the change is of DynamoDB table \"walk_other_table_with_a_long_name\", but")
        .contains(" … ")
        .endsWith("route it with CRATEDB_TABLE_MAP or a schema-only target URL");
    String head = shown.substring(0, shown.indexOf(" … "));
    String tail = shown.substring(shown.indexOf(" … ") + 3);
    assertThat(reason).startsWith(head).endsWith(tail).contains(head + " ");
    assertThat(reason).contains(" " + tail);
    assertThat(ListDeadLettersCommand.shortened("not JSON")).isEqualTo("not JSON");
  }

  @Test
  void oneLetterIsCountedInTheSingular() {
    List<DeadLetterSummary> one =
        List.of(
            new DeadLetterSummary(
                "doc.orders",
                "decode",
                "not JSON",
                1,
                Instant.parse("2026-12-05T02:00:00Z"),
                Instant.parse("2026-12-05T02:00:00Z")));
    assertThat(ListDeadLettersCommand.toText(one)).endsWith("\n1 dead letter in 1 group");
  }

  @Test
  void noGroupsSaySo() {
    assertThat(ListDeadLettersCommand.toText(List.of())).isEqualTo("no dead letters");
  }
}
