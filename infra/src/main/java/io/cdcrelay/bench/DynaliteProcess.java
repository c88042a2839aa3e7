package io.cdcrelay.bench;

import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.Installs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dynalite} (MIT, DynamoDB's API in memory) from the npm registry, installed into the tools
 * folder on first use (the same folder and marker as the tests' copy), on a free loopback port.
 */
final class DynaliteProcess implements AutoCloseable {

  /** The pinned version, as the tests pin it. */
  static final String VERSION = "4.0.0";

  private final Process process;
  private final int port;
  private final Path log;

  private DynaliteProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Installs dynalite when missing, starts it and waits until it listens. */
  static DynaliteProcess start(Path tools) throws IOException, InterruptedException {
    Path dir = tools.toAbsolutePath().resolve("dynalite");
    Installs.install(
        dir,
        VERSION + "\n",
        () -> {
          Path npm =
              Command.find("npm")
                  .orElseThrow(
                      () ->
                          new Installs.UnavailableException(
                              "npm is not installed: cannot install dynalite@" + VERSION));
          Files.createDirectories(dir);
          Command.check(
              List.of(
                  npm.toString(),
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  dir.toString(),
                  "dynalite@" + VERSION),
              dir.getParent(),
              Map.of(),
              Duration.ofMinutes(5));
        });
    Path node =
        Command.find("node")
            .orElseThrow(() -> new Installs.UnavailableException("node is not installed"));
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("dynalite-bench-", ".log");
    Process process =
        new ProcessBuilder(
                List.of(
                    node.toString(),
                    dir.resolve("node_modules/dynalite/cli.js").toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--createTableMs",
                    "0"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    DynaliteProcess dynalite = new DynaliteProcess(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String output = Files.readString(log, StandardCharsets.UTF_8);
        dynalite.close();
        throw new IllegalStateException("dynalite exited: " + output);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return dynalite;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    dynalite.close();
    throw new IllegalStateException("dynalite did not listen on port " + port + " within 60 s");
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // A temporary file.
    }
  }
}
