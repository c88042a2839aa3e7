package io.cdcrelay.tools;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The packaged {@code function.jar} as Lambda runs it: the Runtime Interface Emulator (from the Go
 * module proxy) starting the java runtime interface client with a handler, on free loopback ports.
 */
public final class LambdaEmulator implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int invokePort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private LambdaEmulator(Process process, Path log, int invokePort) {
    this.process = process;
    this.log = log;
    this.invokePort = invokePort;
  }

  /**
   * Starts the emulator with {@code handler} ({@code class::method}) and the function's environment
   * {@code env}; returns once it listens.
   */
  public static LambdaEmulator start(String handler, Map<String, String> env) throws Exception {
    Path root = Repository.root();
    Path rie = Tools.runtimeInterfaceEmulator();
    Path functionJar = root.resolve("function/target/function.jar");
    Path runtime = root.resolve("infra/target/lambda-runtime");
    if (!Files.exists(functionJar)
        || !Files.exists(runtime.resolve("aws-lambda-java-runtime-interface-client.jar"))) {
      throw new IllegalStateException(
          "function.jar (package phase) or the runtime interface client (process-test-resources)"
              + " is missing");
    }
    int invokePort = MotoServer.freePort();
    int runtimeApiPort = MotoServer.freePort();
    String classPath;
    try (Stream<Path> jars = Files.list(runtime)) {
      classPath =
          Stream.concat(
                  Stream.of(functionJar), jars.filter(p -> p.toString().endsWith(".jar")).sorted())
              .map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator));
    }
    List<String> command =
        List.of(
            rie.toString(),
            "--runtime-interface-emulator-address",
            "127.0.0.1:" + invokePort,
            "--runtime-api-address",
            "127.0.0.1:" + runtimeApiPort,
            // The emulator reads its own options among these arguments and passes the rest
            // on; the class path and JVM options go in the environment, out of its way.
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            handler);
    Path log = Files.createTempFile("rie-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.resolve("infra/target").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(k -> k.startsWith("CRATEDB_") || k.startsWith("SINK_") || k.startsWith("START_"));
    environment.putAll(env);
    environment.put("AWS_REGION", "us-east-1");
    environment.put("CLASSPATH", classPath);
    environment.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
    LambdaEmulator emulator = new LambdaEmulator(builder.start(), log, invokePort);
    emulator.awaitListening();
    return emulator;
  }

  /** Invokes the function with the event file; the HTTP status and body of the answer. */
  public HttpResponse<String> invoke(Path event) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + invokePort
                        + "/2015-03-31/functions/function/invocations"))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofFile(event))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** What the emulator and the function wrote so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("aws-lambda-rie exited:\n" + output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", invokePort), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("aws-lambda-rie did not listen within 30 s:\n" + output());
  }

  @Override
  public void close() throws Exception {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
