package io.cdcrelay.verify;

/**
 * How many rows each {@code FETCH} of a one-pass read of a target table asks for: {@link #FIRST}
 * before any row's size is known, then as many as fit {@code bytes} at the rows' average size so
 * far, from {@link #MIN} to {@link #MAX}. A fixed 1,000 rows of 300 KB items are 300 MB in the
 * driver's buffers alone; 1,000 rows of 500 bytes are half a megabyte.
 */
final class FetchSize {

  /** The rows of the first fetch, before any row's size is known. */
  static final int FIRST = 100;

  /** The fewest rows a fetch asks for. */
  static final int MIN = 10;

  /** The most rows a fetch asks for. */
  static final int MAX = 1000;

  private final long bytes;
  private long rows;
  private long rowBytes;

  /**
   * @param bytes the bytes of rows one fetch may hold; at least 1
   */
  FetchSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("a fetch holds at least one byte: " + bytes);
    }
    this.bytes = bytes;
  }

  /** The rows the next fetch asks for. */
  int next() {
    if (rows == 0) {
      return FIRST;
    }
    long fit = bytes / Math.max(1, rowBytes / rows);
    return (int) Math.max(MIN, Math.min(MAX, fit));
  }

  /** Counts a row read, of {@code size} bytes (its stored text). */
  void read(int size) {
    rows++;
    rowBytes += Math.max(size, 1);
  }
}
