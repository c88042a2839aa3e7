package io.cdcrelay.provision;

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
 */
public record ProvisionRequest(
    SourceUrl source,
    List<String> dynamoDbTables,
    Optional<String> function,
    Optional<String> onFailureDestination) {

  public ProvisionRequest {
    dynamoDbTables = List.copyOf(new LinkedHashSet<>(dynamoDbTables));
  }
}
