package io.cdcrelay.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries shipped in the relay's jar, its data kept in a local
 * folder between runs: a target for trying the relay before touching AWS or CrateDB.
 */
public final class EmbeddedTarget implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedTarget.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedTarget(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * What the commands that read what a relay wrote ({@code status}, {@code dead-letters}) say of a
   * folder without a database, in one sentence: nothing was relayed there yet. They exit 0, as
   * there is nothing wrong to report, and create nothing.
   *
   * @param command the command, as the user runs it ("status")
   */
  static String nothingRelayedYet(Path directory, String command) {
    return "No embedded database in "
        + directory.toAbsolutePath().normalize()
        + " yet, so nothing was relayed there: relay load … --target embedded creates it (run "
        + command
        + " from the same folder, or pass the load's --embedded-dir).";
  }

  /** Whether {@code directory} holds a database a start would run, rather than create. */
  static boolean holdsDatabase(Path directory) {
    return Files.isRegularFile(directory.resolve("data").resolve("PG_VERSION"));
  }

  /** The server did not start: its folder is held by another process, or it failed. */
  public static final class NotStartedException extends IOException {
    NotStartedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts the server with its data under {@code directory}.
   *
   * @throws NotStartedException naming the folder when another process holds it (a running load) or
   *     the server does not start
   */
  public static EmbeddedTarget start(Path directory) throws IOException {
    Files.createDirectories(directory);
    EmbeddedPostgres postgres;
    try {
      stopLeftOverServer(directory.resolve("data"));
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(directory.resolve("data"))
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(directory.resolve("work").toFile())
              .start();
    } catch (IllegalStateException e) {
      // The library's lock on the data folder: one server per folder.
      throw new NotStartedException(
          "The embedded database in "
              + directory.toAbsolutePath().normalize()
              + " is in use by another process (a relay load?): "
              + e.getMessage()
              + runningServerPort(directory.resolve("data"))
                  .map(
                      port ->
                          "; while it runs, pass its server as the target instead of embedded:"
                              + " postgresql://postgres@127.0.0.1:"
                              + port
                              + "/postgres?schema=public")
                  .orElse(""),
          e);
    } catch (IOException e) {
      throw new NotStartedException(
          "The embedded database in "
              + directory.toAbsolutePath().normalize()
              + " did not start: "
              + e.getMessage(),
          e);
    }
    return new EmbeddedTarget(postgres);
  }

  /**
   * Stops the server a killed relay left running on {@code data}: {@code kill -9} ends the JVM but
   * not the PostgreSQL server it started, which keeps the folder (its {@code postmaster.pid}), so
   * that the next start waited for a server of its own and failed. Left alone when another process
   * holds the folder's lock (a running relay), as the library's start then says.
   */
  private static void stopLeftOverServer(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    // The same lock the library takes on start (EmbeddedPostgres#lock): held by a running relay.
    try (FileChannel channel =
        new RandomAccessFile(data.resolve("epg-lock").toFile(), "rw").getChannel()) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldByThisProcess) {
        return;
      }
      if (lock == null) {
        return;
      }
      try {
        Optional<ProcessHandle> server = leftOverServer(pidFile, data);
        if (server.isPresent()) {
          LOG.info(
              "stopping the embedded database server (pid {}) that a relay which did not stop"
                  + " cleanly left running on {}",
              server.get().pid(),
              data.toAbsolutePath().normalize());
          server.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients are gone
          try {
            server.get().onExit().get(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the left-over server", e);
          } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                "the server (pid " + server.get().pid() + ") a killed relay left did not stop", e);
          }
        }
      } finally {
        lock.release();
      }
    }
  }

  /** The port of the server running on {@code data}, as its {@code postmaster.pid} says. */
  static Optional<Integer> runningServerPort(Path data) {
    try {
      List<String> lines =
          Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      // pid, data directory, start time, port, …
      return lines.size() < 4
          ? Optional.empty()
          : Optional.of(Integer.parseInt(lines.get(3).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The live process {@code postmaster.pid} names, when it is a postgres server of {@code data}.
   */
  private static Optional<ProcessHandle> leftOverServer(Path pidFile, Path data)
      throws IOException {
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (!Path.of(lines.get(1).trim())
        .toAbsolutePath()
        .normalize()
        .equals(data.toAbsolutePath().normalize())) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
  }

  /** Work done against a target: given the embedded server's URL, or null for any other target. */
  interface Work {
    int run(String embeddedUrl);
  }

  /**
   * Runs {@code work} with the embedded server started when {@code target} is {@code embedded}
   * (stopped after, whatever happens), else with no URL. A server that does not start is exit 1.
   */
  static int runWith(ConnectionOptions target, PrintWriter err, Work work) {
    if (!target.embedded()) {
      return work.run(null);
    }
    EmbeddedTarget embedded;
    try {
      embedded = start(target.embeddedDirectory);
    } catch (IOException e) {
      err.println(e.getMessage());
      return 1;
    }
    try {
      return work.run(embedded.url());
    } finally {
      try {
        embedded.close();
      } catch (IOException e) {
        err.println("The embedded database did not stop cleanly: " + e.getMessage());
      }
    }
  }

  /** The target URL of the server's {@code postgres} database and the {@code public} schema. */
  String url() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres?schema=public";
  }

  /** A JDBC URL for reading back what was written. */
  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
