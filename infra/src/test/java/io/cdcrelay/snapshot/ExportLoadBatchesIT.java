package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.local.StopSignal;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.source.S3ExportUrl;
import io.cdcrelay.testing.InterceptedTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The batches of a load from an export: they end at their bytes as well as at {@code batch-size}
 * (with items of up to 400 KB, batches of 500 from four files at once would outgrow the heap), and
 * a stop ends the load after the batch under way. An export in AWS's layout in moto's S3, loaded
 * into a real PostgreSQL.
 */
class ExportLoadBatchesIT {

  @RegisterExtension static final MotoDynamoDb MOTO = new MotoDynamoDb();

  @Test
  void aBatchEndsAtItsBytesWhateverItsBatchSize() throws Exception {
    // Two files of 30 items of about 10 KB; batches of up to 100 items, or 50,000 bytes of lines:
    // a batch ends with its fifth line.
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      items.add(
          Map.of("id", TestItems.s("item-" + i), "body", TestItems.s("x".repeat(10_000) + i)));
    }
    List<Integer> writes = new CopyOnWriteArrayList<>();
    int rows;
    try (S3ExportFixture s3 = new S3ExportFixture(MOTO.get().port())) {
      S3ExportFixture.Export export =
          s3.write(
              "exports/bytes",
              System.currentTimeMillis() + "-batchbytes",
              "Large",
              Instant.now().minusSeconds(60),
              S3ExportFixture.roundRobin(items, 2));
      S3ExportUrl url = S3ExportUrl.parse(s3.url(export.folder(), "batch-size=100&parallel=2"));
      rows =
          load(
              ExportLoad.Settings.of(url, true, null, null, Map.of()).withBatchBytes(50_000),
              url,
              (method, args) -> {
                if (method.equals("upsert")) {
                  writes.add(((List<?>) args[1]).size());
                }
              });
    }

    assertThat(rows).as("rows loaded").isEqualTo(60);
    assertThat(writes)
        .as("rows per write")
        .allSatisfy(size -> assertThat(size).isBetween(1, 5))
        .hasSizeGreaterThanOrEqualTo(12);
  }

  @Test
  void aStopEndsTheLoadAfterTheBatchUnderWayNotAtTheEndOfItsFile() throws Exception {
    // One file of 200 items in batches of 10: a stop (SIGINT, SIGTERM) during the first write
    // ends the load once that batch is applied and recorded; the rest is the resume's.
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "s", 200);
    StopSignal stop = new StopSignal();
    List<Integer> writes = new CopyOnWriteArrayList<>();
    int rows;
    try (S3ExportFixture s3 = new S3ExportFixture(MOTO.get().port())) {
      S3ExportFixture.Export export =
          s3.write(
              "exports/stop",
              System.currentTimeMillis() + "-stop",
              "Large",
              Instant.now().minusSeconds(60),
              List.of(items.stream().map(S3ExportFixture::line).toList()));
      S3ExportUrl url = S3ExportUrl.parse(s3.url(export.folder(), "batch-size=10&parallel=1"));
      rows =
          load(
              ExportLoad.Settings.of(url, true, null, null, Map.of()),
              url,
              (method, args) -> {
                if (method.equals("upsert")) {
                  writes.add(((List<?>) args[1]).size());
                  stop.stop();
                }
              },
              stop,
              SnapshotLoad.Status.STOPPED);
    }

    assertThat(writes).as("rows per write").containsExactly(10);
    assertThat(rows).as("rows loaded").isEqualTo(10);
  }

  /** Loads the export into a fresh table, to its end; the rows it holds then. */
  private static int load(
      ExportLoad.Settings settings, S3ExportUrl url, InterceptedTarget.Before hook)
      throws Exception {
    return load(settings, url, hook, new StopSignal(), SnapshotLoad.Status.DONE);
  }

  /** Loads the export into a fresh table until it ends as {@code ends}; the rows it holds then. */
  private static int load(
      ExportLoad.Settings settings,
      S3ExportUrl url,
      InterceptedTarget.Before hook,
      StopSignal stop,
      SnapshotLoad.Status ends)
      throws Exception {
    LoadTestTable target = LoadTestTable.fresh("export_bytes");
    try (S3ExportFiles files = S3ExportFiles.from(url)) {
      SnapshotLoad.Result result =
          new ExportLoad(
                  settings,
                  target.config,
                  () -> null,
                  target.database.schema(),
                  files,
                  arn ->
                      new TableDescription(
                          "Large",
                          arn,
                          List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)),
                          0,
                          0,
                          Optional.empty()),
                  target.relays(hook),
                  null,
                  stop,
                  target.clock)
              .run();
      assertThat(result.status()).as(result.summary()).isEqualTo(ends);
    }
    return target.rows();
  }
}
