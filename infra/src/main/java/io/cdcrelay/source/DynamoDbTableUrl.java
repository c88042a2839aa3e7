package io.cdcrelay.source;

import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.sink.UrlQuery;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URL of a DynamoDB table to load in full, validated: {@code
 * dynamodb://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS}, the reference tool's form. {@code
 * HOST} {@code aws} means the real AWS endpoint of {@code region}; any other host and port is a
 * custom endpoint over plain HTTP (an emulator). {@code TABLE} is a table name or a table ARN.
 *
 * @param table the table name
 * @param tableArn the table ARN, when the URL gave one (it is then what the requests name, so that
 *     a table of another account can be read)
 * @param accessKey the AWS access key, if the URL has credentials
 * @param secretKey the AWS secret key, if the URL has credentials (redacted in {@link #toString})
 * @param endpoint the custom endpoint, or empty for AWS itself
 * @param region the AWS region
 * @param batchSize the items one Scan request asks for (its {@code Limit})
 * @param consistentRead whether the Scan reads strongly consistent
 * @param segments how many segments are scanned in parallel ({@code TotalSegments})
 * @param rcu the read capacity the load may use per second, if limited
 */
public record DynamoDbTableUrl(
    String table,
    Optional<String> tableArn,
    Optional<String> accessKey,
    Optional<String> secretKey,
    Optional<URI> endpoint,
    String region,
    int batchSize,
    boolean consistentRead,
    int segments,
    OptionalInt rcu)
    implements AwsSourceUrl {

  /** The URL scheme. */
  public static final String SCHEME = "dynamodb";

  /** The options and their defaults. */
  public static final Map<String, String> OPTIONS = defaults();

  /** DynamoDB's own limit of {@code TotalSegments} is 1,000,000; each segment here is a thread. */
  public static final int MAX_SEGMENTS = 256;

  private static final Pattern ARN =
      Pattern.compile("arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\\d{12}):table/([a-zA-Z0-9_.-]+)");

  private static Map<String, String> defaults() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("region", "us-east-1");
    options.put("batch-size", "100");
    options.put("consistent-read", "false");
    options.put("segments", "1");
    options.put("rcu", "");
    return java.util.Collections.unmodifiableMap(options);
  }

  /** Whether {@code url} is of this scheme (and not, say, {@code dynamodb+cdc://}). */
  public static boolean isTableUrl(String url) {
    return url != null && url.trim().toLowerCase(Locale.ROOT).startsWith(SCHEME + "://");
  }

  /** Parses and validates the URL; the message of a failure names the bad part. */
  public static DynamoDbTableUrl parse(String url) {
    return parse(url, ProcessEnvironment.get());
  }

  /**
   * As {@link #parse(String)}, a URL without {@code region} (or a table ARN) taking it from {@code
   * environment}'s AWS settings ({@code AWS_REGION}, … as the AWS SDKs do).
   */
  public static DynamoDbTableUrl parse(String url, Map<String, String> environment) {
    URI uri =
        AwsUrlParts.uri(
            url, SCHEME, SCHEME + "://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS");
    AwsUrlParts.requireHost(uri);
    AwsUrlParts parts = AwsUrlParts.of(uri);
    Optional<String> accessKey = parts.accessKey();
    Optional<String> secretKey = parts.secretKey();
    Optional<URI> endpoint = parts.endpoint();
    Map<String, String> given = new LinkedHashMap<>(parts.options());
    // The reference tool's earlier releases (and its documentation) call batch-size page-size.
    String pageSize = given.remove("page-size");
    // A bad value is named as it was written.
    String batchSizeName =
        pageSize != null && !given.containsKey("batch-size") ? "page-size" : "batch-size";
    if (pageSize != null) {
      String batchSize = given.putIfAbsent("batch-size", pageSize);
      if (batchSize != null && !batchSize.equals(pageSize)) {
        throw new BadSourceUrlException(
            "options page-size="
                + pageSize
                + " and batch-size="
                + batchSize
                + " are the same option (page-size is its earlier name): give one");
      }
    }
    for (String name : given.keySet()) {
      if (!OPTIONS.containsKey(name)) {
        throw UrlOptions.unknown(name, OPTIONS.keySet(), java.util.List.of());
      }
    }
    Map<String, String> options = new LinkedHashMap<>(OPTIONS);
    options.putAll(given);

    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String name = UrlQuery.decode(path.startsWith("/") ? path.substring(1) : path);
    String region = null;
    Optional<String> arn = Optional.empty();
    if (name.startsWith("arn:")) {
      Matcher m = ARN.matcher(name);
      if (!m.matches()) {
        throw new BadSourceUrlException(
            "the table ARN \""
                + name
                + "\" is not a DynamoDB table ARN"
                + " (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)");
      }
      if (given.containsKey("region") && !given.get("region").equals(m.group(1))) {
        throw new BadSourceUrlException(
            "option region="
                + given.get("region")
                + " disagrees with the region "
                + m.group(1)
                + " of the table ARN");
      }
      region = m.group(1);
      arn = Optional.of(name);
      name = m.group(3);
    }
    if (name.isEmpty()) {
      throw new BadSourceUrlException(
          "the source URL must name one table as its path, as in " + SCHEME + "://aws/TABLE");
    }
    if (!name.matches("[a-zA-Z0-9_.-]{3,255}")) {
      throw new BadSourceUrlException(
          "the table name \"" + name + "\" is not valid: 3 to 255 of a-z A-Z 0-9 _ . -");
    }
    if (region == null) {
      region = AwsUrlParts.region(given, environment);
    }
    int batchSize =
        UrlOptions.integer(
            Map.of(batchSizeName, options.get("batch-size")), batchSizeName, 1, 10_000);
    boolean consistent = UrlOptions.bool(options, "consistent-read");
    int segments = UrlOptions.integer(options, "segments", 1, MAX_SEGMENTS);
    // Absent, no budget; given empty (rcu=$RCU with RCU unset), refused as any other bad value.
    OptionalInt rcu =
        !given.containsKey("rcu")
            ? OptionalInt.empty()
            : OptionalInt.of(UrlOptions.integer(options, "rcu", 1, 1_000_000));
    return new DynamoDbTableUrl(
        name, arn, accessKey, secretKey, endpoint, region, batchSize, consistent, segments, rcu);
  }

  /** What the DynamoDB requests name the table by: its ARN when given, else its name. */
  public String tableReference() {
    return tableArn.orElse(table);
  }

  @Override
  public String toString() {
    return SCHEME
        + "://"
        + accessKey.map(k -> k + ":***@").orElse("")
        + endpoint.map(e -> e.getHost() + (e.getPort() < 0 ? "" : ":" + e.getPort())).orElse("aws")
        + "/"
        + tableReference()
        + "?region="
        + region
        + "&batch-size="
        + batchSize
        + "&consistent-read="
        + consistentRead
        + "&segments="
        + segments
        + (rcu.isPresent() ? "&rcu=" + rcu.getAsInt() : "");
  }
}
