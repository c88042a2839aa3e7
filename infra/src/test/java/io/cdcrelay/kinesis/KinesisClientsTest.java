package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cdcrelay.source.SourceUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * Which protocol the built Kinesis clients speak, seen by a loopback HTTP server that answers every
 * call with an empty result in the protocol of the request.
 */
class KinesisClientsTest {

  private static final String CBOR = "application/x-amz-cbor-1.1";
  private static final String JSON = "application/x-amz-json-1.1";
  private static final String PROPERTY = SdkSystemSetting.CBOR_ENABLED.property();

  private HttpServer server;
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            contentTypes.add(type);
            // An empty map: {} in JSON, 0xA0 in CBOR.
            byte[] body =
                CBOR.equals(type)
                    ? new byte[] {(byte) 0xA0}
                    : "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private KinesisClientBuilder builder() {
    return KinesisClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));
  }

  @Test
  void aCustomEndpointIsSpokenToInJson() {
    SourceUrl source =
        SourceUrl.parse(
            "kinesis+dynamodb+cdc://AKIDTEST:secret@127.0.0.1:"
                + server.getAddress().getPort()
                + "/cdc-stream?region=eu-central-1");
    try (KinesisClient client = KinesisClients.from(source)) {
      client.listStreams();
    }
    assertThat(contentTypes).containsExactly(JSON);
  }

  @Test
  void awsItselfKeepsTheSdkDefaultCbor() {
    SourceUrl aws = SourceUrl.parse("kinesis+dynamodb+cdc://aws/cdc-stream");
    // The endpoint is the test server's, so that the request can be seen; the URL says AWS.
    try (KinesisClient client = KinesisClients.build(builder().endpointOverride(endpoint()), aws)) {
      client.listStreams();
    }
    assertThat(contentTypes).containsExactly(CBOR);
  }

  @Test
  void jsonForOneClientLeavesClientsBuiltAfterItAndTheSystemPropertyAsTheyWere() {
    String before = System.getProperty(PROPERTY);
    try (KinesisClient json = KinesisClients.buildWithJson(builder().endpointOverride(endpoint()));
        KinesisClient plain = builder().endpointOverride(endpoint()).build()) {
      assertThat(System.getProperty(PROPERTY)).isEqualTo(before);
      json.listStreams();
      plain.listStreams();
    }
    assertThat(contentTypes).containsExactly(JSON, CBOR);
  }

  @Test
  void aPropertySetByTheUserIsRestoredAfterTheBuild() {
    String before = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, "true");
    try (KinesisClient json =
        KinesisClients.buildWithJson(builder().endpointOverride(endpoint()))) {
      assertThat(System.getProperty(PROPERTY)).isEqualTo("true");
      json.listStreams();
    } finally {
      if (before == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, before);
      }
    }
    assertThat(contentTypes).containsExactly(JSON);
  }
}
