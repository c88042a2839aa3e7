package io.cdcrelay.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The one JSON factory of the planning code, and the generator each thread writes rows with. */
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
