package io.cdcrelay.kinesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code kinesis-local} (the kinesis-mock engine LocalStack uses) from the npm registry, run as a
 * real process on a free port, once per test JVM. The harness installs it under the repository's
 * {@code .tools/} on first use.
 */
public final class KinesisLocal implements KinesisEmulator {

  /** The version measured in SPEC §11. */
  public static final String VERSION = "0.6.2";

  public static final String ACCESS_KEY = "AKIAKINESISLOCAL0001";
  public static final String SECRET_KEY = "local/secret+key";

  private static KinesisLocal instance;

  private final Process process;
  private final int port;
  private final KinesisClient client;

  private KinesisLocal(Process process, int port) {
    this.process = process;
    this.port = port;
    this.client =
        KinesisClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .build();
  }

  /** The shared emulator, installed and started on first use. */
  public static synchronized KinesisLocal get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start kinesis-local", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting kinesis-local", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
    }
    return instance;
  }

  @Override
  public int port() {
    return port;
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

  private static KinesisLocal start() throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path main = install(root.resolve(".tools").resolve("kinesis-local"));
    int port = freePort();
    Path log = root.resolve("infra").resolve("target").resolve("kinesis-local-" + port + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder("node", main.toString())
            .directory(main.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
    env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()));
    env.put("KINESIS_MOCK_CERT_PATH", main.getParent().resolve("server.json").toString());
    for (String delay :
        List.of(
            "CREATE_STREAM_DURATION",
            "DELETE_STREAM_DURATION",
            "SPLIT_SHARD_DURATION",
            "MERGE_SHARDS_DURATION",
            "UPDATE_SHARD_COUNT_DURATION",
            "UPDATE_STREAM_MODE_DURATION",
            "REGISTER_STREAM_CONSUMER_DURATION",
            "DEREGISTER_STREAM_CONSUMER_DURATION",
            "START_STREAM_ENCRYPTION_DURATION",
            "STOP_STREAM_ENCRYPTION_DURATION")) {
      env.put(delay, "10ms");
    }
    env.put("SHARD_LIMIT", "200");
    env.put("LOG_LEVEL", "WARN");
    env.put("SHOULD_PERSIST_DATA", "false");
    Process process = builder.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "kinesis-local exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        return new KinesisLocal(process, port);
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("kinesis-local did not answer on port " + port + " in 60 s");
  }

  /** Installs the pinned version with npm, once, guarded by a file lock. */
  private static Path install(Path directory) throws IOException, InterruptedException {
    Path main = directory.resolve("node_modules").resolve("kinesis-local").resolve("main.js");
    Files.createDirectories(directory);
    try (FileChannel channel =
            FileChannel.open(
                directory.resolve(".install.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.exists(main) && installedVersion(directory).equals(VERSION)) {
        return main;
      }
      Path log = directory.resolve("npm-install.log");
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  directory.toString(),
                  "kinesis-local@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(main)) {
        npm.destroyForcibly();
        throw new IllegalStateException(
            "npm install kinesis-local@" + VERSION + " failed: " + Files.readString(log));
      }
      return main;
    }
  }

  private static String installedVersion(Path directory) throws IOException {
    Path packageJson =
        directory.resolve("node_modules").resolve("kinesis-local").resolve("package.json");
    if (!Files.exists(packageJson)) {
      return "";
    }
    String text = Files.readString(packageJson);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(text);
    return m.find() ? m.group(1) : "";
  }

  /** The directory holding {@code mvnw}, from the module directory Maven runs tests in. */
  public static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root from user.dir");
    }
    return dir;
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void stop() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
