package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.S3ExportFixture;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handover from a DynamoDB export in S3 to the stream ({@code relay load table
 * 'kinesis+dynamodb+cdc://…' --snapshot 's3://…/AWSDynamoDB/EXPORT_ID/'}): writers change the table
 * (dynalite) and mirror each write into kinesis-local; the export of the table at a moment between
 * their writes is written in AWS's layout into moto's S3; they change it further, then the export
 * is loaded beside the stream while other writers change other keys, and {@code relay verify} finds
 * the target equal to the table. An export older than the stream keeps its records, or taken before
 * the stream was created, is refused before anything is loaded; a folder without an export is named
 * in one sentence.
 */
class ExportHandoverIT extends DynamoDbTableTest {

  private static MotoServer moto;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }

  private final KinesisEmulator kinesis = KinesisLocal.get();
  private S3ExportFixture s3;
  private String exportId;
  private String stream;

  @BeforeEach
  void startExport() {
    s3 = new S3ExportFixture(moto.port());
    exportId = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
    stream = "export-handover-" + table.table().replace('_', '-');
  }

  @AfterEach
  void closeExport() {
    s3.close();
  }

  @Test
  void theExportBesideTheStreamConverges() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "h", 200));
    kinesis.createStream(stream, 2);
    // The stream must exist by the export time less CRATEDB_CLOCK_SKEW (5 s), or the handover is
    // refused: the changes before the stream was created were never streamed.
    Instant streamCreated = Instant.now();
    MirroredWriters before = new MirroredWriters(dynamo, source, kinesis, stream, "h", 60, 13);
    before.start();
    S3ExportFixture.Export export;
    try {
      awaitWrites(before, 20);
      awaitTime(streamCreated.plusSeconds(6));
      // The export shows the table at a moment between two writes, as DynamoDB's does.
      Instant exportTime = before.pause();
      try {
        export =
            s3.write(
                "exports", exportId, source, exportTime, S3ExportFixture.roundRobin(scan(), 3));
      } finally {
        before.resume();
      }
      awaitWrites(before, before.writes() + 20);
    } finally {
      before.stop();
    }
    // The last changes after the export are older than the load's start less CRATEDB_CLOCK_SKEW
    // (5 s): the export's rows must not win over them, as they would if dated by the load's start.
    awaitTime(Instant.now().plusSeconds(6));
    // Other keys change while the export is loaded beside the stream.
    MirroredWriters during = new MirroredWriters(dynamo, source, kinesis, stream, "w", 30, 17);
    during.start();
    Run run;
    try {
      run =
          run(
              "load",
              "table",
              kinesis.url(stream, "once=true"),
              "--snapshot",
              // The table is in dynalite, not moto: the key schema is given.
              s3.url(export.folder(), "key=id:S&batch-size=10&parallel=2"),
              "--target",
              target());
    } finally {
      during.stop();
    }
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("loaded s3://" + S3ExportFixture.BUCKET + "/" + export.folder())
        .contains(" into " + table + ": ")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY);
    assertThat(during.writes()).as("writes during the load").isPositive();
    // The relay goes on: what the writers wrote last.
    Run rest = run("load", "table", kinesis.url(stream, "once=true"), "--target", target());
    assertThat(rest.exitCode()).as(rest.output()).isZero();

    Run verify = run("verify", dynamo.url(source, ""), target(), "--rechecks", "1");
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).contains(": EQUAL");
  }

  @Test
  void anExportOlderThanTheStreamsRetentionIsRefused() {
    kinesis.createStream(stream, 1);
    // kinesis-local keeps records 24 hours.
    Instant exportTime = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    S3ExportFixture.Export export =
        s3.write(
            "old",
            exportId,
            source,
            exportTime,
            S3ExportFixture.roundRobin(TestItems.mixed("id", "o", 3), 1));
    Run run =
        run(
            "load",
            "table",
            kinesis.url(stream, "once=true"),
            "--snapshot",
            s3.url(export.folder(), "key=id:S"),
            "--target",
            target());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "Cannot hand over: the export s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.folder()
                + " shows the table at "
                + exportTime
                + ", but the stream "
                + stream
                + " keeps records 24 hours")
        .contains("take a new export (ExportTableToPointInTime), or load the table with")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY);
    assertThat(recorded()).as("nothing loaded").isZero();
  }

  @Test
  void anExportTakenBeforeTheStreamWasCreatedIsRefused() {
    // Export first, then the stream: the changes made in between were never streamed.
    Instant exportTime = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    kinesis.createStream(stream, 1);
    S3ExportFixture.Export export =
        s3.write(
            "early",
            exportId,
            source,
            exportTime,
            S3ExportFixture.roundRobin(TestItems.mixed("id", "e", 3), 1));
    Run run =
        run(
            "load",
            "table",
            kinesis.url(stream, "once=true"),
            "--snapshot",
            s3.url(export.folder(), "key=id:S"),
            "--target",
            target());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "Cannot hand over: the export s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.folder()
                + " shows the table at "
                + exportTime
                + ", but the stream "
                + stream
                + " was created at ")
        .contains("the changes made in between were never streamed, so take a new export")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY);
    assertThat(recorded()).as("nothing loaded").isZero();
  }

  @Test
  void aFolderWithoutAnExportIsNamedInOneSentence() {
    kinesis.createStream(stream, 1);
    String folder = "none/AWSDynamoDB/" + exportId + "/";
    Run run =
        run(
            "load",
            "table",
            kinesis.url(stream, "once=true"),
            "--snapshot",
            s3.url(folder, "key=id:S"),
            "--target",
            target());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "no export at s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + folder
                + ": manifest-summary.json is missing")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY)
        .doesNotContain("\tat ");
  }

  /** The table's items now. */
  private List<Map<String, AttributeValue>> scan() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamo.client().scanPaginator(r -> r.tableName(source)).items().forEach(items::add);
    return items;
  }

  private static void awaitTime(Instant time) throws InterruptedException {
    while (Instant.now().isBefore(time)) {
      Thread.sleep(50);
    }
  }

  private static void awaitWrites(MirroredWriters writers, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (writers.writes() < count) {
      assertThat(System.nanoTime()).as("writers reach %d writes", count).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
