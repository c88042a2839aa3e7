package io.cdcrelay.source;

import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.sink.UrlQuery;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The source URL of the reference tool, validated: {@code
 * kinesis+dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/STREAM?OPTIONS} for a Kinesis data
 * stream, or {@code dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS} for the
 * DynamoDB stream of table {@code TABLE}. {@code HOST} {@code aws} means the real AWS endpoints of
 * {@code region}; any other host and port is a custom endpoint over plain HTTP (LocalStack, a
 * Kinesis emulator).
 *
 * @param type which kind of stream the URL names
 * @param stream the Kinesis stream name, or the DynamoDB table name of a {@code dynamodb+cdc} URL
 * @param accessKey the AWS access key, if the URL has credentials
 * @param secretKey the AWS secret key, if the URL has credentials (redacted in {@link #toString})
 * @param endpoint the custom endpoint, or empty for AWS itself
 * @param region the AWS region
 * @param batchSize records consumed at once; the event source mapping's BatchSize
 * @param create whether to create the stream when it does not exist
 * @param createShards the shard count of a created stream
 * @param start where to start a shard without a checkpoint
 * @param sequenceNumber the sequence number of {@code seqno-at} and {@code seqno-after}
 * @param idleSleep the pause after a poll that returned no records
 * @param bufferTime how long records are buffered before they are flushed
 * @param once drain what is in the stream, then exit
 * @param batchesInFlight how many batches of a shard the local relay applies at once
 * @param supersededOptions options of the reference tool's newer releases that this relay's own
 *     checkpointing supersedes: accepted, reported, not used
 */
public record SourceUrl(
    SourceType type,
    String stream,
    Optional<String> accessKey,
    Optional<String> secretKey,
    Optional<URI> endpoint,
    String region,
    int batchSize,
    boolean create,
    int createShards,
    StartPosition start,
    Optional<String> sequenceNumber,
    Duration idleSleep,
    Duration bufferTime,
    boolean once,
    int batchesInFlight,
    Map<String, String> supersededOptions)
    implements AwsSourceUrl {

  /** The URL scheme of a Kinesis data stream. */
  public static final String SCHEME = SourceType.KINESIS_DATA_STREAM.scheme();

  /** The options and their defaults (those of the reference tool). */
  public static final Map<String, String> OPTIONS = defaults();

  /** The same source in another region (of a stream on AWS itself). */
  public SourceUrl withRegion(String otherRegion) {
    return new SourceUrl(
        type,
        stream,
        accessKey,
        secretKey,
        endpoint,
        otherRegion,
        batchSize,
        create,
        createShards,
        start,
        sequenceNumber,
        idleSleep,
        bufferTime,
        once,
        batchesInFlight,
        supersededOptions);
  }

  /**
   * Options of cratedb-toolkit 0.1.x, accepted so that URLs written for it keep working; this relay
   * always checkpoints per shard in the target database after each applied batch.
   */
  public static final List<String> SUPERSEDED =
      List.of(
          "checkpointer",
          "checkpointer-name",
          "checkpointer-schema",
          "checkpointer-interval",
          "describe-timeout");

  private static Map<String, String> defaults() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("batch-size", "100");
    options.put("create", "false");
    options.put("create-shards", "1");
    options.put("region", "us-east-1");
    options.put("start", "earliest");
    options.put("seqno", "");
    options.put("idle-sleep", "0.5");
    options.put("buffer-time", "0.5");
    options.put("once", "false");
    options.put("batches-in-flight", "2");
    return java.util.Collections.unmodifiableMap(options);
  }

  /** Parses and validates a source URL; the message of a failure names the bad part. */
  public static SourceUrl parse(String url) {
    return parse(url, ProcessEnvironment.get());
  }

  /**
   * As {@link #parse(String)}, a URL without {@code region} taking it from {@code environment}'s
   * AWS settings ({@code AWS_REGION}, … as the AWS SDKs do).
   */
  public static SourceUrl parse(String url, Map<String, String> environment) {
    URI uri = AwsUrlParts.uri(url);
    SourceType type =
        SourceType.fromScheme(uri.getScheme())
            .orElseThrow(
                () ->
                    new BadSourceUrlException(
                        "the source URL scheme \""
                            + (uri.getScheme() == null ? "" : uri.getScheme())
                            + "\" is not supported; use "
                            + SourceType.KINESIS_DATA_STREAM.form()
                            + " or "
                            + SourceType.DYNAMODB_STREAM.form()));
    AwsUrlParts.requireWholeCredentials(url, uri);
    AwsUrlParts.requireHost(uri);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String stream = UrlQuery.decode(path.startsWith("/") ? path.substring(1) : path);
    if (type == SourceType.DYNAMODB_STREAM) {
      if (stream.isEmpty() || stream.contains("/")) {
        throw new BadSourceUrlException(
            "the source URL must name one table as its path, as in "
                + type.scheme()
                + "://aws/TABLE");
      }
      if (!stream.matches("[a-zA-Z0-9_.-]{3,255}")) {
        throw new BadSourceUrlException(
            "the table name \"" + stream + "\" is not valid: 3 to 255 of a-z A-Z 0-9 _ . -");
      }
    } else {
      if (stream.isEmpty() || stream.contains("/")) {
        throw new BadSourceUrlException(
            "the source URL must name one stream as its path, as in " + SCHEME + "://aws/STREAM");
      }
      if (!stream.matches("[a-zA-Z0-9_.-]{1,128}")) {
        throw new BadSourceUrlException(
            "the stream name \"" + stream + "\" is not valid: 1 to 128 of a-z A-Z 0-9 _ . -");
      }
    }
    AwsUrlParts parts = AwsUrlParts.of(uri);
    Optional<String> accessKey = parts.accessKey();
    Optional<String> secretKey = parts.secretKey();
    Optional<URI> endpoint = parts.endpoint();
    Map<String, String> given = parts.options();
    Map<String, String> superseded = new LinkedHashMap<>();
    for (String name : given.keySet()) {
      if (SUPERSEDED.contains(name)) {
        superseded.put(name, given.get(name));
      } else if (!OPTIONS.containsKey(name)) {
        throw UrlOptions.unknown(name, OPTIONS.keySet(), SUPERSEDED);
      }
    }
    Map<String, String> options = new LinkedHashMap<>(OPTIONS);
    given.forEach(
        (k, v) -> {
          if (OPTIONS.containsKey(k)) {
            options.put(k, v);
          }
        });

    int batchSize = UrlOptions.integer(options, "batch-size", 1, 10_000);
    boolean create = UrlOptions.bool(options, "create");
    int createShards = UrlOptions.integer(options, "create-shards", 1, 10_000);
    if (type == SourceType.DYNAMODB_STREAM && (create || given.containsKey("create-shards"))) {
      throw new BadSourceUrlException(
          "options create and create-shards are for Kinesis streams; a table's DynamoDB stream is"
              + " enabled with: relay provision '"
              + type.scheme()
              + "://…/"
              + stream
              + "' --function FUNCTION --on-failure-arn QUEUE_ARN");
    }
    String region = AwsUrlParts.region(given, environment);
    StartPosition start =
        StartPosition.fromOption(options.get("start"))
            .orElseThrow(
                () ->
                    new BadSourceUrlException(
                        "option start="
                            + options.get("start")
                            + " is not one of "
                            + StartPosition.accepted()));
    String seqno = options.get("seqno");
    Optional<String> sequenceNumber = Optional.empty();
    if (start.needsSequenceNumber()) {
      if (seqno.isEmpty()) {
        throw new BadSourceUrlException(
            "option start=" + start.option() + " needs seqno=SEQUENCE_NUMBER");
      }
      try {
        sequenceNumber = Optional.of(SequenceNumbers.requireValid(seqno));
      } catch (IllegalArgumentException e) {
        throw new BadSourceUrlException("option seqno=" + seqno + " is " + e.getMessage());
      }
    } else if (!seqno.isEmpty()) {
      throw new BadSourceUrlException(
          "option seqno is only accepted with start=seqno-at or start=seqno-after, not with start="
              + start.option());
    }
    Duration idleSleep = UrlOptions.seconds(options, "idle-sleep", 0, 3600);
    Duration bufferTime = UrlOptions.seconds(options, "buffer-time", 0, 300);
    boolean once = UrlOptions.bool(options, "once");
    int batchesInFlight = UrlOptions.integer(options, "batches-in-flight", 1, 10);
    return new SourceUrl(
        type,
        stream,
        accessKey,
        secretKey,
        endpoint,
        region,
        batchSize,
        create,
        createShards,
        start,
        sequenceNumber,
        idleSleep,
        bufferTime,
        once,
        batchesInFlight,
        superseded);
  }

  /** The URL with the options of its kind of stream, for logs: the secret key redacted. */
  @Override
  public String toString() {
    return type.scheme()
        + "://"
        + accessKey.map(k -> k + ":***@").orElse("")
        + endpoint.map(e -> e.getHost() + (e.getPort() < 0 ? "" : ":" + e.getPort())).orElse("aws")
        + "/"
        + stream
        + "?region="
        + region
        + "&batch-size="
        + batchSize
        + "&start="
        + start.option()
        + sequenceNumber.map(s -> "&seqno=" + s).orElse("")
        + (type == SourceType.KINESIS_DATA_STREAM
            ? "&create=" + create + "&create-shards=" + createShards
            : "")
        + "&idle-sleep="
        + idleSleep.toMillis() / 1000.0
        + "&buffer-time="
        + bufferTime.toMillis() / 1000.0
        + "&once="
        + once
        + "&batches-in-flight="
        + batchesInFlight;
  }
}
