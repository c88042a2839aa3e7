package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.S3ExportFixture;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.TableRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The load from a DynamoDB export to S3 ({@code relay load 's3://…/AWSDynamoDB/EXPORT_ID/'}) from
 * an export in AWS's layout in moto's S3 into a real database, written once and run per database:
 * every type over several data files with a poison line, S/N/B keys, the key schema from
 * DescribeTable or {@code key=}, a data file gone (the load is short, then the same command loads
 * only that file), a corrupt gzip file, a missing manifest.
 */
abstract class ExportLoadContract extends DynamoDbTableTest {

  private S3ExportFixture s3;
  private String exportId;
  private final Instant exportTime =
      Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);

  @BeforeEach
  void startExport() {
    s3 = new S3ExportFixture(dynamo.port());
    exportId = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeExport() {
    s3.close();
  }

  @Test
  void everyTypeFromSeveralDataFilesIsLoadedAndAPoisonLineIsDeadLettered() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    items.add(TestItems.everyType("id", TestItems.s("every")));
    items.addAll(TestItems.mixed("id", "x", 29));
    List<List<String>> files = S3ExportFixture.roundRobin(items, 3);
    files.get(1).add(5, "{\"Item\":{\"id\":{\"S\":\"poison\"},\"bad\":{\"N\":[1]}}}");
    files.add(List.of()); // an empty partition gives an empty data file
    S3ExportFixture.Export export = s3.write("exports/daily", exportId, source, exportTime, files);

    Run run =
        run(
            "load",
            "table",
            s3.url(export.folder(), "batch-size=4&parallel=2"),
            "--target",
            target());

    assertThat(run.exitCode()).as("loaded but for a dead letter: " + run.output()).isEqualTo(3);
    assertLoaded(items, "id");
    assertThat(run.output())
        .contains("loaded s3://" + S3ExportFixture.BUCKET + "/" + export.folder())
        .contains(": 31 items from 4 files (the manifest's count: 31)")
        .contains("1 dead-lettered")
        .contains(
            "1 item set aside as a dead letter is not in "
                + table
                + ": relay dead-letters list TARGET says why")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY);
    // Every row carries the snapshot version of the export time (less the clock-skew margin).
    for (TableRows.Row row : TableRows.read(database(), table).values()) {
      ChangeVersion version = ChangeVersion.decode(row.version());
      assertThat(version.sequenceNumber()).isEqualTo(ChangeVersion.LOWEST_SEQUENCE);
      assertThat(version.createdAt()).isEqualTo(exportTime.minusSeconds(5));
    }
    // A line that is not an item has no table to go to: the state schema's dead letters.
    assertThat(deadLetterReasons(export.dataFiles().get(1)))
        .singleElement()
        .asString()
        .contains("line 6 of s3://" + S3ExportFixture.BUCKET + "/" + export.dataFiles().get(1));
    // Each data file is recorded as done, with its items.
    Map<Integer, Long> cursors = cursors();
    assertThat(cursors).containsEntry(0, 10L).containsEntry(1, 11L).containsEntry(2, 10L);
    assertThat(cursors).containsEntry(3, 0L);

    Run again = run("load", s3.url(export.folder(), ""), target());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("is complete (31 items); --restart loads it again");

    // The table dropped since (to add shards, say): not "complete" over an empty table.
    dropTarget();
    Run dropped = run("load", s3.url(export.folder(), ""), target());
    assertThat(dropped.exitCode()).as(dropped.output()).isEqualTo(2);
    assertThat(dropped.output())
        .contains(
            "applied 31 items, but the table did not exist (dropped since?) and was created again"
                + " empty: load it anew with --restart");
    Run restarted = run("load", s3.url(export.folder(), ""), target(), "--restart");
    assertThat(restarted.exitCode())
        .as("the poison line again: " + restarted.output())
        .isEqualTo(3);
    assertLoaded(items, "id");
  }

  @Test
  void numberAndBinaryKeysAreLoadedWithTheKeySchemaFromTheKeyOption() throws Exception {
    // No such table in DynamoDB: the key schema comes from key=.
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      items.add(
          Map.of(
              "shop", TestItems.n(i % 3 == 0 ? "-1.5" : Integer.toString(i % 3)),
              "code", TestItems.b(new byte[] {(byte) i, (byte) 0xff}),
              "qty", TestItems.n(Integer.toString(i))));
    }
    S3ExportFixture.Export export =
        s3.write("", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 2));

    Run refused = run("load", s3.url(export.folder(), ""), target());
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output())
        .contains("the export does not hold the key schema of " + source)
        .contains("key=ATTRIBUTE:TYPE");

    Run run = run("load", s3.url(export.folder(), "key=shop:N,code:B"), target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(items, "shop", "code");
  }

  @Test
  void aKeyOptionThatLeavesOutTheSortKeyFailsBeforeItemsOfOneKeyOverwriteEachOther()
      throws Exception {
    // A table keyed by pk and sk, loaded with key=pk:S: four items per pk would be one row each.
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      items.add(
          Map.of(
              "pk", TestItems.s("p" + i / 4),
              "sk", TestItems.n(Integer.toString(i)),
              "v", TestItems.s("v" + i)));
    }
    S3ExportFixture.Export export =
        s3.write("", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 2));

    Run wrong = run("load", s3.url(export.folder(), "key=pk:S&parallel=1"), target());

    assertThat(wrong.exitCode()).as(wrong.output()).isEqualTo(1);
    assertThat(wrong.output())
        .contains("FAILED after 0 items, 0 of 2 files done")
        .contains(
            "lines 1 and 2 of s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.dataFiles().get(0)
                + " hold items of the same key {\"pk\":{\"S\":\"p0\"}} by the key schema of"
                + " key=pk:S")
        .contains("give every key attribute");
    assertThat(TableRows.count(database(), table)).isZero();

    TableName right = new TableName(table.schema(), table.table() + "_right");
    Run run = run("load", s3.url(export.folder(), "key=pk:S,sk:N"), target(right));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(right, items, "pk", "sk");
  }

  @Test
  void aKeyOptionOfAnotherTypeFailsAtTheFirstItemInsteadOfSettingEveryItemAside() throws Exception {
    // id is a number in the table; key=id:S would make every item a dead letter, exit 0.
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      items.add(Map.of("id", TestItems.n(Integer.toString(i)), "v", TestItems.s("v" + i)));
    }
    S3ExportFixture.Export export =
        s3.write("", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 1));

    Run wrong = run("load", s3.url(export.folder(), "key=id:S"), target());

    assertThat(wrong.exitCode()).as(wrong.output()).isEqualTo(1);
    assertThat(wrong.output())
        .contains("FAILED after 0 items")
        .contains(
            "line 1 of s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + export.dataFiles().get(0)
                + " holds the key {\"id\":{\"N\":\"0\"}}, its attribute id of type N, where the"
                + " key schema of key=id:S says S")
        .contains("as in key=id:N");
    assertThat(TableRows.count(database(), table)).isZero();
  }

  @Test
  void anExportCopiedToAnotherPrefixIsLoadedFromWhereItIsNow() throws Exception {
    // The manifest keeps the data files' keys under the prefix the export was written to.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "c", 9);
    Map<String, byte[]> written =
        S3ExportFixture.objects(
            "written/daily", exportId, source, exportTime, S3ExportFixture.roundRobin(items, 3));
    Map<String, byte[]> copied = new java.util.LinkedHashMap<>();
    written.forEach((key, data) -> copied.put(key.replace("written/daily/", "copied/"), data));
    copied.forEach(s3::put);
    S3ExportFixture.Export export = S3ExportFixture.export("copied", exportId, copied);

    Run run = run("load", s3.url(export.folder(), ""), target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains(": 9 items from 3 files");
    assertLoaded(items, "id");
  }

  @Test
  void aDataFileOfNoBytesHoldsNoItemsAndFailsOnlyWhenItsManifestSaysItHoldsSome() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "q", 6);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 2);
    files.add(List.of());
    S3ExportFixture.Export export = s3.write("p", exportId, source, exportTime, files);
    s3.put(export.dataFiles().get(2), new byte[0]);

    Run run = run("load", s3.url(export.folder(), ""), target());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains(": 6 items from 3 files");
    assertLoaded(items, "id");

    S3ExportFixture.Export emptied =
        s3.write("p", exportId + "-e", source, exportTime, S3ExportFixture.roundRobin(items, 2));
    s3.put(emptied.dataFiles().get(1), new byte[0]);
    Run failed = run("load", s3.url(emptied.folder(), ""), target());
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output())
        .contains(emptied.dataFiles().get(1) + " holds 0 items, its manifest says 3");
  }

  @Test
  void theTableOptionNamesTheTableAndItsKeySchemaComesFromDescribeTable() throws Exception {
    dynamo.createTable(source, "sku:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("sku", "d", 7);
    S3ExportFixture.Export export =
        s3.write("p", exportId, "SomeOtherName", exportTime, S3ExportFixture.roundRobin(items, 1));
    Run run = run("load", s3.url(export.folder(), "table=" + source), target());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertLoaded(items, "sku");
  }

  @Test
  void aDataFileGoneMakesTheLoadShortAndTheSameCommandThenLoadsOnlyThatFile() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "g", 40);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 4);
    S3ExportFixture.Export export = s3.write("p", exportId, source, exportTime, files);
    String gone = export.dataFiles().get(2);
    s3.delete(gone);
    String url = s3.url(export.folder(), "batch-size=3&parallel=2");

    Run failed = run("load", url, target(), "--give-up-after", "2s");

    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output())
        .contains("FAILED after 30 items, 3 of 4 files done")
        .contains("s3://" + S3ExportFixture.BUCKET + "/" + gone + ": failed: ")
        .contains("does not exist");
    assertThat(TableRows.count(database(), table)).isEqualTo(30);

    s3.put(gone, S3ExportFixture.gzip(String.join("\n", files.get(2)) + "\n"));
    Run resumed = run("load", url, target());
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output())
        .contains("resuming the load of s3://")
        .contains(": 40 items from 4 files")
        .contains("10 items in this run");
    assertLoaded(items, "id");
  }

  @Test
  void anExportTimeOfMicrosecondsIsResumedWhereTheDatabaseKeepsMilliseconds() throws Exception {
    // CrateDB keeps a timestamp to the millisecond: the recorded export time is the manifest's cut.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "u", 8);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 2);
    Instant micros = exportTime.plusNanos(123_456_000);
    S3ExportFixture.Export export = s3.write("p", exportId, source, micros, files);
    String gone = export.dataFiles().get(1);
    s3.delete(gone);
    String url = s3.url(export.folder(), "");
    Run failed = run("load", url, target(), "--give-up-after", "1s");
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);

    s3.put(gone, S3ExportFixture.gzip(String.join("\n", files.get(1)) + "\n"));
    Run resumed = run("load", url, target());
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output()).contains("resuming the load of s3://").contains(": 8 items");
    assertLoaded(items, "id");
  }

  @Test
  void aDataFileWithFewerItemsThanItsManifestSaysFailsAndTheSameCommandLoadsItOnceReplaced()
      throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "h", 20);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 2);
    S3ExportFixture.Export export = s3.write("p", exportId, source, exportTime, files);
    String shortFile = export.dataFiles().get(0);
    // A whole gzip file of the first 4 of its 10 lines, as one cut between two gzip members reads.
    s3.put(shortFile, S3ExportFixture.gzip(String.join("\n", files.get(0).subList(0, 4)) + "\n"));
    String url = s3.url(export.folder(), "");

    Run failed = run("load", url, target());

    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output())
        .contains("1 of 2 files done")
        .contains(
            shortFile
                + " holds 4 items, its manifest says 10: it is not the file the export wrote");

    s3.put(shortFile, S3ExportFixture.gzip(String.join("\n", files.get(0)) + "\n"));
    Run resumed = run("load", url, target());
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output()).contains(": 20 items from 2 files");
    assertLoaded(items, "id");
  }

  @Test
  void aCorruptGzipFileFailsNamingItAndTheOtherFilesAreLoaded() throws Exception {
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "z", 20);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 2);
    S3ExportFixture.Export export = s3.write("p", exportId, source, exportTime, files);
    byte[] whole = S3ExportFixture.gzip(String.join("\n", files.get(0)) + "\n");
    s3.put(export.dataFiles().get(0), java.util.Arrays.copyOf(whole, whole.length / 2));

    Run run = run("load", s3.url(export.folder(), ""), target());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains(export.dataFiles().get(0) + " is not a whole gzip file")
        .contains("1 of 2 files done");
    assertThat(cursors()).containsEntry(1, 10L);
  }

  @Test
  void aDataFileCutShortIsResumedAfterItsLastAppliedLine() throws Exception {
    dynamo.createTable(source, "id:S", null);
    // Enough lines that the readable part of the cut file holds whole batches.
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "r", 1000);
    List<List<String>> files = S3ExportFixture.roundRobin(items, 2);
    S3ExportFixture.Export export = s3.write("p", exportId, source, exportTime, files);
    String cut = export.dataFiles().get(0);
    byte[] whole = S3ExportFixture.gzip(String.join("\n", files.get(0)) + "\n");
    s3.put(cut, java.util.Arrays.copyOf(whole, whole.length * 3 / 4));
    String url = s3.url(export.folder(), "batch-size=25&parallel=1");

    Run failed = run("load", url, target());

    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).contains(cut + " is not a whole gzip file");
    long appliedBefore = cursors().get(0);
    assertThat(appliedBefore)
        .as("whole batches of the readable part, recorded as they were applied")
        .isPositive()
        .isLessThan(500);
    assertThat(appliedBefore % 25).isZero();

    s3.put(cut, whole);
    Run resumed = run("load", url, target());
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.output())
        .contains("after line " + appliedBefore + " (" + appliedBefore + " items applied before)")
        .contains((500 - appliedBefore) + " items in this run");
    assertLoaded(items, "id");
  }

  @Test
  void anExportOlderThanItsTablesPurgeHorizonIsRefusedBeforeAnyRowIsWritten() throws Exception {
    // The table is loaded and bound; the stream relay then moved its purge horizon to 8 days
    // before its newest change. An export of 10 days ago would be dead letters too-old, every row.
    dynamo.createTable(source, "id:S", null);
    List<Map<String, AttributeValue>> items = TestItems.mixed("id", "o", 10);
    S3ExportFixture.Export recent =
        s3.write(
            "p", exportId, source, exportTime, S3ExportFixture.roundRobin(items.subList(0, 4), 1));
    Run loaded = run("load", s3.url(recent.folder(), ""), target());
    assertThat(loaded.exitCode()).as(loaded.output()).isZero();
    Instant horizon = Instant.now().minus(8, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    TableName bindings = new TableName(table.schema(), StateSql.TABLES);
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + bindings.quoted()
                    + " SET \"purged_before\" = ? WHERE \"target_table\" = ?")) {
      s.setTimestamp(1, Timestamp.from(horizon));
      s.setString(2, table.toString());
      assertThat(s.executeUpdate()).as("binding rows").isEqualTo(1);
    }
    Instant tenDaysAgo = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    S3ExportFixture.Export old =
        s3.write("p", exportId + "-old", source, tenDaysAgo, S3ExportFixture.roundRobin(items, 2));

    Run refused = run("load", s3.url(old.folder(), ""), target());

    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output())
        .contains(
            "the export s3://"
                + S3ExportFixture.BUCKET
                + "/"
                + old.folder()
                + " shows the table at "
                + tenDaysAgo
                + ": its rows, dated "
                + tenDaysAgo.minusSeconds(5)
                + ", are older than the purge horizon "
                + horizon
                + " of "
                + table)
        .contains("take a newer export (ExportTableToPointInTime)")
        .contains("relay load 'dynamodb://")
        .doesNotContain("dead-lettered");
    assertThat(TableRows.count(database(), table)).isEqualTo(4);
    // A newer export is loaded as ever.
    S3ExportFixture.Export newer =
        s3.write("p", exportId + "-new", source, exportTime, S3ExportFixture.roundRobin(items, 2));
    Run again = run("load", s3.url(newer.folder(), ""), target());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("; 0 dead-lettered");
    assertLoaded(items, "id");
  }

  @Test
  void aFolderWithoutManifestIsRefusedInOneSentence() {
    Run run = run("load", s3.url("nothing/AWSDynamoDB/" + exportId + "/", "key=id:S"), target());
    // Bad input: running it again cannot load what is not there.
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "no export at s3://"
                + S3ExportFixture.BUCKET
                + "/nothing/AWSDynamoDB/"
                + exportId
                + "/: manifest-summary.json is missing")
        .doesNotContain(DynamoDbEmulator.SECRET_KEY)
        .doesNotContain("Exception");

    // A bucket that does not exist is named as such.
    Run noBucket =
        run(
            "load",
            s3.url("x/AWSDynamoDB/" + exportId + "/", "key=id:S")
                .replace("@" + S3ExportFixture.BUCKET + "/", "@no-such-bucket-here/"),
            target());
    assertThat(noBucket.exitCode()).as(noBucket.output()).isEqualTo(2);
    assertThat(noBucket.output())
        .contains("the bucket s3://no-such-bucket-here does not exist (NoSuchBucket)")
        .doesNotContain("manifest-summary.json is missing");

    // An export without its list of files: the same.
    S3ExportFixture.objects(
            "nolist",
            exportId,
            source,
            exportTime,
            S3ExportFixture.roundRobin(TestItems.mixed("id", "l", 3), 1))
        .forEach(
            (key, data) -> {
              if (!key.endsWith("manifest-files.json")) {
                s3.put(key, data);
              }
            });
    Run noList = run("load", s3.url("nolist/AWSDynamoDB/" + exportId + "/", "key=id:S"), target());
    assertThat(noList.exitCode()).as(noList.output()).isEqualTo(2);
    assertThat(noList.output()).contains("cannot be loaded: manifest-files.json is missing");

    // An export in ION: the same.
    Map<String, byte[]> objects =
        S3ExportFixture.objects(
            "ion",
            exportId,
            source,
            exportTime,
            S3ExportFixture.roundRobin(TestItems.mixed("id", "i", 3), 1));
    objects.forEach(
        (key, data) ->
            s3.put(
                key,
                key.endsWith("manifest-summary.json")
                    ? new String(data, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\"DYNAMODB_JSON\"", "\"ION\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : data));
    Run ion = run("load", s3.url("ion/AWSDynamoDB/" + exportId + "/", "key=id:S"), target());
    assertThat(ion.exitCode()).as(ion.output()).isEqualTo(2);
    assertThat(ion.output())
        .contains("cannot be loaded: the export is in ION: only DYNAMODB_JSON exports")
        .doesNotContain("Exception");
  }

  @Test
  void badExportUrlsAreRefusedBeforeAnythingIsRead() {
    Run noFolder = run("load", "s3://bucket/just/a/prefix/", target());
    assertThat(noFolder.exitCode()).isEqualTo(2);
    assertThat(noFolder.output()).contains("is not an export's folder");
    Run typo = run("load", "s3://bucket/AWSDynamoDB/x/?paralel=2", target());
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.output()).contains("did you mean \"parallel\"");
  }

  private List<String> deadLetterReasons(String dataFile) throws Exception {
    TableName deadLetters = new TableName(table.schema(), "cdc_relay_dead_letters");
    database().refresh(deadLetters);
    List<String> reasons = new ArrayList<>();
    try (Connection c = database().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"reason\" FROM " + deadLetters.quoted() + " WHERE \"reason\" LIKE ?")) {
      s.setString(1, "%" + dataFile + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reasons.add(rs.getString(1));
        }
      }
    }
    return reasons;
  }
}
