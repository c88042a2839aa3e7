package io.cdcrelay.provision;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What {@code relay provision} and {@code relay teardown} are asked to set up or remove.
 *
 * @param source the source URL: the stream, its region, endpoint and the mapping's settings
 * @param dynamoDbTables the DynamoDB tables whose changes go into the stream, each once, in the
 *     order given
 * @param function the Lambda function the stream feeds, if any
 * @param onFailureDestination the mapping's on-failure destination (an SQS queue or SNS topic ARN)
 * @param disableTableStream teardown of a {@code dynamodb+cdc} URL turns the table's stream off
 *     too; without it the stream stays on, for its other readers
 */
public record ProvisionRequest(
    SourceUrl source,
    List<String> dynamoDbTables,
    Optional<String> function,
    Optional<String> onFailureDestination,
    boolean disableTableStream) {

  public ProvisionRequest {
    dynamoDbTables = List.copyOf(new LinkedHashSet<>(dynamoDbTables));
    if (source.type() == SourceType.DYNAMODB_STREAM && !dynamoDbTables.isEmpty()) {
      throw new IllegalArgumentException(
          "--dynamodb-table is for Kinesis URLs; a dynamodb+cdc URL names its table as its path");
    }
  }

  /** A request that leaves a table's stream on. */
  public ProvisionRequest(
      SourceUrl source,
      List<String> dynamoDbTables,
      Optional<String> function,
      Optional<String> onFailureDestination) {
    this(source, dynamoDbTables, function, onFailureDestination, false);
  }

  /** Whether the URL names a table's own DynamoDB stream rather than a Kinesis stream. */
  public boolean fromTableStream() {
    return source.type() == SourceType.DYNAMODB_STREAM;
  }

  /**
   * The DynamoDB tables whose changes reach the function: the URL's table for its DynamoDB stream,
   * else the tables named to stream into the Kinesis stream.
   */
  public List<String> sourceTables() {
    return fromTableStream() ? List.of(source.stream()) : dynamoDbTables;
  }
}
