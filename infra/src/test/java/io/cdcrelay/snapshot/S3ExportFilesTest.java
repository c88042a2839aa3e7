package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.source.S3ExportUrl;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

  // A secret as AWS makes them, and worse: what no message may print, raw or percent-encoded.
  private static final String SECRET = "wJal/rXUt@nFEMI%K7#MDENG+bPxRfiCY";

  // No request is sent: only the classification of S3's answers is tested.
  private final S3ExportFiles files =
      files("s3://AKIAEXAMPLEKEY000001:" + encoded(SECRET) + "@my-exports/p/AWSDynamoDB/x/");

  private static String encoded(String secret) {
    return URLEncoder.encode(secret, StandardCharsets.UTF_8);
  }

  private static S3ExportFiles files(String url) {
    return new S3ExportFiles(
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .build(),
        S3ExportUrl.parse(url));
  }

  private static void assertNoSecret(SourceReadException e) {
    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(encoded(SECRET));
  }

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
            "access denied to s3://my-exports/p/AWSDynamoDB/x/data/a.json.gz (AccessDenied): the"
                + " credentials (access key AKIAEXAMPLEKEY000001) need s3:GetObject on"
                + " arn:aws:s3:::my-exports/p/AWSDynamoDB/x/* (and kms:Decrypt for an SSE-KMS"
                + " export); without s3:ListBucket on arn:aws:s3:::my-exports, S3 denies access to"
                + " a missing object too");
    assertNoSecret(e);
  }

  @Test
  void accessDeniedToTheDefaultChainsCredentialsNamesTheResourceInTheBucketsPartition() {
    try (S3ExportFiles china = files("s3://my-exports/AWSDynamoDB/x/?region=cn-north-1")) {
      SourceReadException e =
          china.failure("AWSDynamoDB/x/manifest-summary.json", answer(403, "AccessDenied"));
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage())
          .contains(
              "(AccessDenied): the credentials of the default chain need s3:GetObject on"
                  + " arn:aws-cn:s3:::my-exports/AWSDynamoDB/x/*");
    }
  }

  @Test
  void anUnknownAccessKeyIsNamedAsSuchNotAsAMissingPermissionAndIsNotRetried() {
    SourceReadException e =
        files.failure("p/AWSDynamoDB/x/manifest-summary.json", answer(403, "InvalidAccessKeyId"));
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .isEqualTo(
            "S3 refused the credentials reading"
                + " s3://my-exports/p/AWSDynamoDB/x/manifest-summary.json (InvalidAccessKeyId): the"
                + " access key AKIAEXAMPLEKEY000001 is not known to S3; correct"
                + " ACCESS_KEY:SECRET_KEY in the URL (percent-encoded: / as %2F, + as %2B)");
    // Not taken for a missing manifest ("does not exist") by the load.
    assertThat(e.getMessage()).doesNotContain("does not exist").doesNotContain("s3:GetObject");
    assertNoSecret(e);
  }

  @Test
  void aWrongSecretKeyOrSessionTokenIsNamedAsSuchAndIsNotRetried() {
    SourceReadException signature =
        files.failure("p/AWSDynamoDB/x/data/a.json.gz", answer(403, "SignatureDoesNotMatch"));
    assertThat(signature.retryable()).isFalse();
    assertThat(signature.getMessage())
        .contains(
            "(SignatureDoesNotMatch): the secret key does not belong to the access key"
                + " AKIAEXAMPLEKEY000001; correct ACCESS_KEY:SECRET_KEY in the URL");
    assertNoSecret(signature);
    try (S3ExportFiles chain = files("s3://my-exports/AWSDynamoDB/x/")) {
      SourceReadException token =
          chain.failure("AWSDynamoDB/x/manifest-summary.json", answer(400, "InvalidToken"));
      assertThat(token.retryable()).isFalse();
      assertThat(token.getMessage())
          .endsWith(
              "(InvalidToken): the session token of the access key of the default credential"
                  + " chain is not valid; correct the environment, profile or role it comes"
                  + " from");
    }
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

  @Test
  void aBodyCutShortFailsItsReadInsteadOfEndingAsIfItWereWhole() throws Exception {
    // The SDK's URL-connection client ends a body cut short (the whole Content-Length sent, the
    // connection closed half-way) without an error: the read must fail, to be read again.
    String key = "p/AWSDynamoDB/x/data/a.json.gz";
    byte[] object = new byte[10_000];
    new java.util.Random(7).nextBytes(object);
    try (CuttingS3Server s3 = new CuttingS3Server("my-exports", java.util.Map.of(key, object));
        S3ExportFiles cutting =
            S3ExportFiles.from(
                S3ExportUrl.parse(
                    "s3://AKIAEXAMPLEKEY000001:secret@my-exports/p/AWSDynamoDB/x/?endpoint=127.0.0.1:"
                        + s3.port()))) {
      s3.cut(key, 1);
      try (java.io.InputStream cut = cutting.open(key)) {
        org.assertj.core.api.Assertions.assertThatThrownBy(cut::readAllBytes)
            .isExactlyInstanceOf(java.io.IOException.class)
            .hasMessage("the connection ended after 5000 of the object's 10000 bytes");
      }
      try (java.io.InputStream whole = cutting.open(key)) {
        assertThat(whole.readAllBytes()).isEqualTo(object);
      }
    }
  }
}
