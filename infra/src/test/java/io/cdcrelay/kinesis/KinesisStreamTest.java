package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/** How a Kinesis failure is classed: waited out and retried, or the end of the relay. */
class KinesisStreamTest {

  private static ShardReadException.Kind kindOf(RuntimeException thrown) {
    return catchThrowableOfType(
            () ->
                KinesisStream.typed(
                    () -> {
                      throw thrown;
                    }),
            ShardReadException.class)
        .kind();
  }

  @Test
  void throttlingOfTheStreamOrOfItsKmsKeyIsWaitedOut() {
    assertThat(kindOf(ProvisionedThroughputExceededException.builder().message("slow").build()))
        .isEqualTo(ShardReadException.Kind.THROTTLED);
    assertThat(
            kindOf(
                KmsThrottlingException.builder()
                    .message("KMS rate exceeded")
                    .statusCode(400)
                    .build()))
        .isEqualTo(ShardReadException.Kind.THROTTLED);
  }

  @Test
  void serverAndNetworkFailuresAreRetriedAndOtherClientErrorsEndTheRelay() {
    assertThat(kindOf(SdkClientException.create("connection reset")))
        .isEqualTo(ShardReadException.Kind.RETRYABLE);
    assertThat(
            kindOf(
                (RuntimeException)
                    KinesisException.builder()
                        .statusCode(503)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("Unavailable").build())
                        .build()))
        .isEqualTo(ShardReadException.Kind.RETRYABLE);
    assertThat(kindOf(AccessDeniedException.builder().statusCode(400).message("no").build()))
        .isEqualTo(ShardReadException.Kind.FATAL);
  }
}
