package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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

  @Test
  void nothingListeningOrAnUnknownHostSaysWhatToCheck() {
    SdkClientException refused =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Connection refused")
            .cause(new java.net.ConnectException("Connection refused"))
            .build();
    assertThat(AwsErrors.describe(new RuntimeException("reading shard-1", refused)))
        .isEqualTo("reading shard-1 (" + AwsErrors.NOTHING_ANSWERS + ")");
    assertThat(AwsErrors.describe(refused))
        .isEqualTo(
            "Unable to execute HTTP request: Connection refused ("
                + AwsErrors.NOTHING_ANSWERS
                + ")");
    SdkClientException unknown =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: dynamo.invalid")
            .cause(new java.net.UnknownHostException("dynamo.invalid"))
            .build();
    assertThat(AwsErrors.describe(unknown)).endsWith("(" + AwsErrors.UNKNOWN_HOST + ")");
    // AWS's own host, made from a mistyped region: the region is what to check.
    SdkClientException region =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: dynamodb.eu-centrl-1.amazonaws.com")
            .cause(
                new java.net.UnknownHostException(
                    "dynamodb.eu-centrl-1.amazonaws.com: Name or service not known"))
            .build();
    assertThat(AwsErrors.describe(region)).endsWith("(" + AwsErrors.UNKNOWN_AWS_HOST + ")");
    // The SDK's own words for it are a paragraph about DNS caches that names no host.
    SdkClientException sdk =
        SdkClientException.builder()
            .message(
                "Received an UnknownHostException when attempting to interact with a service. See"
                    + " cause for the exact endpoint that is failing to resolve. If this is"
                    + " happening on an endpoint that previously worked, there may be a network"
                    + " connectivity issue or your DNS cache could be storing endpoints for too"
                    + " long. (SDK Attempt Count: 1)")
            .cause(
                SdkClientException.create(
                    "Unable to execute HTTP request",
                    new java.net.UnknownHostException(
                        "nosuchhost.invalid: Name or service not known")))
            .build();
    assertThat(AwsErrors.describe(sdk))
        .isEqualTo(
            "Unable to execute HTTP request: nosuchhost.invalid: Name or service not known ("
                + AwsErrors.UNKNOWN_HOST
                + ")");
  }

  private static AwsServiceException answer(int status, String requestId, String errorType) {
    return AwsServiceException.builder()
        .message("Service returned HTTP status code " + status)
        .statusCode(status)
        .requestId(requestId)
        .awsErrorDetails(
            AwsErrorDetails.builder().errorCode(errorType).serviceName("DynamoDb").build())
        .build();
  }

  @Test
  void anHttpErrorNoAwsServiceCouldHaveSentIsToldApartAndExplained() {
    // CrateDB's HTTP port answering a DynamoDB request; dynalite answering a Kinesis one.
    assertThat(AwsErrors.notAnAwsAnswer(answer(500, null, null))).isTrue();
    assertThat(AwsErrors.notAnAwsAnswer(answer(404, "IOKXPOSPLZ", null))).isTrue();
    assertThat(AwsErrors.notAnAwsAnswer(new RuntimeException("reading", answer(404, "R", ""))))
        .as("wrapped")
        .isTrue();
    assertThat(AwsErrors.describe(answer(500, null, null)))
        .startsWith("Service returned HTTP status code 500 (Service: DynamoDb")
        .endsWith(
            " (the answer names no AWS error type, as the service would: is the URL's host and"
                + " port the endpoint of that service?)");
    // What a service (or its front end, in an outage) does send: retried, explained as it is.
    assertThat(AwsErrors.notAnAwsAnswer(answer(503, "R1", null))).as("5xx, request id").isFalse();
    assertThat(AwsErrors.notAnAwsAnswer(answer(400, "R2", "ThrottlingException"))).isFalse();
    assertThat(AwsErrors.notAnAwsAnswer(answer(500, null, "InternalServerError"))).isFalse();
    assertThat(AwsErrors.describe(answer(400, "R3", "ResourceNotFoundException")))
        .doesNotContain("no AWS error type");
    assertThat(AwsErrors.notAnAwsAnswer(NO_CREDENTIALS)).isFalse();
  }

  @Test
  void aRefusalWithoutAnAwsErrorTypeAsksAboutTheCredentialsToo() {
    for (int status : new int[] {401, 403}) {
      assertThat(AwsErrors.describe(new RuntimeException("reading", answer(status, "R", null))))
          .as("HTTP %d", status)
          .endsWith(" (" + AwsErrors.ACCESS_REFUSED + ")");
    }
    assertThat(AwsErrors.describe(answer(404, "R", null)))
        .endsWith(AwsErrors.NOT_AN_AWS_ANSWER + ")");
    // AWS itself names the type of a refusal: its own message says it all.
    assertThat(AwsErrors.describe(answer(403, "R", "UnrecognizedClientException")))
        .isEqualTo(answer(403, "R", "UnrecognizedClientException").getMessage());
  }
}
