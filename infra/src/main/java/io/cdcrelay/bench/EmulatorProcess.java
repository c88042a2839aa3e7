package io.cdcrelay.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * An emulator the benchmark starts (moto_server, dynalite): a child process on a free loopback
 * port, its output in a temporary log, stopped with its children by {@link #close}.
 */
final class EmulatorProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private EmulatorProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code command} (given the port it is to listen on) and waits up to 60 s until it
   * listens.
   *
   * @param name the emulator's name, for its log file and messages
   */
  static EmulatorProcess start(String name, IntFunction<List<String>> command)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile(name + "-bench-", ".log");
    Process process =
        new ProcessBuilder(command.apply(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    EmulatorProcess emulator = new EmulatorProcess(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String output = Files.readString(log, StandardCharsets.UTF_8);
        emulator.close();
        throw new IllegalStateException(name + " exited: " + output);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return emulator;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    emulator.close();
    throw new IllegalStateException(name + " did not listen on port " + port + " within 60 s");
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The emulator's process, for its CPU time. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  int port() {
    return port;
  }

  /**
   * A source URL of the relay (and the reference tool) for {@code name} on this emulator: {@code
   * scheme://KEY:SECRET@127.0.0.1:PORT/NAME?region=REGION}, to which options are appended with
   * {@code &}.
   */
  String sourceUrl(String scheme, String accessKey, String secretKey, String name, String region) {
    return scheme
        + "://"
        + accessKey
        + ":"
        + secretKey
        + "@127.0.0.1:"
        + port
        + "/"
        + name
        + "?region="
        + region;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
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
