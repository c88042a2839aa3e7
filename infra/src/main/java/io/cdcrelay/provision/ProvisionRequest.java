package io.cdcrelay.provision;

import io.cdcrelay.source.SourceUrl;
import java.util.Optional;

/**
 * What {@code relay provision} and {@code relay teardown} are asked to set up or remove.
 *
 * @param source the source URL: the stream, its region, endpoint and the mapping's settings
 * @param dynamoDbTable the DynamoDB table whose changes go into the stream, if any
 * @param function the Lambda function the stream feeds, if any
 * @param onFailureDestination the mapping's on-failure destination (an SQS queue or SNS topic ARN)
 */
public record ProvisionRequest(
    SourceUrl source,
    Optional<String> dynamoDbTable,
    Optional<String> function,
    Optional<String> onFailureDestination) {}
