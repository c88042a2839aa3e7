package io.cdcrelay.cli;

import io.cdcrelay.kinesis.KinesisLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The relay as users run it, {@code java -jar infra/target/relay.jar …}, as a child process whose
 * output goes to a file under {@code infra/target/}: for what needs a real process (kill -9,
 * SIGTERM).
 */
final class RelayProcess implements AutoCloseable {

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Process process;
  private final Path log;

  private RelayProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java -jar relay.jar ARGS}, its output going to a file under target/. */
  static RelayProcess start(String... args) throws IOException {
    return withHeap("256m", args);
  }

  /** {@link #start}, with a heap of at most {@code heap} ({@code -Xmx}). */
  static RelayProcess withHeap(String heap, String... args) throws IOException {
    return start(heap, null, Map.of(), args);
  }

  /**
   * {@link #start}, run in {@code directory} with {@code environment} over this process's (a {@code
   * null} value removes a variable).
   */
  static RelayProcess in(Path directory, Map<String, String> environment, String... args)
      throws IOException {
    return start("256m", directory, environment, args);
  }

  private static RelayProcess start(
      String heap, Path directory, Map<String, String> environment, String... args)
      throws IOException {
    Path root = KinesisLocal.repositoryRoot();
    Path jar = root.resolve("infra/target/relay.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: it is built in the package phase");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    // A file, not a pipe: Process.destroy() closes the pipes, and with them what the relay
    // writes while it stops.
    Path log =
        root.resolve(
            "infra/target/relay-process-"
                + ProcessHandle.current().pid()
                + "-"
                + RUNS.incrementAndGet()
                + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    for (String variable :
        List.of(
            "CRATEDB_SQLALCHEMY_URL",
            "CRATEDB_CLUSTER_URL",
            "SINK_SQLALCHEMY_URL",
            "CRATEDB_TABLE")) {
      builder.environment().remove(variable);
    }
    environment.forEach(
        (variable, value) -> {
          if (value == null) {
            builder.environment().remove(variable);
          } else {
            builder.environment().put(variable, value);
          }
        });
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    return new RelayProcess(builder.start(), log);
  }

  /** Waits until a line of the output matches {@code regex}; returns that line. */
  String awaitLine(String regex, long timeoutSeconds) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      for (String line : lines()) {
        if (pattern.matcher(line).find()) {
          return line;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no line matching " + regex + " in:\n" + output());
  }

  /** Everything the process wrote so far. */
  String output() {
    return String.join("\n", lines());
  }

  List<String> lines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the process still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: no chance to finish anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The exit code, waiting at most {@code timeoutSeconds}. */
  int exitCode(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the relay did not exit in " + timeoutSeconds + " s:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
