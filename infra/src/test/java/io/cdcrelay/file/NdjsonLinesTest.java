package io.cdcrelay.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

  private static List<String> lines(String content) throws Exception {
    NdjsonLines lines =
        new NdjsonLines(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    List<String> read = new ArrayList<>();
    byte[] line;
    while ((line = lines.next()) != null) {
      read.add(new String(line, StandardCharsets.UTF_8));
    }
    return read;
  }

  @Test
  void splitsOnNewlineAndDropsACarriageReturnBeforeIt() throws Exception {
    assertThat(lines("")).isEmpty();
    assertThat(lines("a\n")).containsExactly("a");
    assertThat(lines("a\r\n\nb")).containsExactly("a", "", "b");
    assertThat(lines("a\rb\n")).containsExactly("a\rb");
  }

  @Test
  void linesLongerThanTheBufferAreWhole() throws Exception {
    String longLine = "x".repeat(200_000) + "\r";
    assertThat(lines(longLine + "\n" + longLine))
        .containsExactly(longLine.strip(), longLine.strip());
  }

  @Test
  void blankIsSpacesAndTabsOnly() {
    assertThat(NdjsonLines.isBlank(new byte[0])).isTrue();
    assertThat(NdjsonLines.isBlank(" \t ".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(NdjsonLines.isBlank(" x ".getBytes(StandardCharsets.UTF_8))).isFalse();
  }
}
