package io.cdcrelay.kinesis;

import io.cdcrelay.tools.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Kinesis API of a fresh {@code moto_server}, stopped by {@link #close}; its client speaks
 * JSON, since moto answers CBOR with HTTP 500.
 */
public final class MotoKinesis implements KinesisEmulator, AutoCloseable {

  public static final String ACCESS_KEY = "AKIAMOTOKINESIS00001";
  public static final String SECRET_KEY = "moto/secret+key";

  private final MotoServer server;
  private final KinesisClient client;

  private MotoKinesis(MotoServer server) {
    this.server = server;
    this.client =
        KinesisClients.buildWithJson(
            KinesisClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION))
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(server.endpoint()));
  }

  /** Starts moto_server (installed on first use) and waits until it listens. */
  public static MotoKinesis start() {
    return new MotoKinesis(MotoServer.start());
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public KinesisClient client() {
    return client;
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
