package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.local.StopSignal;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.source.S3ExportUrl;
import io.cdcrelay.testing.InterceptedTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A connection dropped mid-way through a data file: S3 sends the whole {@code Content-Length}, then
 * half the body, then closes, which the SDK's URL-connection client ends as if it were whole. The
 * file is read again from its last recorded line, not failed as a broken gzip file; a body cut
 * every time fails the file, naming it. An S3 endpoint in this JVM, a real PostgreSQL.
 */
class ExportLoadDroppedConnectionIT {

  private static final String BUCKET = "relay-exports";

  private final List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>>
      items = TestItems.mixed("id", "cut", 600);
  private final String exportId = System.currentTimeMillis() + "-dropped";
  private final Map<String, byte[]> objects =
      S3ExportFixture.objects(
          "p",
          exportId,
          "Dropped",
          Instant.now().minusSeconds(60),
          S3ExportFixture.roundRobin(items, 2));
  private final S3ExportFixture.Export export = S3ExportFixture.export("p", exportId, objects);

  @Test
  void aBodyCutShortIsReadAgainFromItsLastRecordedLine() throws Exception {
    try (CuttingS3Server s3 = new CuttingS3Server(BUCKET, objects)) {
      String cut = export.dataFiles().get(0);
      s3.cut(cut, 1);

      LoadTestTable target = LoadTestTable.fresh("export_cut_once");
      AtomicInteger upserted = new AtomicInteger();
      SnapshotLoad.Result result =
          load(
              s3,
              target,
              "5m",
              (method, args) -> {
                if (method.equals("upsert")) {
                  upserted.addAndGet(((List<?>) args[1]).size());
                }
              });

      assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.DONE);
      assertThat(result.summary()).contains(": 600 items from 2 files");
      assertThat(s3.gets(cut)).as("GETs of the cut file").isEqualTo(2);
      assertThat(target.rows()).isEqualTo(600);
      // Read again after the lines applied before the cut: none of them is applied twice.
      assertThat(upserted.get()).as("rows written").isEqualTo(600);
    }
  }

  @Test
  void aBodyCutAfterLongerThanTheGiveUpTimeIsStillReadAgain() throws Exception {
    // The give-up time runs from the read's first failure, not from the file's start.
    try (CuttingS3Server s3 = new CuttingS3Server(BUCKET, objects)) {
      String cut = export.dataFiles().get(1);
      s3.cut(cut, 1);
      s3.pauseBeforeCut(Duration.ofMillis(1500));

      LoadTestTable target = LoadTestTable.fresh("export_cut_late");
      SnapshotLoad.Result result = load(s3, target, "1s");

      assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.DONE);
      assertThat(s3.gets(cut)).as("GETs of the cut file").isEqualTo(2);
      assertThat(target.rows()).isEqualTo(600);
    }
  }

  @Test
  void aBodyCutShortEveryTimeFailsNamingItsFile() throws Exception {
    try (CuttingS3Server s3 = new CuttingS3Server(BUCKET, objects)) {
      String cut = export.dataFiles().get(0);
      s3.cut(cut, Integer.MAX_VALUE);

      SnapshotLoad.Result result = load(s3, LoadTestTable.fresh("export_cut_always"), "1s");

      assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.FAILED);
      assertThat(result.summary())
          .contains("1 of 2 files done")
          .contains("s3://" + BUCKET + "/" + cut + ": failed: ")
          // In the words every step that gives up uses: how long, the limit, the step.
          .containsPattern(
              "failed: Gave up after \\d+ s of failures \\(--give-up-after 1 s\\): reading s3://"
                  + java.util.regex.Pattern.quote(BUCKET + "/" + cut)
                  + ": reading s3://")
          .containsPattern("the connection ended after \\d+ of the object's \\d+ bytes");
      assertThat(s3.gets(cut)).as("GETs of the cut file").isGreaterThan(1);
    }
  }

  private SnapshotLoad.Result load(CuttingS3Server s3, LoadTestTable target, String giveUpAfter)
      throws Exception {
    return load(s3, target, giveUpAfter, (method, args) -> {});
  }

  private SnapshotLoad.Result load(
      CuttingS3Server s3, LoadTestTable target, String giveUpAfter, InterceptedTarget.Before hook)
      throws Exception {
    S3ExportUrl url =
        S3ExportUrl.parse(
            "s3://AKIAEXAMPLE:secret@"
                + BUCKET
                + "/"
                + export.folder()
                + "?region=us-east-1&endpoint=127.0.0.1:"
                + s3.port()
                + "&batch-size=25&parallel=2");
    try (S3ExportFiles files = S3ExportFiles.from(url)) {
      return new ExportLoad(
              ExportLoad.Settings.of(url, true, giveUpAfter, null, Map.of()),
              target.config,
              () -> null,
              target.database.schema(),
              files,
              arn ->
                  new TableDescription(
                      "Dropped",
                      arn,
                      List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)),
                      0,
                      0,
                      Optional.empty()),
              target.relays(hook),
              null,
              new StopSignal(),
              target.clock)
          .run();
    }
  }
}
