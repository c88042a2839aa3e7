package io.cdcrelay.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * {@code dynalite} (MIT, an implementation of DynamoDB's API on LevelDB, in memory here) from the
 * npm registry, installed under the repository's {@code .tools/dynalite} on first use (a file lock
 * keeps two builds from installing at once), run as a process on a free loopback port once per test
 * JVM. It scans about ten times faster than moto and reports {@code ConsumedCapacity} as DynamoDB
 * computes it; it has no Streams, exports or time to live. It runs with {@code
 * dynalite/survive-aborts.js} preloaded, so that a client killed mid-request does not end it, and
 * {@link #get} starts a new server when the shared one has died all the same.
 */
public final class Dynalite {

  /** The pinned version. */
  public static final String VERSION = "4.0.0";

  private static Dynalite instance;

  private final Process process;
  private final int port;

  private Dynalite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The shared server, installed and started on first use, and started anew if it has died. */
  public static synchronized Dynalite get() {
    if (instance != null && !instance.process.isAlive()) {
      System.err.printf(
          "dynalite on port %d exited with %d; starting a new one%n",
          instance.port, instance.process.exitValue());
      instance = null;
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start dynalite", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting dynalite", e);
      }
      Dynalite started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }
    return instance;
  }

  /** The server's plain HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  private static Dynalite start() throws IOException, InterruptedException {
    Path root = Repository.root();
    Path cli = install(root.resolve(".tools").resolve("dynalite"));
    int port = MotoServer.freePort();
    Path log = root.resolve("infra").resolve("target").resolve("dynalite-" + port + ".log");
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(
                "node",
                "--require",
                Resources.file("/dynalite/survive-aborts.js").toString(),
                cli.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--createTableMs",
                "0",
                "--deleteTableMs",
                "0",
                "--updateTableMs",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "dynalite exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return new Dynalite(process, port);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("dynalite did not listen on port " + port + " in 60 s");
  }

  /** Installs the pinned version with npm, once, guarded by a file lock. */
  private static Path install(Path directory) throws IOException, InterruptedException {
    Path cli = directory.resolve("node_modules").resolve("dynalite").resolve("cli.js");
    Path marker = directory.resolve(".installed");
    Files.createDirectories(directory);
    try (FileChannel channel =
            FileChannel.open(
                directory.resolve(".install.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.exists(cli)
          && Files.exists(marker)
          && Files.readString(marker).trim().equals(VERSION)) {
        return cli;
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
                  "dynalite@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(cli)) {
        npm.destroyForcibly();
        throw new IllegalStateException(
            "npm install dynalite@" + VERSION + " failed: " + Files.readString(log));
      }
      Files.writeString(marker, VERSION + "\n");
      return cli;
    }
  }

  private void stop() {
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
