package io.cdcrelay.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.BadSourceUrlException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileSourceTest {

  @Test
  void pathsAndFileUrlsAreFilesOtherUrlsAreNot() {
    assertThat(FileSource.isFile("dump.ndjson")).isTrue();
    assertThat(FileSource.isFile("/tmp/dump.ndjson")).isTrue();
    assertThat(FileSource.isFile("file:///tmp/dump.ndjson?batch-size=5")).isTrue();
    assertThat(FileSource.isFile("kinesis+dynamodb+cdc://aws/stream")).isFalse();
    assertThat(FileSource.isFile("kinesis://aws/stream")).isFalse();
  }

  @Test
  void aPathHasTheDefaultBatchSizeAFileUrlMaySetIt() {
    assertThat(FileSource.parse("dump.ndjson"))
        .isEqualTo(new FileSource(Path.of("dump.ndjson"), 100));
    assertThat(FileSource.parse("file:///tmp/dump.ndjson?batch-size=5"))
        .isEqualTo(new FileSource(Path.of("/tmp/dump.ndjson"), 5));
  }

  @Test
  void aFileUrlNamingAHostIsRefusedNotReadAsAnotherPath() {
    assertThatThrownBy(() -> FileSource.parse("file://data/dump.ndjson"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessageStartingWith("the file URL names the host \"data\": a file URL is file:///PATH");
    assertThat(FileSource.parse("file://localhost/tmp/dump.ndjson"))
        .isEqualTo(new FileSource(Path.of("/tmp/dump.ndjson"), 100));
  }

  @Test
  void badFileOptionsAreRefused() {
    assertThatThrownBy(() -> FileSource.parse("file:///tmp/d.ndjson?batch-size=0"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("option batch-size=0 is out of range: 1 to 10000");
    assertThatThrownBy(() -> FileSource.parse("file:///tmp/d.ndjson?once=true"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessageContaining("unknown option \"once\"");
  }
}
