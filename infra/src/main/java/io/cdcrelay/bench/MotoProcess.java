package io.cdcrelay.bench;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code moto_server} from PyPI (installed into the tools folder on first use) on a free port. */
final class MotoProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private MotoProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Installs moto when missing, starts it and waits until it listens. */
  static MotoProcess start(Path tools) throws IOException, InterruptedException {
    Path bin = Installs.pythonVenv(tools, "moto", Installs.MOTO);
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("moto-bench-", ".log");
    Process process =
        new ProcessBuilder(
                List.of(bin.resolve("moto_server").toString(), "-H", "127.0.0.1", "-p", "" + port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoProcess moto = new MotoProcess(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String output = Files.readString(log, StandardCharsets.UTF_8);
        moto.close();
        throw new IllegalStateException("moto_server exited: " + output);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return moto;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    moto.close();
    throw new IllegalStateException("moto_server did not listen on port " + port + " within 60 s");
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  int port() {
    return port;
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
