package io.cdcrelay.snapshot;

import io.cdcrelay.source.AwsErrors;
import io.cdcrelay.source.S3ExportUrl;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads the objects of an export's folder over the AWS SDK's S3 client: the region, a custom
 * endpoint with path-style requests (an emulator), the URL's credentials or the default chain.
 * Failures are {@link SourceReadException}s, one sentence each, that say whether a retry can help
 * and, for credentials S3 refuses or a permission they lack, what to fix or grant.
 */
public final class S3ExportFiles implements AutoCloseable {

  private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket", "NotFound");
  private static final Set<String> RETRYABLE_CODES =
      Set.of("SlowDown", "RequestTimeout", "ExpiredToken", "RequestTimeTooSkewed");

  private final S3Client client;
  private final S3ExportUrl url;

  /**
   * @param url the export: its bucket, and what failure messages name (its folder, the access key)
   */
  public S3ExportFiles(S3Client client, S3ExportUrl url) {
    this.client = client;
    this.url = url;
  }

  /** A reader of the URL's bucket. */
  public static S3ExportFiles from(S3ExportUrl url) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build())
            .region(Region.of(url.region()))
            .credentialsProvider(credentials(url))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    url.endpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
    return new S3ExportFiles(builder.build(), url);
  }

  static AwsCredentialsProvider credentials(S3ExportUrl url) {
    if (url.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(url.accessKey().get(), url.secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** The whole object, for a manifest. */
  public byte[] read(String key) {
    try {
      return client.getObjectAsBytes(r -> r.bucket(url.bucket()).key(key)).asByteArray();
    } catch (SdkException e) {
      throw failure(key, e);
    }
  }

  /**
   * The object as a stream, for a data file; the caller closes it. A body that ends before its
   * {@code Content-Length} fails the read with an {@link IOException} (a dropped connection, to be
   * read again): the SDK's URL-connection client ends such a body as if it were whole.
   */
  public InputStream open(String key) {
    ResponseInputStream<GetObjectResponse> body;
    try {
      body = client.getObject(r -> r.bucket(url.bucket()).key(key));
    } catch (SdkException e) {
      throw failure(key, e);
    }
    Long length = body.response().contentLength();
    return length == null ? body : new WholeBody(body, length);
  }

  /** A body read to its end only once it has given all its bytes. */
  private static final class WholeBody extends FilterInputStream {

    private final long length;
    private long read;

    WholeBody(InputStream in, long length) {
      super(in);
      this.length = length;
    }

    @Override
    public int read() throws IOException {
      return counted(super.read(), 1);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      return counted(n, n);
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      read += skipped;
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private int counted(int result, int bytes) throws IOException {
      if (result < 0) {
        if (read < length) {
          throw new IOException(
              "the connection ended after " + read + " of the object's " + length + " bytes");
        }
        return result;
      }
      read += bytes;
      return result;
    }
  }

  /** The S3 URL of a key, as messages name it. */
  public String location(String key) {
    return "s3://" + url.bucket() + "/" + key;
  }

  SourceReadException failure(String key, SdkException e) {
    String where = location(key);
    if (e instanceof AwsServiceException service) {
      String code = AwsErrors.errorCode(service);
      int status = service.statusCode();
      if ("NoSuchBucket".equals(code)) {
        return new SourceReadException(
            "the bucket s3://" + url.bucket() + " does not exist (NoSuchBucket)", false, e);
      }
      if (status == 404 || (code != null && MISSING.contains(code))) {
        return new SourceReadException(
            where + " does not exist (" + (code == null ? status : code) + ")", false, e);
      }
      Optional<String> credentials = code == null ? Optional.empty() : refused(code);
      if (credentials.isPresent()) {
        return new SourceReadException(
            "S3 refused the credentials reading " + where + " (" + code + "): " + credentials.get(),
            false,
            e);
      }
      if (status == 403) {
        return new SourceReadException(
            "access denied to "
                + where
                + " ("
                + (code == null ? "403" : code)
                + "): the credentials"
                + url.accessKey()
                    .map(k -> " (access key " + k + ")")
                    .orElse(" of the default chain")
                + " need s3:GetObject on "
                + arn(url.folder() + "*")
                + " (and kms:Decrypt for an SSE-KMS export); without s3:ListBucket on "
                + arn("")
                + ", S3 denies access to a missing object too",
            false,
            e);
      }
      boolean retryable =
          service.isThrottlingException()
              || status >= 500
              || (code != null && RETRYABLE_CODES.contains(code));
      return new SourceReadException(
          "reading " + where + " failed: " + service.getMessage(), retryable, e);
    }
    return new SourceReadException(
        "reading " + where + " failed: " + e.getMessage(), e instanceof SdkClientException, e);
  }

  /**
   * What is wrong with the credentials when S3 refuses them with this error code (no permission can
   * help then), or empty for any other code.
   */
  private Optional<String> refused(String code) {
    String key =
        url.accessKey()
            .map(k -> "the access key " + k)
            .orElse("the access key of the default credential chain");
    String fix =
        url.accessKey().isPresent()
            ? "; correct ACCESS_KEY:SECRET_KEY in the URL (percent-encoded: / as %2F, + as %2B)"
            : "; correct the environment, profile or role it comes from";
    return switch (code) {
      case "InvalidAccessKeyId" -> Optional.of(key + " is not known to S3" + fix);
      case "SignatureDoesNotMatch" -> Optional.of("the secret key does not belong to " + key + fix);
      case "InvalidToken" -> Optional.of("the session token of " + key + " is not valid" + fix);
      default -> Optional.empty();
    };
  }

  /** The ARN of a key (or, for an empty one, of the bucket) in the bucket's partition. */
  private String arn(String key) {
    String region = url.region();
    String partition =
        region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return "arn:" + partition + ":s3:::" + url.bucket() + (key.isEmpty() ? "" : "/" + key);
  }

  @Override
  public void close() {
    client.close();
  }
}
