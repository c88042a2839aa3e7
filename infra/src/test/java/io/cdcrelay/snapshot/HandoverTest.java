package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.KeySchema;
import java.time.Duration;
import java.time.Instant;
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
  void aStreamThatKeepsExactlyTwiceTheProjectionTakesOver() {
    // Unpaced: 1,000 items/s; 43,200,000 items take 12 hours, twice that is the retention.
    assertThat(
            Handover.refusal(
                "cdc",
                Duration.ofHours(24),
                table(43_200_000, 1 << 20),
                OptionalInt.empty(),
                false))
        .isEmpty();
    assertThat(
            Handover.refusal(
                "cdc",
                Duration.ofHours(24),
                table(43_200_001, 1 << 20),
                OptionalInt.empty(),
                false))
        .isPresent();
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

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(5);

  private static Optional<String> exportRefusal(Instant exportTime) {
    return Handover.exportRefusal(
        "cdc",
        Duration.ofHours(24),
        Optional.of(exportTime.minus(Duration.ofDays(30))),
        "s3://b/p/AWSDynamoDB/01/",
        exportTime,
        SKEW,
        NOW);
  }

  private static Optional<String> exportRefusal(Instant exportTime, Optional<Instant> created) {
    return Handover.exportRefusal(
        "cdc", Duration.ofHours(24), created, "s3://b/p/AWSDynamoDB/01/", exportTime, SKEW, NOW);
  }

  @Test
  void anExportWhoseChangesAreStillInTheStreamWithAnHourToSpareIsTakenOver() {
    assertThat(exportRefusal(NOW.minusSeconds(60))).isEmpty();
    assertThat(exportRefusal(NOW)).isEmpty();
    // The oldest change needed (export time less the skew) expires in exactly an hour.
    assertThat(exportRefusal(NOW.minus(Duration.ofHours(23)).plus(SKEW))).isEmpty();
  }

  @Test
  void anExportCloserThanAnHourToTheStreamsRetentionIsRefusedInOneSentence() {
    assertThat(exportRefusal(NOW.minus(Duration.ofHours(23)).plus(SKEW).minusMillis(1)))
        .isPresent();
    assertThat(exportRefusal(NOW.minus(Duration.ofDays(2))))
        .hasValueSatisfying(
            s ->
                assertThat(s)
                    .isEqualTo(
                        "the export s3://b/p/AWSDynamoDB/01/ shows the table at"
                            + " 2026-11-28T12:00:00Z, but the stream cdc keeps records 24 hours:"
                            + " the changes made since 2026-11-28T11:59:55Z (the export time less"
                            + " CRATEDB_CLOCK_SKEW) must still be in the stream, with 60 min to"
                            + " spare for the relay to read them, so the export must be younger"
                            + " than 23.0 h: take a new export (ExportTableToPointInTime), or"
                            + " load the table with --snapshot 'dynamodb://…'"));
    // A longer retention covers an older export.
    assertThat(
            Handover.exportRefusal(
                "cdc",
                Duration.ofDays(7),
                Optional.empty(),
                "s3://b/p/AWSDynamoDB/01/",
                NOW.minus(Duration.ofDays(2)),
                SKEW,
                NOW))
        .isEmpty();
  }

  @Test
  void anExportTakenBeforeTheStreamWasCreatedIsRefusedInOneSentence() {
    // Export first, then the stream: the changes between the two were never streamed.
    Instant exportTime = NOW.minus(Duration.ofHours(1));
    assertThat(exportRefusal(exportTime, Optional.of(exportTime.plus(Duration.ofMinutes(10)))))
        .hasValue(
            "the export s3://b/p/AWSDynamoDB/01/ shows the table at 2026-11-30T11:00:00Z, but the"
                + " stream cdc was created at 2026-11-30T11:10:00Z, after 2026-11-30T10:59:55Z (the"
                + " export time less CRATEDB_CLOCK_SKEW): the changes made in between were never"
                + " streamed, so take a new export (ExportTableToPointInTime), or load the table"
                + " with --snapshot 'dynamodb://…'");
    // The export's rows are dated the skew before its time: the stream must be as old.
    assertThat(exportRefusal(exportTime, Optional.of(exportTime.minus(SKEW).plusMillis(1))))
        .isPresent();
    assertThat(exportRefusal(exportTime, Optional.of(exportTime.minus(SKEW)))).isEmpty();
  }

  @Test
  void anExportBesideAStreamOfUnknownCreationTimeIsCheckedForRetentionAlone() {
    Instant exportTime = NOW.minus(Duration.ofHours(1));
    assertThat(exportRefusal(exportTime, Optional.empty())).isEmpty();
    assertThat(exportRefusal(NOW.minus(Duration.ofDays(2)), Optional.empty()))
        .hasValueSatisfying(s -> assertThat(s).contains("keeps records 24 hours"));
  }

  @Test
  void aDynamoDbStreamTakesOverOnlyFromASnapshotOfItsOwnTable() {
    String arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    assertThat(Handover.otherTable("orders", "orders", arn)).isEmpty();
    assertThat(Handover.otherTable(arn, "orders", arn)).isEmpty();
    assertThat(Handover.otherTable("orders", "orders", null)).isEmpty();
    assertThat(Handover.otherTable(arn, "orders", null))
        .as("a snapshot of unknown ARN is compared by name")
        .isEmpty();
    assertThat(Handover.otherTable("users", "orders", arn))
        .contains(
            "the stream is that of DynamoDB table users, the snapshot reads table orders: a"
                + " handover loads the stream's own table (--snapshot dynamodb://…/users)");
    // The same name in another account or region is another table.
    assertThat(
            Handover.otherTable(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders", "orders", arn))
        .isPresent();
  }

  @Test
  void tableNamesDifferingInCaseAreTwoTables() {
    // DynamoDB table names are case-sensitive: Orders and orders are two tables.
    assertThat(Handover.otherTable("Orders", "orders", null)).isPresent();
  }
}
