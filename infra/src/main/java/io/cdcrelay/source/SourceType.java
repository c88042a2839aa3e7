package io.cdcrelay.source;

import io.cdcrelay.lambda.DynamoDbStreamsRelayHandler;
import io.cdcrelay.lambda.KinesisRelayHandler;
import java.util.Optional;

/** Which stream a source URL names, told apart by its scheme. */
public enum SourceType {
  /** A Kinesis data stream fed by the table's Kinesis streaming destination. */
  KINESIS_DATA_STREAM(
      "kinesis+dynamodb+cdc",
      "STREAM",
      "KinesisDataStream",
      "aws:kinesis",
      KinesisRelayHandler.class.getName()),
  /** The table's own DynamoDB stream. */
  DYNAMODB_STREAM(
      "dynamodb+cdc",
      "TABLE",
      "DynamoDBStream",
      "aws:dynamodb",
      DynamoDbStreamsRelayHandler.class.getName());

  private final String scheme;
  private final String pathName;
  private final String templateValue;
  private final String eventSource;
  private final String handlerClass;

  SourceType(
      String scheme,
      String pathName,
      String templateValue,
      String eventSource,
      String handlerClass) {
    this.scheme = scheme;
    this.pathName = pathName;
    this.templateValue = templateValue;
    this.eventSource = eventSource;
    this.handlerClass = handlerClass;
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

  /** The class of the relay's Lambda handler that reads this type's events. */
  public String handlerClass() {
    return handlerClass;
  }

  /**
   * The type whose events a Lambda function's handler reads, when it is one of the relay's handlers
   * ({@code Class::method} or {@code Class}); empty for any other handler.
   */
  public static Optional<SourceType> ofHandler(String handler) {
    String handlerClass = handler.split("::", 2)[0].trim();
    for (SourceType type : values()) {
      if (type.handlerClass.equals(handlerClass)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
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
