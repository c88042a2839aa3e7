package io.cdcrelay.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of an NDJSON file as bytes, split on {@code \n} with a trailing {@code \r} removed, so
 * that a line that is not valid UTF-8 is still a line, kept exactly.
 */
final class NdjsonLines {

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private int position;
  private int limit;

  NdjsonLines(InputStream in) {
    this.in = in;
  }

  /** The next line without its line break, or {@code null} at the end of the file. */
  byte[] next() throws IOException {
    line.reset();
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return any ? withoutCarriageReturn(line.toByteArray()) : null;
        }
      }
      any = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      line.write(buffer, start, position - start);
      if (position < limit) {
        position++; // the '\n'
        return withoutCarriageReturn(line.toByteArray());
      }
    }
  }

  /** Whether the line holds nothing but spaces and tabs. */
  static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0b) {
        return false;
      }
    }
    return true;
  }

  private static byte[] withoutCarriageReturn(byte[] bytes) {
    int length = bytes.length;
    return length > 0 && bytes[length - 1] == '\r' ? Arrays.copyOf(bytes, length - 1) : bytes;
  }
}
