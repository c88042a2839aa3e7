package io.cdcrelay.source;

import java.util.Optional;

/** Which stream a source URL names, told apart by its scheme. */
public enum SourceType {
  /** A Kinesis data stream fed by the table's Kinesis streaming destination. */
  KINESIS_DATA_STREAM("kinesis+dynamodb+cdc", "STREAM", "KinesisDataStream", "aws:kinesis"),
  /** The table's own DynamoDB stream. */
  DYNAMODB_STREAM("dynamodb+cdc", "TABLE", "DynamoDBStream", "aws:dynamodb");

  private final String scheme;
  private final String pathName;
  private final String templateValue;
  private final String eventSource;

  SourceType(String scheme, String pathName, String templateValue, String eventSource) {
    this.scheme = scheme;
    this.pathName = pathName;
    this.templateValue = templateValue;
    this.eventSource = eventSource;
  }

  /** The URL scheme. */
  public String scheme() {
    return scheme;
  }

  /** What the URL's path names: {@code STREAM} or {@code TABLE}. */
  public String pathName() {
    return pathName;
  }

  /** The value of {@code template.yaml}'s {@code SourceType} parameter. */
  public String templateValue() {
    return templateValue;
  }

  /**
   * The {@code eventSource} of the stream's records in a Lambda event: {@code aws:kinesis}, {@code
   * aws:dynamodb}.
   */
  public String eventSource() {
    return eventSource;
  }

  /** The URL form, as in messages. */
  public String form() {
    return scheme + "://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/" + pathName + "?OPTIONS";
  }

  /** The type of a URL scheme, if it is one of ours. */
  public static Optional<SourceType> fromScheme(String scheme) {
    for (SourceType type : values()) {
      if (type.scheme.equals(scheme)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
