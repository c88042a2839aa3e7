package io.cdcrelay.file;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.local.BatchApplier;
import io.cdcrelay.local.StopSignal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an NDJSON dump: reads it line by line, gathers the records of each shard in file order
 * into batches of {@code batch-size}, and applies them with the relay core.
 */
public final class FileRelay {

  private static final Logger LOG = LoggerFactory.getLogger(FileRelay.class);

  private final FileSource source;
  private final Predicate<List<SourceRecord>> applier;
  private final StopSignal stop;

  public FileRelay(FileSource source, BatchApplier applier, StopSignal stop) {
    this(source, applier::apply, stop);
  }

  /**
   * A relay of the file whose batches go to {@code applier}, which returns {@code true} once the
   * batch is applied and {@code false} when stopped first.
   */
  FileRelay(FileSource source, Predicate<List<SourceRecord>> applier, StopSignal stop) {
    this.source = source;
    this.applier = applier;
    this.stop = stop;
  }

  /**
   * The file's bytes, gunzipped when they start as gzip does ({@code 1f 8b}): a dump compressed
   * with {@code gzip} is relayed as the dump, whatever its name.
   */
  static InputStream decompressed(InputStream raw) throws IOException {
    java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b ? new java.util.zip.GZIPInputStream(in, 1 << 16) : in;
  }

  /** The file could not be read to its end: a truncated or corrupt gzip file, a read error. */
  public static final class UnreadableException extends IOException {
    UnreadableException(String message, IOException cause) {
      super(message, cause);
    }
  }

  /**
   * Relays the whole file, or up to the batch being applied when stopped; returns the lines read.
   *
   * @throws UnreadableException when the file cannot be read to its end; the lines before the one
   *     that could not be read are relayed first
   */
  public long run() throws IOException {
    Map<String, List<SourceRecord>> batches = new LinkedHashMap<>();
    String fileShard = NdjsonRecords.fileShard(source.path());
    long lineNumber = 0;
    boolean gzip = false;
    IOException unreadable = null;
    // Bytes, not a decoding Reader: a line that is not UTF-8 is a dead letter, not the end.
    InputStream opened;
    try {
      opened = decompressed(Files.newInputStream(source.path()));
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      // Cut or corrupt within the gzip header: not one line to read.
      throw new UnreadableException(
          source.path() + " is not a whole gzip file (" + e.getMessage() + ") at its start", e);
    }
    try (InputStream in = opened) {
      gzip = in instanceof java.util.zip.GZIPInputStream;
      NdjsonLines lines = new NdjsonLines(in);
      while (!stop.isStopped()) {
        byte[] line;
        try {
          line = lines.next();
        } catch (IOException e) {
          unreadable = e;
          break;
        }
        if (line == null) {
          break;
        }
        lineNumber++;
        if (NdjsonLines.isBlank(line)) {
          continue;
        }
        SourceRecord record = NdjsonRecords.parse(line, lineNumber, fileShard);
        List<SourceRecord> batch =
            batches.computeIfAbsent(record.shardId(), s -> new ArrayList<>());
        batch.add(record);
        if (batch.size() >= source.batchSize()) {
          if (!applier.test(batch)) {
            return lineNumber;
          }
          batches.remove(record.shardId());
        }
      }
    }
    // The whole lines read before a part that cannot be read are records like any other.
    for (List<SourceRecord> batch : batches.values()) {
      if (stop.isStopped() || !applier.test(batch)) {
        return lineNumber;
      }
    }
    if (unreadable != null) {
      throw new UnreadableException(
          String.format(
              java.util.Locale.ROOT,
              "%s %s (%s) after line %,d: the lines before were relayed; replace the file and"
                  + " relay it again (a line applied twice changes nothing)",
              source.path(),
              gzip ? "is not a whole gzip file" : "could not be read to its end",
              unreadable.getMessage(),
              lineNumber),
          unreadable);
    }
    LOG.info("file {}: {} lines read", source.path(), lineNumber);
    return lineNumber;
  }
}
