package io.cdcrelay.source;

import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.sink.UrlQuery;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The URL of a DynamoDB table export in S3 to load in full, validated: {@code
 * s3://[ACCESS_KEY:SECRET_KEY@]BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/?OPTIONS}, the export's folder
 * (the one holding {@code manifest-summary.json}). The host is the bucket, so a custom endpoint (an
 * emulator) is the option {@code endpoint=HOST:PORT}, reached over plain HTTP with path-style
 * requests.
 *
 * @param bucket the S3 bucket
 * @param folder the export's folder in the bucket, ending with {@code /}
 * @param accessKey the AWS access key, if the URL has credentials
 * @param secretKey the AWS secret key, if the URL has credentials (redacted in {@link #toString})
 * @param endpoint the custom endpoint, or empty for AWS itself
 * @param region the AWS region of the bucket (and of {@code DescribeTable})
 * @param table the DynamoDB table name, when given instead of the manifest's {@code tableArn}
 * @param keys the table's key attributes (partition key first), when given instead of asking {@code
 *     DescribeTable}
 * @param batchSize the items applied as one batch
 * @param parallel how many data files are read at once
 */
public record S3ExportUrl(
    String bucket,
    String folder,
    Optional<String> accessKey,
    Optional<String> secretKey,
    Optional<URI> endpoint,
    String region,
    Optional<String> table,
    Optional<List<KeySchema.KeyColumn>> keys,
    int batchSize,
    int parallel)
    implements AwsSourceUrl {

  /** The URL scheme. */
  public static final String SCHEME = "s3";

  /** The options and their defaults. */
  public static final Map<String, String> OPTIONS = defaults();

  public static final String FORM =
      "s3://[ACCESS_KEY:SECRET_KEY@]BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/?OPTIONS";

  private static Map<String, String> defaults() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("region", "us-east-1");
    options.put("endpoint", "");
    options.put("table", "");
    options.put("key", "");
    options.put("batch-size", "500");
    options.put("parallel", "4");
    return Collections.unmodifiableMap(options);
  }

  public S3ExportUrl {
    keys = keys.map(List::copyOf);
  }

  /** Whether {@code url} is of this scheme. */
  public static boolean isExportUrl(String url) {
    return url != null && url.trim().toLowerCase(Locale.ROOT).startsWith(SCHEME + "://");
  }

  /** Parses and validates the URL; the message of a failure names the bad part. */
  public static S3ExportUrl parse(String url) {
    return parse(url, ProcessEnvironment.get());
  }

  /**
   * As {@link #parse(String)}, a URL without {@code region} taking it from {@code environment}'s
   * AWS settings ({@code AWS_REGION}, … as the AWS SDKs do).
   */
  public static S3ExportUrl parse(String url, Map<String, String> environment) {
    URI uri = AwsUrlParts.uri(url);
    AwsUrlParts.requireScheme(uri, SCHEME, FORM);
    String bucket = uri.getHost();
    if (bucket == null && uri.getRawAuthority() != null) {
      // A bucket whose last label starts with a digit (exports.2024) is no host name to a URL
      // parser, which then reads no keys either: the URL is read again with a host in its place.
      String authority = uri.getRawAuthority();
      int at = authority.lastIndexOf('@');
      bucket = authority.substring(at + 1);
      uri = withHost(uri, authority.substring(0, at + 1), "bucket.invalid");
    }
    AwsUrlParts.requireWholeCredentials(url, uri);
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new BadSourceUrlException(
          "the source URL names no valid S3 bucket as its host: use " + FORM);
    }
    if (uri.getPort() >= 0) {
      throw new BadSourceUrlException(
          "the host of an s3:// URL is the bucket: give an emulator's address as the option"
              + " endpoint=HOST:PORT");
    }
    AwsUrlParts parts = AwsUrlParts.of(uri);
    Map<String, String> given = parts.options();
    for (String name : given.keySet()) {
      if (!OPTIONS.containsKey(name)) {
        throw UrlOptions.unknown(name, OPTIONS.keySet(), List.of());
      }
    }
    Map<String, String> options = new LinkedHashMap<>(OPTIONS);
    options.putAll(given);

    String path = UrlQuery.decode(uri.getRawPath() == null ? "" : uri.getRawPath());
    String folder = path.startsWith("/") ? path.substring(1) : path;
    if (!folder.isEmpty() && !folder.endsWith("/")) {
      folder = folder + "/";
    }
    if (folder.endsWith("manifest-summary.json/")) {
      folder = folder.substring(0, folder.length() - "manifest-summary.json/".length());
    }
    if (!folder.matches("(.*/)?AWSDynamoDB/[^/]+/")) {
      throw new BadSourceUrlException(
          "the path \"/"
              + folder
              + "\" is not an export's folder: give the folder that holds manifest-summary.json,"
              + " as in "
              + FORM);
    }
    String region = AwsUrlParts.region(given, environment);
    Optional<URI> endpoint = Optional.empty();
    String endpointText = options.get("endpoint").trim();
    // Given empty (endpoint=$HOST with HOST unset), refused: not AWS in its place.
    if (given.containsKey("endpoint")) {
      if (!endpointText.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new BadSourceUrlException(
            "option endpoint=" + endpointText + " is not HOST or HOST:PORT, as in localhost:5000");
      }
      endpoint = Optional.of(URI.create("http://" + endpointText));
      AwsUrlParts.requirePortInRange(
          "option endpoint=" + endpointText + ": port ", endpoint.get().getPort());
    }
    Optional<String> table = Optional.empty();
    String tableText = options.get("table").trim();
    if (!tableText.isEmpty()) {
      if (!tableText.matches("[a-zA-Z0-9_.-]{3,255}")) {
        throw new BadSourceUrlException(
            "option table=" + tableText + " is not a table name: 3 to 255 of a-z A-Z 0-9 _ . -");
      }
      table = Optional.of(tableText);
    }
    Optional<List<KeySchema.KeyColumn>> keys =
        options.get("key").isBlank() ? Optional.empty() : Optional.of(keys(options.get("key")));
    return new S3ExportUrl(
        bucket,
        folder,
        parts.accessKey(),
        parts.secretKey(),
        endpoint,
        region,
        table,
        keys,
        UrlOptions.integer(options, "batch-size", 1, 10_000),
        UrlOptions.integer(options, "parallel", 1, 64));
  }

  /** {@code uri} with {@code host} after its (raw) {@code userInfo}, the rest as it was. */
  private static URI withHost(URI uri, String userInfo, String host) {
    try {
      return new URI(
          uri.getScheme()
              + "://"
              + userInfo
              + host
              + (uri.getRawPath() == null ? "" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
              + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    } catch (java.net.URISyntaxException e) {
      throw new BadSourceUrlException(
          "the source URL names no valid S3 bucket as its host: use " + FORM);
    }
  }

  /** {@code id:S} or {@code id:S,ts:N}: the partition key, then the sort key. */
  private static List<KeySchema.KeyColumn> keys(String text) {
    List<KeySchema.KeyColumn> keys = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int colon = part.lastIndexOf(':');
      String name = colon < 0 ? "" : part.substring(0, colon).trim();
      String type = colon < 0 ? "" : part.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty() || !type.matches("[SNB]")) {
        throw new BadSourceUrlException(
            "option key="
                + text
                + " is not ATTRIBUTE:TYPE[,ATTRIBUTE:TYPE] with types S, N or B (the partition"
                + " key first), as in key=id:S,ts:N");
      }
      keys.add(new KeySchema.KeyColumn(name, KeySchema.KeyType.valueOf(type)));
    }
    if (keys.size() > 2) {
      throw new BadSourceUrlException(
          "option key=" + text + " names " + keys.size() + " attributes: a table has one or two");
    }
    if (keys.size() == 2 && keys.get(0).name().equals(keys.get(1).name())) {
      throw new BadSourceUrlException(
          "option key="
              + text
              + " names "
              + keys.get(0).name()
              + " twice: the partition key and the sort key are two attributes");
    }
    return keys;
  }

  /** The folder as an S3 URL, without credentials or options: how the load is named. */
  public String location() {
    return SCHEME + "://" + bucket + "/" + folder;
  }

  /** The key of a file in the export's folder. */
  public String key(String file) {
    return folder + file;
  }

  @Override
  public String toString() {
    return SCHEME
        + "://"
        + accessKey.map(k -> k + ":***@").orElse("")
        + bucket
        + "/"
        + folder
        + "?region="
        + region
        + endpoint.map(e -> "&endpoint=" + e.getAuthority()).orElse("")
        + table.map(t -> "&table=" + t).orElse("")
        + keys.map(
                k ->
                    "&key="
                        + String.join(",", k.stream().map(c -> c.name() + ":" + c.type()).toList()))
            .orElse("")
        + "&batch-size="
        + batchSize
        + "&parallel="
        + parallel;
  }
}
