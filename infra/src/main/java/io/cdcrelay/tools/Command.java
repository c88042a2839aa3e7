package io.cdcrelay.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external command to its end, its output (both streams) kept in a file. */
public final class Command {

  /**
   * How a command ended.
   *
   * @param exitCode the exit code
   * @param output standard output and standard error, interleaved
   */
  public record Result(int exitCode, String output) {}

  private Command() {}

  /** Runs {@code command} in {@code directory} with {@code environment} added to this one's. */
  public static Result run(
      List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
    try {
      Path log = Files.createTempFile("command-", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new IllegalStateException(
              "timed out after "
                  + timeout.toSeconds()
                  + " s: "
                  + String.join(" ", command)
                  + "\n"
                  + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Runs the command and fails with its output unless it exits 0. */
  public static String check(
      List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
    Result result = run(command, directory, environment, timeout);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "exit " + result.exitCode() + ": " + String.join(" ", command) + "\n" + result.output());
    }
    return result.output();
  }

  /** The executable {@code name} on the PATH, or in one of {@code more} directories. */
  public static java.util.Optional<Path> find(String name, String... more) {
    String path = System.getenv().getOrDefault("PATH", "");
    java.util.List<String> dirs =
        new java.util.ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
    dirs.addAll(List.of(more));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }
}
