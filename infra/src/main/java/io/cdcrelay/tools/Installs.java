package io.cdcrelay.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tools installed on first use into a tools folder ({@code .tools/} of the repository): Python
 * virtual environments from PyPI with pinned versions, and whatever else an installation step
 * builds. A marker file records what was installed; a file lock keeps two processes (builds,
 * benchmark runs) from installing into one folder at once.
 */
public final class Installs {

  /** moto's server: Kinesis, DynamoDB, Lambda control plane. */
  public static final List<String> MOTO = List.of("moto[server]==5.2.5");

  /**
   * The reference tool, {@code ctk load table kinesis+dynamodb+cdc://…} and {@code ctk load
   * dynamodb://…}. Release 0.1.1 gives its dependencies lower bounds only, so the packages on its
   * read, translate and write paths are pinned to the versions pip resolved for it on 2026-12-01,
   * with which both bench parts ran; a later release of one of them would otherwise change the
   * reference under the same name.
   */
  public static final List<String> REFERENCE_TOOL =
      List.of(
          "cratedb-toolkit[kinesis]==0.1.1",
          "commons-codec==0.0.24",
          "SQLAlchemy==2.1.9",
          "sqlalchemy-cratedb==0.44.0",
          "crate==2.3.0",
          "tikray==0.3.2",
          "lorrystream==0.0.10",
          "async-kinesis==2.5.6",
          "boto3==1.43.106",
          "botocore==1.43.106",
          "aiobotocore==3.9.2");

  /** A tool that cannot be installed here, and why. */
  public static final class UnavailableException extends RuntimeException {
    public UnavailableException(String message) {
      super(message);
    }
  }

  /** An installation step. */
  @FunctionalInterface
  public interface Installation {
    void run() throws IOException;
  }

  private Installs() {}

  /**
   * The {@code bin} directory of the virtual environment {@code tools/name} holding {@code
   * packages}, made with {@code python3 -m venv} and {@code pip install} unless already there.
   *
   * @throws UnavailableException when there is no {@code python3}
   */
  public static Path pythonVenv(Path tools, String name, List<String> packages) {
    Path dir = tools.toAbsolutePath().resolve(name);
    String wanted = venvWanted(dir, packages);
    return install(
            dir,
            wanted,
            () -> {
              Path python =
                  Command.find("python3")
                      .orElseThrow(
                          () ->
                              new UnavailableException(
                                  "python3 is not installed: cannot install " + packages));
              Command.check(
                  List.of(python.toString(), "-m", "venv", dir.toString()),
                  dir.getParent(),
                  Map.of(),
                  Duration.ofMinutes(2));
              List<String> pip = new ArrayList<>();
              pip.add(dir.resolve("bin/pip").toString());
              pip.addAll(List.of("install", "--disable-pip-version-check", "--quiet"));
              pip.addAll(packages);
              Command.check(pip, dir.getParent(), Map.of(), Duration.ofMinutes(15));
            })
        .resolve("bin");
  }

  /**
   * What a virtual environment's marker records: its packages, and the path it was made at. A
   * venv's scripts start with the absolute path of its Python ({@code #!/…/bin/python3}): once the
   * folder is reached by another path (the repository moved, a work tree sharing {@code .tools/}),
   * they cannot run, and the venv is made again.
   */
  static String venvWanted(Path dir, List<String> packages) {
    return String.join("\n", packages) + "\nat " + dir + "\n";
  }

  /**
   * Runs {@code installation} into {@code dir} unless its marker says {@code wanted} is there
   * already; a changed {@code wanted} installs afresh. Returns {@code dir}.
   */
  public static Path install(Path dir, String wanted, Installation installation) {
    Path marker = dir.resolve(".installed");
    try {
      if (Files.exists(marker) && Files.readString(marker, StandardCharsets.UTF_8).equals(wanted)) {
        return dir;
      }
      Files.createDirectories(dir.getParent());
      Path lockFile = dir.getParent().resolve(dir.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.exists(marker)
            && Files.readString(marker, StandardCharsets.UTF_8).equals(wanted)) {
          return dir;
        }
        delete(dir);
        long started = System.nanoTime();
        installation.run();
        Files.writeString(marker, wanted, StandardCharsets.UTF_8);
        System.err.printf(
            "Installed %s into %s in %d s%n",
            wanted.trim().replace('\n', ' '), dir, (System.nanoTime() - started) / 1_000_000_000L);
        return dir;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install into " + dir, e);
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
