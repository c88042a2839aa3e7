package io.cdcrelay.provision;

import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.source.SourceUrl;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The Kinesis, DynamoDB and Lambda clients a source URL describes — its region, its custom endpoint
 * (one endpoint for all three, as LocalStack and moto serve them), its credentials or the default
 * credential chain — each built on first use and closed with this object.
 */
public final class AwsClients implements AutoCloseable {

  private final SourceUrl source;
  private final SdkHttpClient http;
  private KinesisClient kinesis;
  private DynamoDbClient dynamoDb;
  private LambdaClient lambda;
  private DynamoDbStreamsClient dynamoDbStreams;

  public AwsClients(SourceUrl source) {
    this.source = source;
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))
            .build();
  }

  /** The region of every client. */
  public String region() {
    return source.region();
  }

  /** The custom endpoint of every client, if the URL names one. */
  public Optional<URI> endpoint() {
    return source.endpoint();
  }

  /** Where the clients go, for messages: {@link SourceUrl#where()}. */
  public String where() {
    return source.where();
  }

  /** The Kinesis client: in JSON for a custom endpoint, as {@link KinesisClients#build} says. */
  public synchronized KinesisClient kinesis() {
    if (kinesis == null) {
      kinesis = KinesisClients.build(configure(KinesisClient.builder()), source);
    }
    return kinesis;
  }

  /** The DynamoDB client. */
  public synchronized DynamoDbClient dynamoDb() {
    if (dynamoDb == null) {
      dynamoDb = configure(DynamoDbClient.builder()).build();
    }
    return dynamoDb;
  }

  /** The DynamoDB Streams client. */
  public synchronized DynamoDbStreamsClient dynamoDbStreams() {
    if (dynamoDbStreams == null) {
      dynamoDbStreams = configure(DynamoDbStreamsClient.builder()).build();
    }
    return dynamoDbStreams;
  }

  /** The Lambda client. */
  public synchronized LambdaClient lambda() {
    if (lambda == null) {
      lambda = configure(LambdaClient.builder()).build();
    }
    return lambda;
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
    builder.httpClient(http).region(Region.of(source.region())).credentialsProvider(credentials());
    source.endpoint().ifPresent(builder::endpointOverride);
    return builder;
  }

  private AwsCredentialsProvider credentials() {
    if (source.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(source.accessKey().get(), source.secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public synchronized void close() {
    if (kinesis != null) {
      kinesis.close();
    }
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (lambda != null) {
      lambda.close();
    }
    if (dynamoDbStreams != null) {
      dynamoDbStreams.close();
    }
    http.close();
  }
}
