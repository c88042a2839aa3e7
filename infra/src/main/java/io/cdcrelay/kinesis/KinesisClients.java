package io.cdcrelay.kinesis;

import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** Builds the Kinesis client a source URL describes: region, endpoint, credentials and protocol. */
public final class KinesisClients {

  private KinesisClients() {}

  /**
   * A client for the URL's region; its custom endpoint over plain HTTP if it names one (LocalStack,
   * an emulator); its credentials if it has them, else the default AWS credential chain.
   */
  public static KinesisClient from(SourceUrl source) {
    return build(
        KinesisClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .region(Region.of(source.region()))
            .credentialsProvider(credentials(source)),
        source);
  }

  /**
   * Builds {@code builder} for the URL's endpoint: AWS itself in the SDK's default protocol (CBOR),
   * a custom endpoint in JSON, the protocol every emulator reads (moto answers CBOR with HTTP 500).
   */
  public static KinesisClient build(KinesisClientBuilder builder, SourceUrl source) {
    if (source.endpoint().isEmpty()) {
      return builder.build();
    }
    return buildWithJson(builder.endpointOverride(source.endpoint().get()));
  }

  /**
   * Builds a client that speaks JSON rather than CBOR. The SDK has no per-client setting for this:
   * it reads the system property {@code aws.cborEnabled} (or {@code AWS_CBOR_DISABLED}) once, when
   * a client is built (https://github.com/aws/aws-sdk-java-v2/issues/1031). So the property is set
   * only while this client is built, under a lock, and then restored: clients built before or after
   * keep their protocol. A Kinesis client that another thread builds in that instant would speak
   * JSON too, which AWS reads as well.
   */
  public static KinesisClient buildWithJson(KinesisClientBuilder builder) {
    synchronized (KinesisClients.class) {
      String property = SdkSystemSetting.CBOR_ENABLED.property();
      String previous = System.getProperty(property);
      System.setProperty(property, "false");
      try {
        return builder.build();
      } finally {
        if (previous == null) {
          System.clearProperty(property);
        } else {
          System.setProperty(property, previous);
        }
      }
    }
  }

  private static AwsCredentialsProvider credentials(SourceUrl source) {
    if (source.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(source.accessKey().get(), source.secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
