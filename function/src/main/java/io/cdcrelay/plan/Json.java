package io.cdcrelay.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The one JSON factory of the planning code, the generator each thread writes DynamoDB JSON with,
 * and the plain writer of the rows' {@code data} and {@code pk} documents.
 */
final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  /** A buffer grown past this by a large item is not kept for the next document. */
  private static final int KEPT_CHARS = 1 << 20;

  private Json() {}

  /** Writes one JSON value on the generator it is given. */
  interface Document {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * A generator and its output, reused by one thread for document after document: a generator per
   * document (two or three per item planned) cost a load's writers a tenth of their time in setting
   * up and recycling its buffers.
   */
  private static final class Reused {
    final StringWriter out = new StringWriter(512);
    final JsonGenerator json;

    Reused() {
      try {
        json = FACTORY.createGenerator(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // Documents follow one another at the root: nothing between them.
      json.setRootValueSeparator(null);
    }
  }

  /** Writes one JSON value as text, with {@link #string} and {@link #number}. */
  interface Text {
    void write(StringBuilder out);
  }

  private static final ThreadLocal<StringBuilder> TEXT =
      ThreadLocal.withInitial(() -> new StringBuilder(512));

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * The document as text, written straight into a builder the thread reuses: the same text as the
   * generator writes (its escapes, its numbers), without its bookkeeping of contexts and buffers
   * (planning takes 0.95× of the time it took with the generator, on one warm thread).
   */
  static String text(Text document) {
    StringBuilder out = TEXT.get();
    out.setLength(0);
    document.write(out);
    String text = out.toString();
    if (out.capacity() > KEPT_CHARS) {
      TEXT.remove();
    }
    return text;
  }

  /**
   * A JSON string, escaped as Jackson's generator escapes it by default: quote, backslash and the
   * control characters; everything else as it is.
   */
  static void string(StringBuilder out, String value) {
    out.append('"');
    int from = 0;
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        out.append(value, from, i).append('\\');
        switch (c) {
          case '"', '\\' -> out.append(c);
          case '\b' -> out.append('b');
          case '\t' -> out.append('t');
          case '\n' -> out.append('n');
          case '\f' -> out.append('f');
          case '\r' -> out.append('r');
          default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        }
        from = i + 1;
      }
    }
    out.append(value, from, length).append('"');
  }

  /**
   * A number as a double, as {@link #number(StringBuilder, double)} writes it: a whole one below
   * ten million without converting it (the double's text is its digits and {@code .0}; from ten
   * million on, Java writes an exponent).
   */
  static void number(StringBuilder out, BigDecimal value) {
    if (value.scale() == 0 && value.precision() <= 7) {
      out.append(value.longValue()).append(".0");
    } else {
      number(out, value.doubleValue());
    }
  }

  /** A double as the generator writes it: Java's shortest text, a non-finite one as a string. */
  static void number(StringBuilder out, double value) {
    if (Double.isFinite(value)) {
      out.append(value);
    } else {
      out.append('"').append(value).append('"');
    }
  }

  private static final ThreadLocal<Reused> REUSED = ThreadLocal.withInitial(Reused::new);

  /** The document as text; a document that fails leaves nothing behind for the next one. */
  static String write(Document document) {
    Reused reused = REUSED.get();
    StringBuffer buffer = reused.out.getBuffer();
    buffer.setLength(0);
    try {
      document.write(reused.json);
      reused.json.flush();
    } catch (IOException e) {
      REUSED.remove();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      // The generator is left inside the document: a new one writes the next.
      REUSED.remove();
      throw e;
    }
    String text = buffer.toString();
    if (buffer.capacity() > KEPT_CHARS) {
      REUSED.remove();
    }
    return text;
  }
}
