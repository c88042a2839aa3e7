package io.cdcrelay.file;

import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.UrlQuery;
import io.cdcrelay.source.BadSourceUrlException;
import io.cdcrelay.source.UrlOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An NDJSON file to relay: a path or a {@code file://} URL, optionally with {@code ?batch-size=N}.
 *
 * @param path the file
 * @param batchSize records applied at once (1 to 10000, default 100)
 */
public record FileSource(Path path, int batchSize) {

  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Whether {@code source} names a file rather than a URL of another scheme. */
  public static boolean isFile(String source) {
    String s = source.trim();
    return s.startsWith("file:") || !s.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*");
  }

  /**
   * The dump a {@code kinesis+dynamodb+cdc://} URL names, as the reference tool reads it: when the
   * URL's path is an existing file ({@code kinesis+dynamodb+cdc:///data/dump.ndjson}), that file,
   * whatever the host; a path that exists but is not a file is an error; else empty (a stream). The
   * URL's {@code batch-size} applies; its other options are the stream's, and ignored.
   */
  public static java.util.Optional<FileSource> ofStreamUrl(String source) {
    URI uri;
    try {
      uri = new URI(source.trim());
    } catch (URISyntaxException e) {
      return java.util.Optional.empty(); // Not a URL: the stream's parser says why.
    }
    String rawPath = uri.getRawPath();
    if (rawPath == null || rawPath.length() < 2) {
      return java.util.Optional.empty();
    }
    Path path = Path.of(UrlQuery.decode(rawPath));
    if (!java.nio.file.Files.exists(path)) {
      return java.util.Optional.empty();
    }
    if (!java.nio.file.Files.isRegularFile(path)) {
      throw new BadSourceUrlException(
          "the source URL's path " + path + " exists but is not a file");
    }
    Map<String, String> options;
    try {
      options = UrlQuery.parse(uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw new BadSourceUrlException(e.getMessage());
    }
    int batchSize =
        options.containsKey("batch-size")
            ? UrlOptions.integer(options, "batch-size", 1, 10_000)
            : DEFAULT_BATCH_SIZE;
    return java.util.Optional.of(new FileSource(path, batchSize));
  }

  /** Parses a path or {@code file://} URL; the message of a failure names the bad part. */
  public static FileSource parse(String source) {
    String s = source.trim();
    if (!s.startsWith("file:")) {
      return new FileSource(Path.of(s), DEFAULT_BATCH_SIZE);
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new BadSourceUrlException(
          "the file URL is not a URL: " + Redaction.url(s) + " (" + e.getReason() + ")");
    }
    String host = uri.getRawAuthority();
    if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
      // file://data/dump.ndjson would read /dump.ndjson: "data" is a host there.
      throw new BadSourceUrlException(
          "the file URL names the host \""
              + host
              + "\": a file URL is file:///PATH (three slashes; file:///data/dump.ndjson), or a"
              + " plain path (data/dump.ndjson)");
    }
    String path = uri.getPath();
    if (path == null || path.isEmpty()) {
      throw new BadSourceUrlException(
          "the file URL names no file: use file:///PATH/TO/FILE.ndjson");
    }
    int batchSize = DEFAULT_BATCH_SIZE;
    Map<String, String> options;
    try {
      options = UrlQuery.parse(uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw new BadSourceUrlException(e.getMessage());
    }
    for (Map.Entry<String, String> option : options.entrySet()) {
      if (!option.getKey().equals("batch-size")) {
        throw new BadSourceUrlException(
            "unknown option \"" + option.getKey() + "\" in the file URL. Accepted: batch-size");
      }
      batchSize = UrlOptions.integer(options, "batch-size", 1, 10_000);
    }
    return new FileSource(Path.of(path), batchSize);
  }
}
