package io.cdcrelay.tools;

import io.cdcrelay.kinesis.KinesisClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code moto_server} from PyPI (installed into {@code .tools/moto} on first use), started on a
 * free loopback port as a child process and stopped by {@link #close}. It runs through the launcher
 * {@code moto/server.py} (a test resource), which first adds what moto lacks: DynamoDB's Kinesis
 * streaming destination API ({@code moto/streaming_destination.py}).
 */
public final class MotoServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a fresh server (empty state) and waits until it accepts connections. */
  public static MotoServer start() {
    Path bin = Tools.pythonVenv("moto", Tools.MOTO);
    int port = freePort();
    try {
      Path log = Files.createTempFile("moto-", ".log");
      Process process =
          new ProcessBuilder(
                  List.of(
                      bin.resolve("python").toString(),
                      Resources.file("/moto/server.py").toString(),
                      "-H",
                      "127.0.0.1",
                      "-p",
                      "" + port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      MotoServer server = new MotoServer(process, port, log);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start moto_server", e);
    }
  }

  /**
   * A client of this server: its endpoint, {@code us-east-1}, the credentials moto takes ({@code
   * testing}), the URL-connection HTTP client.
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
    return client(builder, Region.US_EAST_1);
  }

  /** A client of this server in {@code region} (IAM: {@code aws-global}). */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
      B builder, Region region) {
    return builder
        .endpointOverride(endpoint())
        .region(region)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** A Kinesis client of this server, speaking JSON (moto cannot read CBOR). */
  public KinesisClient kinesis() {
    return KinesisClients.buildWithJson(
        KinesisClient.builder()
            .endpointOverride(endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .httpClient(UrlConnectionHttpClient.create()));
  }

  /**
   * Turns moto's IAM checks on or off. On: from now on every request is authenticated and checked
   * against the IAM policies of its caller, as AWS does (an unknown access key or a wrong secret
   * key is refused, an action no policy allows is denied); off (moto's default): every request is
   * served, so a test first creates its data, IAM users, policies and access keys. This is moto's
   * {@code INITIAL_NO_AUTH_ACTION_COUNT} set at run time, without counting the requests before:
   * {@code POST /moto-api/reset-auth} with 0 (on) or {@code inf} (off), as moto's own {@code
   * set_initial_no_auth_action_count} does in server mode. It applies to the whole server.
   */
  public void authentication(boolean on) {
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset-auth"))
                      .POST(HttpRequest.BodyPublishers.ofString(on ? "0" : "inf"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto_server did not turn its IAM checks "
                + (on ? "on" : "off")
                + ": "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach moto_server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The server's endpoint. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("moto_server did not listen on port " + port + " within 60 s");
  }

  /** A loopback port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The log is a temporary file.
    }
  }
}
