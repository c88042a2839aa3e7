package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.source.DynamoDbTableUrl;
import org.junit.jupiter.api.Test;

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
}
