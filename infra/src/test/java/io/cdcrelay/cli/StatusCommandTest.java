package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Test
  void theRegionComesFromTheSourceUrlTheFunctionArnTheQueueUrlOrTheEnvironment() {
    String arn = "arn:aws:lambda:eu-west-3:123456789012:function:relay";
    String queue = "https://sqs.ap-south-1.amazonaws.com/123456789012/failed";
    Map<String, String> env = Map.of("AWS_REGION", "us-west-2");
    assertThat(
            StatusCommand.region(
                Optional.of(
                    io.cdcrelay.source.SourceUrl.parse(
                        "kinesis+dynamodb+cdc://localhost:4566/s?region=eu-north-1")),
                arn,
                queue,
                env))
        .contains("eu-north-1");
    assertThat(StatusCommand.region(Optional.empty(), arn, queue, env)).contains("eu-west-3");
    assertThat(StatusCommand.region(Optional.empty(), "relay", queue, env)).contains("ap-south-1");
    assertThat(StatusCommand.region(Optional.empty(), "relay", null, env)).contains("us-west-2");
    assertThat(
            StatusCommand.region(
                Optional.empty(),
                null,
                "http://localhost:4566/1/q",
                Map.of("AWS_DEFAULT_REGION", "sa-east-1")))
        .contains("sa-east-1");
    assertThat(StatusCommand.region(Optional.empty(), "relay", null, Map.of())).isEmpty();
  }
}
