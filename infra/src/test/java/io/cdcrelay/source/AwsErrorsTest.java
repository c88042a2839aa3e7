package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {

  private static final SdkClientException NO_CREDENTIALS =
      SdkClientException.create(
          "Unable to load credentials from any of the providers in the chain"
              + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
              + " EnvironmentVariableCredentialsProvider(), …])");

  @Test
  void missingCredentialsAreOneSentenceWithTheFixWhereverWrapped() {
    assertThat(AwsErrors.describe(NO_CREDENTIALS))
        .isEqualTo(AwsErrors.NO_CREDENTIALS)
        .contains("ACCESS_KEY:SECRET_KEY@", "AWS_ACCESS_KEY_ID", "AWS_PROFILE");
    assertThat(AwsErrors.noCredentials(new RuntimeException("reading shard-1", NO_CREDENTIALS)))
        .isTrue();
  }

  @Test
  void otherFailuresKeepTheirOwnMessage() {
    SdkClientException refused =
        SdkClientException.create("Unable to execute HTTP request: Connection refused");
    assertThat(AwsErrors.noCredentials(refused)).isFalse();
    assertThat(AwsErrors.describe(refused))
        .isEqualTo("Unable to execute HTTP request: Connection refused");
  }
}
