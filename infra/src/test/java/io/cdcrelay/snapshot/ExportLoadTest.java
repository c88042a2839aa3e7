package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportLoadTest {

  private final SnapshotChanges changes =
      new SnapshotChanges(
          "Orders",
          List.of("id"),
          ChangeVersion.ofRead(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(5)));

  @Test
  void aLineIsAnUpsertOfItsItemWithTheExportVersion() {
    Decoded decoded =
        ExportLoad.decode(
            changes,
            "{\"Item\":{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"12345678901234567890123456789012345678\"}}}",
            "s3://b/k.json.gz",
            1);
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    var change = ((Decoded.Ok) decoded).change();
    assertThat(change.keys()).containsEntry("id", new AttributeValue.S("a"));
    assertThat(change.newImage().get("n"))
        .isEqualTo(
            new AttributeValue.N(
                new java.math.BigDecimal("12345678901234567890123456789012345678")));
    assertThat(change.createdMicros()).isEqualTo(changes.version().createdMicros());
  }

  @Test
  void aLineThatIsNotAnItemIsAPoisonRecordNamingTheFileAndLine() {
    for (String line :
        List.of(
            "not json",
            "{\"Other\":{}}",
            "{\"Item\":{\"id\":{\"S\":\"a\"},\"x\":{\"Q\":\"1\"}}}")) {
      Decoded decoded = ExportLoad.decode(changes, line, "s3://b/k.json.gz", 7);
      assertThat(decoded).as(line).isInstanceOf(Decoded.Poison.class);
      assertThat(new String(decoded.source().data(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(line);
    }
    // An item without its key attributes is refused as the Scan load refuses it, named by its
    // file and line as the others.
    Decoded.Poison keyless =
        (Decoded.Poison)
            ExportLoad.decode(
                changes, "{\"Item\":{\"other\":{\"S\":\"no key\"}}}", "s3://b/k.json.gz", 8);
    assertThat(keyless.reason())
        .isEqualTo(
            "line 8 of s3://b/k.json.gz is not an exported item: the item lacks key attributes:"
                + " it has [] of [id]");
    assertThat(keyless.source().shardId()).isEqualTo("s3://b/k.json.gz:8");
    Decoded.Poison poison =
        (Decoded.Poison) ExportLoad.decode(changes, "not json", "s3://b/k.json.gz", 7);
    assertThat(poison.reason()).startsWith("line 7 of s3://b/k.json.gz is not an exported item");
    assertThat(poison.source().shardId()).isEqualTo("s3://b/k.json.gz:7");
  }

  @Test
  void dataFileKeysAreReadUnderTheExportPrefix() {
    String folder = "exports/daily/AWSDynamoDB/0171-ab12/";
    assertThat(ExportLoad.resolve(folder, folder + "data/a.json.gz"))
        .isEqualTo(folder + "data/a.json.gz");
    // AWS's example manifest gives the key from AWSDynamoDB/ on.
    assertThat(ExportLoad.resolve(folder, "AWSDynamoDB/0171-ab12/data/a.json.gz"))
        .isEqualTo(folder + "data/a.json.gz");
    assertThat(ExportLoad.resolve("AWSDynamoDB/0171-ab12/", "AWSDynamoDB/0171-ab12/data/a.json.gz"))
        .isEqualTo("AWSDynamoDB/0171-ab12/data/a.json.gz");
    // An export copied to another prefix keeps the keys of the one it was written to.
    assertThat(ExportLoad.resolve(folder, "nightly/AWSDynamoDB/0171-ab12/data/a.json.gz"))
        .isEqualTo(folder + "data/a.json.gz");
    assertThat(
            ExportLoad.resolve("AWSDynamoDB/0171-ab12/", "x/AWSDynamoDB/0171-ab12/data/a.json.gz"))
        .isEqualTo("AWSDynamoDB/0171-ab12/data/a.json.gz");
    // Another export's key is left as it is (and is found missing, naming it).
    assertThat(ExportLoad.resolve(folder, "x/AWSDynamoDB/0171-zz99/data/a.json.gz"))
        .isEqualTo("x/AWSDynamoDB/0171-zz99/data/a.json.gz");
  }

  @Test
  void aDataFilesCursorSaysHowManyLinesAreApplied() {
    assertThat(ExportLoad.linesApplied(java.util.Optional.of("line:42"))).isEqualTo(42);
    assertThat(ExportLoad.linesApplied(java.util.Optional.empty())).isZero();
    assertThat(ExportLoad.linesApplied(java.util.Optional.of("line:x"))).isZero();
    assertThat(ExportLoad.linesApplied(java.util.Optional.of("{\"id\":{\"S\":\"a\"}}"))).isZero();
  }

  @Test
  void anExportOlderThanThePurgeHorizonIsRefusedUnlessTooOldChangesAreAccepted() {
    Instant exportTime = Instant.parse("2026-01-01T00:00:00Z");
    ChangeVersion version = ChangeVersion.ofRead(exportTime, Duration.ofSeconds(5));
    io.cdcrelay.sink.TableName target = new io.cdcrelay.sink.TableName("doc", "orders");
    String export = "s3://b/p/AWSDynamoDB/x/";
    assertThat(ExportLoad.tooOld(export, exportTime, version, target, null, false)).isEmpty();
    assertThat(ExportLoad.tooOld(export, exportTime, version, target, version.createdAt(), false))
        .as("rows dated at the horizon are not too old")
        .isEmpty();
    Instant horizon = Instant.parse("2026-01-03T00:00:00Z");
    assertThat(ExportLoad.tooOld(export, exportTime, version, target, horizon, true)).isEmpty();
    assertThat(ExportLoad.tooOld(export, exportTime, version, target, horizon, false))
        .hasValue(
            "the export s3://b/p/AWSDynamoDB/x/ shows the table at 2026-01-01T00:00:00Z: its rows,"
                + " dated 2025-12-31T23:59:55Z, are older than the purge horizon"
                + " 2026-01-03T00:00:00Z of doc.orders, whose deletes before it left no tombstone,"
                + " so every row would be a dead letter too-old: take a newer export"
                + " (ExportTableToPointInTime), or load the table itself with a Scan (relay load"
                + " 'dynamodb://…')");
  }

  @Test
  void everyGzipMemberIsReadFromAStreamThatSaysNothingIsAvailable() throws Exception {
    // Two members, as a data file may hold them, arriving as from the network: a read ends at the
    // members' boundary, and available() says 0 until more bytes have arrived.
    java.util.Deque<byte[]> members =
        new java.util.ArrayDeque<>(
            List.of(
                S3ExportFixture.gzip("{\"Item\":1}\n{\"Item\":2}\n"),
                S3ExportFixture.gzip("{\"Item\":3}\n")));
    java.io.InputStream network =
        new java.io.InputStream() {
          private int at;

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (members.isEmpty()) {
              return -1;
            }
            byte[] member = members.peek();
            int n = Math.min(len, member.length - at);
            System.arraycopy(member, at, b, off, n);
            at += n;
            if (at == member.length) {
              members.pop();
              at = 0;
            }
            return n;
          }

          @Override
          public int available() {
            return 0;
          }
        };

    try (java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                ExportLoad.gunzip(network), java.nio.charset.StandardCharsets.UTF_8))) {
      assertThat(lines.lines()).containsExactly("{\"Item\":1}", "{\"Item\":2}", "{\"Item\":3}");
    }
  }

  @Test
  void readersBeyondFourShareTheBytesOfFourReadersBatches() {
    long heap = 512L << 20;
    // Up to four readers, each a write's bytes (a 32nd of the heap): 16 MB each.
    assertThat(ExportLoad.Settings.batchBytes(heap, 1)).isEqualTo(16L << 20);
    assertThat(ExportLoad.Settings.batchBytes(heap, 4)).isEqualTo(16L << 20);
    // Beyond, the four readers' 64 MB shared: 8 readers 8 MB each, 64 at the 1 MB floor.
    assertThat(ExportLoad.Settings.batchBytes(heap, 8)).isEqualTo(8L << 20);
    assertThat(ExportLoad.Settings.batchBytes(heap, 64)).isEqualTo(1L << 20);
    assertThat(ExportLoad.Settings.batchBytes(256L << 20, 2)).isEqualTo(8L << 20);
  }
}
