package io.cdcrelay.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.local.StopSignal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRelayTest {

  /** Relays the file; returns the records in the order they were handed over to be applied. */
  private static List<SourceRecord> relay(Path file) throws Exception {
    List<SourceRecord> applied = new ArrayList<>();
    relay(file, applied);
    return applied;
  }

  /** Relays the file in batches of 100, each batch added to {@code applied} as it is applied. */
  private static void relay(Path file, List<SourceRecord> applied) throws Exception {
    new FileRelay(
            new FileSource(file, 100),
            batch -> {
              applied.addAll(batch);
              return true;
            },
            new StopSignal())
        .run();
  }

  @Test
  void recordsOfTwoFilesNeverShareAKeySoNoDeadLetterReplacesAnother(@TempDir Path dir)
      throws Exception {
    Path first = Files.writeString(dir.resolve("first.ndjson"), "poison one\npoison two\n");
    Files.createDirectories(dir.resolve("other"));
    Path second = Files.writeString(dir.resolve("other/first.ndjson"), "poison three\n");
    Set<String> keys = new HashSet<>();
    for (Path file : List.of(first, second)) {
      for (SourceRecord record : relay(file)) {
        assertThat(keys.add(record.shardId() + "/" + record.sequenceNumber()))
            .as("key of %s in %s is new", record.sequenceNumber(), file)
            .isTrue();
      }
    }
    assertThat(keys).hasSize(3);
  }

  @Test
  void aGzipFileIsRelayedAsTheLinesItHoldsWhateverItsName(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write("first\nsecond\n".getBytes(StandardCharsets.UTF_8));
    }
    for (String name : List.of("dump.ndjson.gz", "dump.ndjson")) {
      Path file = Files.write(dir.resolve(name), zipped.toByteArray());

      assertThat(relay(file))
          .as(name)
          .extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
          .containsExactly("first", "second");
    }
    // One byte, and the gzip magic's first byte alone: plain lines.
    assertThat(relay(Files.write(dir.resolve("one"), new byte[] {0x1f}))).hasSize(1);
    assertThat(relay(Files.write(dir.resolve("empty"), new byte[0]))).isEmpty();
  }

  @Test
  void aTruncatedGzipFileRelaysItsWholeLinesThenSaysWhereItEnds(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      for (int i = 0; i < 5000; i++) {
        gzip.write(
            ("line-" + i + "-" + Integer.toHexString(i * 7919) + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] whole = zipped.toByteArray();
    Path file = Files.write(dir.resolve("dump"), java.util.Arrays.copyOf(whole, whole.length / 2));
    List<SourceRecord> applied = new ArrayList<>();

    FileRelay.UnreadableException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> relay(file, applied), FileRelay.UnreadableException.class);

    assertThat(e).isNotNull();
    assertThat(applied).hasSizeBetween(1, 4999);
    // The whole lines, in order, the last batch of fewer than 100 too; the cut line is not one.
    for (int i = 0; i < applied.size(); i++) {
      assertThat(new String(applied.get(i).data(), StandardCharsets.UTF_8))
          .isEqualTo("line-" + i + "-" + Integer.toHexString(i * 7919));
    }
    assertThat(e.getMessage())
        .startsWith(file + " is not a whole gzip file (")
        .contains(String.format(java.util.Locale.ROOT, "after line %,d:", applied.size()));

    // Cut within its header: not one line.
    Path header = Files.write(dir.resolve("header"), java.util.Arrays.copyOf(whole, 5));
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> relay(header, new ArrayList<>()), FileRelay.UnreadableException.class))
        .hasMessageStartingWith(header + " is not a whole gzip file (")
        .hasMessageEndingWith(") at its start");
  }

  @Test
  void aLineThatIsNotUtf8IsRelayedAsItsExactBytesAndTheRestOfTheFileGoesOn(@TempDir Path dir)
      throws Exception {
    byte[] invalid = {'{', '"', 'x', '"', ':', '"', (byte) 0xff, (byte) 0xc3, '"', '}'};
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write("first\n".getBytes(StandardCharsets.UTF_8));
    content.write(invalid);
    content.write("\nthird\r\n\n  \nfifth ü".getBytes(StandardCharsets.UTF_8));
    Path file = Files.write(dir.resolve("dump.ndjson"), content.toByteArray());

    List<SourceRecord> records = relay(file);

    assertThat(records)
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("1", "2", "3", "6");
    assertThat(records.get(1).data()).isEqualTo(invalid);
    assertThat(records.get(2).data()).isEqualTo("third".getBytes(StandardCharsets.UTF_8));
    assertThat(records.get(3).data()).isEqualTo("fifth ü".getBytes(StandardCharsets.UTF_8));
  }
}
