package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.AwsErrors;
import io.cdcrelay.source.DynamoDbTableUrl;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class DynamoDbTableSourceTest {

  @Test
  void aFailedDescribeNamesWhereTheTableWasLookedFor() {
    // Port 1 on the loopback refuses at once: a wrong endpoint must be visible in the message.
    DynamoDbTableUrl url =
        DynamoDbTableUrl.parse("dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:1/orders");
    try (DynamoDbTableSource source = DynamoDbTableSource.from(url)) {
      assertThatThrownBy(source::describe)
          .isInstanceOf(SourceReadException.class)
          .hasMessageStartingWith("DescribeTable orders at http://127.0.0.1:1 failed: ")
          .matches(e -> !((SourceReadException) e).retryable(), "not retried: nothing read yet")
          .message()
          .doesNotContain("s3cr");
    }
  }

  @Test
  void aBareServerErrorAfterDescribeTableAnsweredIsTheEndpointsOwnFailureNotAWrongUrl() {
    // moto answers a parallel Scan of a table with a binary hash key with a bare 500.
    AwsServiceException bare =
        AwsServiceException.builder()
            .message("Service returned HTTP status code 500")
            .statusCode(500)
            .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").build())
            .build();

    SourceReadException failure = DynamoDbTableSource.failure("Scan of segment 1 of t", bare);

    assertThat(failure.getMessage())
        .isEqualTo(
            "Scan of segment 1 of t failed: Service returned HTTP status code 500 (Service:"
                + " DynamoDb, Status Code: 500, Request ID: null) (the endpoint"
                + " answered DescribeTable, then this without an AWS error type: a failure of the"
                + " service or emulator itself)")
        .doesNotContain(AwsErrors.NOT_AN_AWS_ANSWER);
    assertThat(failure.retryable()).isTrue();
  }
}
