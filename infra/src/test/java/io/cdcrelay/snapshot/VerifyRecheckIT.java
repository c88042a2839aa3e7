package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.verify.Verifier;
import io.cdcrelay.verify.VerifyReport;
import io.cdcrelay.verify.VerifySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Verify reads every difference of its first pass again, item and row, before it reports one: an
 * item changed back meanwhile is equal after all, and one deleted meanwhile (its row never written,
 * or removed) is gone from both sides. On a real PostgreSQL, with a source whose Scan saw the table
 * before those changes and whose reads by key see it after them.
 */
class VerifyRecheckIT {

  /** A table in memory as its Scan saw it ({@code scanned}) and as reads by key see it now. */
  private static final class ChangedSource implements TableSource {
    final List<Map<String, AttributeValue>> scanned;
    final Map<String, Map<String, AttributeValue>> now = new LinkedHashMap<>();
    int reads;

    ChangedSource(List<Map<String, AttributeValue>> scanned) {
      this.scanned = scanned;
    }

    @Override
    public TableDescription describe() {
      return InMemoryTables.keyedById("recheck", scanned.size());
    }

    @Override
    public ScanPage scan(
        int segment,
        int totalSegments,
        Map<String, AttributeValue> startKey,
        int limit,
        boolean consistentRead,
        boolean reportCapacity) {
      return new ScanPage(segment == 0 ? scanned : List.of(), Map.of(), 1.0);
    }

    @Override
    public synchronized Optional<Map<String, AttributeValue>> getItem(
        Map<String, AttributeValue> key) {
      reads++;
      return Optional.ofNullable(now.get(((AttributeValue.S) key.get("id")).value()));
    }

    @Override
    public void close() {}
  }

  private static Map<String, AttributeValue> item(String id, String value) {
    return Map.of("id", new AttributeValue.S(id), "v", new AttributeValue.S(value));
  }

  @Test
  void aDifferenceUndoneMeanwhileIsEqualAndOneDeletedFromBothSidesIsGoneNotMissing()
      throws Exception {
    LoadTestTable target = LoadTestTable.fresh("recheck");
    List<Map<String, AttributeValue>> loaded = List.of(item("a", "1"), item("b", "1"));
    ChangedSource load = new ChangedSource(loaded);
    SnapshotLoad.Result result =
        new SnapshotLoad(
                SnapshotSettings.of(
                    DynamoDbTableUrl.parse("dynamodb://aws/recheck?region=us-east-1"),
                    true,
                    null,
                    null,
                    Map.of()),
                target.config,
                () -> null,
                target.database.schema(),
                load,
                target.relays((method, args) -> {}),
                null,
                new StopSignal(),
                target.clock)
            .run();
    assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.DONE);

    // The Scan saw b changed and c put; by the re-check b was changed back, and c deleted before
    // its change reached the target.
    List<Map<String, AttributeValue>> scanned =
        new ArrayList<>(List.of(item("a", "1"), item("b", "2"), item("c", "1")));
    ChangedSource source = new ChangedSource(scanned);
    source.now.put("a", item("a", "1"));
    source.now.put("b", item("b", "1"));
    VerifyReport report =
        new Verifier(
                new VerifySettings(
                    DynamoDbTableUrl.parse("dynamodb://aws/recheck?region=us-east-1&segments=2"),
                    false,
                    10,
                    1,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    1000),
                target.config,
                () -> null,
                source,
                target.relays((method, args) -> {}),
                new StopSignal(),
                target.clock)
            .run();

    assertThat(report.isEqual()).as(report.text()).isTrue();
    assertThat(report.equal()).as("equal, once read again").isEqualTo(2);
    assertThat(report.rechecked()).as("b, changed back").isEqualTo(1);
    assertThat(report.vanished()).as("c, gone from both sides").isEqualTo(1);
    assertThat(report.missing()).isEmpty();
    assertThat(report.different()).isEmpty();
    assertThat(report.text()).contains("gone from both sides while verify ran: 1");
    assertThat(source.reads).as("only the differences read again").isEqualTo(2);
  }
}
