package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExportManifestTest {

  // The shape of AWS's example in "DynamoDB table export output format".
  private static final String SUMMARY =
      "{\"version\":\"2020-06-30\","
          + "\"exportArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog/export/01234567890123-a1b2c3d4\","
          + "\"startTime\":\"2020-11-04T07:28:34.028Z\",\"endTime\":\"2020-11-04T07:33:43.897Z\","
          + "\"tableArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog\","
          + "\"tableId\":\"12345a12-abcd-123a-ab12-1234abc12345\","
          + "\"exportTime\":\"2020-11-04T07:28:30.000Z\",\"s3Bucket\":\"ddb-productcatalog-export\","
          + "\"s3Prefix\":\"2020-Nov\",\"s3SseAlgorithm\":\"AES256\",\"s3SseKmsKeyId\":null,"
          + "\"manifestFilesS3Key\":\"2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/manifest-files.json\","
          + "\"billedSizeBytes\":0,\"itemCount\":8,\"outputFormat\":\"DYNAMODB_JSON\","
          + "\"exportType\":\"FULL_EXPORT\"}";

  private static final String FILES =
      "{\"itemCount\":5,\"md5Checksum\":\"sQMSpEILNgoQmarvDFonGQ==\",\"etag\":\"af83d6f2-1\","
          + "\"dataFileS3Key\":\"2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/asdl123dasas.json.gz\"}\n"
          + "{\"itemCount\":3,\"md5Checksum\":\"x\",\"etag\":\"y\","
          + "\"dataFileS3Key\":\"2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/bbbb.json.gz\"}\n";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSummaryAndTheFileListAreRead() {
    ExportManifest manifest = ExportManifest.parse(bytes(SUMMARY), bytes(FILES));
    assertThat(manifest.tableArn())
        .isEqualTo("arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog");
    assertThat(manifest.tableName()).contains("ProductCatalog");
    assertThat(manifest.region()).contains("us-east-1");
    assertThat(manifest.exportTime()).isEqualTo(Instant.parse("2020-11-04T07:28:30Z"));
    assertThat(manifest.itemCount()).isEqualTo(8);
    assertThat(manifest.files())
        .containsExactly(
            new ExportManifest.DataFile(
                "2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/asdl123dasas.json.gz", 5),
            new ExportManifest.DataFile(
                "2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/bbbb.json.gz", 3));
  }

  @Test
  void withoutTheSummarysItemCountTheFilesCountsAddUpAndAFileWithoutOneCountsNothing() {
    String summary = SUMMARY.replace("\"itemCount\":8,", "");
    assertThat(ExportManifest.parse(bytes(summary), bytes(FILES)).itemCount()).isEqualTo(8);
    String oneUncounted = FILES.replace("\"itemCount\":3,", "");
    ExportManifest manifest = ExportManifest.parse(bytes(summary), bytes(oneUncounted));
    assertThat(manifest.itemCount()).isEqualTo(5);
    assertThat(manifest.files())
        .extracting(ExportManifest.DataFile::itemCount)
        .containsExactly(5L, -1L);
  }

  @Test
  void aFileListedTwiceIsRefusedNamingItsLine() {
    String twice = FILES + FILES.substring(0, FILES.indexOf('\n') + 1);
    assertThatThrownBy(() -> ExportManifest.parse(bytes(SUMMARY), bytes(twice)))
        .hasMessageStartingWith("manifest-files.json line 3 lists the data file ")
        .hasMessageEndingWith("asdl123dasas.json.gz again");
  }

  @Test
  void withoutExportTimeTheStartTimeDatesTheExport() {
    String summary = SUMMARY.replace("\"exportTime\":\"2020-11-04T07:28:30.000Z\",", "");
    assertThat(ExportManifest.parse(bytes(summary), bytes(FILES)).exportTime())
        .isEqualTo(Instant.parse("2020-11-04T07:28:34.028Z"));
  }

  @Test
  void exportsThatCannotBeLoadedAreRefusedSayingWhy() {
    assertThatThrownBy(
            () ->
                ExportManifest.parse(bytes(SUMMARY.replace("DYNAMODB_JSON", "ION")), bytes(FILES)))
        .hasMessageContaining("the export is in ION: only DYNAMODB_JSON");
    assertThatThrownBy(
            () ->
                ExportManifest.parse(
                    bytes(SUMMARY.replace("FULL_EXPORT", "INCREMENTAL_EXPORT")), bytes(FILES)))
        .hasMessageContaining("INCREMENTAL_EXPORT: only a FULL_EXPORT");
    assertThatThrownBy(() -> ExportManifest.parse(bytes("not json"), bytes(FILES)))
        .hasMessageContaining("manifest-summary.json is not JSON");
    assertThatThrownBy(() -> ExportManifest.parse(bytes(SUMMARY), bytes("{\"itemCount\":1}\n")))
        .hasMessageContaining("manifest-files.json line 1 has no dataFileS3Key");
    assertThatThrownBy(
            () ->
                ExportManifest.parse(
                    bytes(SUMMARY.replace("\"tableArn\"", "\"otherArn\"")), bytes(FILES)))
        .hasMessageContaining("manifest-summary.json has no tableArn");
    assertThatThrownBy(
            () ->
                ExportManifest.parse(
                    bytes(SUMMARY.replace("2020-11-04T07:28:30.000Z", "yesterday")), bytes(FILES)))
        .hasMessageContaining("exportTime \"yesterday\" is not an ISO-8601 instant");
    // A file listed twice would be read twice, its items counted twice.
    assertThatThrownBy(
            () -> ExportManifest.parse(bytes(SUMMARY), bytes(FILES + FILES.split("\n")[0])))
        .hasMessage(
            "manifest-files.json line 3 lists the data file"
                + " 2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/asdl123dasas.json.gz again");
  }

  @Test
  void anEmptyFileListIsAnExportOfAnEmptyTable() {
    assertThat(ExportManifest.parse(bytes(SUMMARY), bytes("")).files()).isEmpty();
  }
}
