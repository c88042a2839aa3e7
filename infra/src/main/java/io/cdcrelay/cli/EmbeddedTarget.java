package io.cdcrelay.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server run from the binaries shipped in the relay's jar, its data kept in a local
 * folder between runs: a target for trying the relay before touching AWS or CrateDB.
 */
public final class EmbeddedTarget implements AutoCloseable {

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
   * @throws NotStartedException naming the folder when another process holds it (a running load)
   */
  public static EmbeddedTarget start(Path directory) throws IOException {
    Files.createDirectories(directory);
    EmbeddedPostgres postgres;
    try {
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
              + e.getMessage(),
          e);
    }
    return new EmbeddedTarget(postgres);
  }

  /** Work done against a target: given the embedded server's URL, or null for any other target. */
  interface Work {
    int run(String embeddedUrl);
  }

  /**
   * Runs {@code work} with the embedded server started when {@code target} is {@code embedded}
   * (stopped after, whatever happens), else with no URL. A server that does not start is exit 1.
   */
  static int runWith(RoutingOptions target, PrintWriter err, Work work) {
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
