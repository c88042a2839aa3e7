package io.cdcrelay.kinesis;

import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** Builds the Kinesis client a source URL describes: region, endpoint and credentials. */
public final class KinesisClients {

  private KinesisClients() {}

  /**
   * A client for the URL's region; its custom endpoint over plain HTTP if it names one (LocalStack,
   * an emulator); its credentials if it has them, else the default AWS credential chain.
   */
  public static KinesisClient from(SourceUrl source) {
    KinesisClientBuilder builder =
        KinesisClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .region(Region.of(source.region()))
            .credentialsProvider(credentials(source));
    source.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(SourceUrl source) {
    if (source.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(source.accessKey().get(), source.secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
