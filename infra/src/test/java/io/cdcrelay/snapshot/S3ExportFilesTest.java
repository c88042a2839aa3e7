package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ExportFilesTest {

  // No request is sent: only the classification of S3's answers is tested.
  private final S3ExportFiles files =
      new S3ExportFiles(
          S3Client.builder()
              .httpClient(UrlConnectionHttpClient.create())
              .region(Region.US_EAST_1)
              .credentialsProvider(AnonymousCredentialsProvider.create())
              .endpointOverride(URI.create("http://127.0.0.1:9"))
              .build(),
          "my-exports");

  @AfterEach
  void close() {
    files.close();
  }

  private static S3Exception answer(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(code + " (service message)")
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  @Test
  void accessDeniedIsOneSentenceNamingThePermissionAndIsNotRetried() {
    SourceReadException e =
        files.failure("p/AWSDynamoDB/x/data/a.json.gz", answer(403, "AccessDenied"));
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .isEqualTo(
            "access to s3://my-exports/p/AWSDynamoDB/x/data/a.json.gz was denied (AccessDenied):"
                + " the credentials need s3:GetObject on the export's folder");
  }

  @Test
  void aMissingObjectIsNamedAndNotRetried() {
    SourceReadException e =
        files.failure("p/AWSDynamoDB/x/data/a.json.gz", answer(404, "NoSuchKey"));
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .isEqualTo("s3://my-exports/p/AWSDynamoDB/x/data/a.json.gz does not exist (NoSuchKey)");
  }

  @Test
  void throttlingServerErrorsAndTheNetworkAreRetried() {
    assertThat(files.failure("k", answer(503, "SlowDown")).retryable()).isTrue();
    assertThat(files.failure("k", answer(500, "InternalError")).retryable()).isTrue();
    assertThat(files.failure("k", answer(400, "RequestTimeout")).retryable()).isTrue();
    assertThat(files.failure("k", SdkClientException.create("connection refused")).retryable())
        .isTrue();
    assertThat(files.failure("k", answer(400, "InvalidRequest")).retryable()).isFalse();
  }
}
