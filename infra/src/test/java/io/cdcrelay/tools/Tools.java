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
import org.junit.jupiter.api.Assumptions;

/**
 * Test tools that the build installs itself, once, under {@code <repo>/.tools}: Python virtual
 * environments from PyPI (pinned versions) and the Lambda Runtime Interface Emulator from the Go
 * module proxy. A marker file records what was installed; a file lock keeps two builds from
 * installing at once.
 */
public final class Tools {

  /** The SAM CLI and cfn-lint, for {@code sam validate --lint} and {@code sam build}. */
  public static final List<String> SAM = List.of("aws-sam-cli==1.170.0", "cfn-lint==1.58.0");

  /** moto's server, for the Lambda, Kinesis and DynamoDB control-plane APIs. */
  public static final List<String> MOTO = List.of("moto[server]==5.2.5");

  /** The Runtime Interface Emulator; the repository tags no releases, so a pseudo-version. */
  public static final String RIE_MODULE =
      "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
          + "@v0.0.0-20261030222936-bef5c4ba774d";

  private Tools() {}

  /** The {@code bin} directory of the virtual environment {@code name} holding {@code packages}. */
  public static Path pythonVenv(String name, List<String> packages) {
    Path dir = Repository.root().resolve(".tools").resolve(name);
    String wanted = String.join("\n", packages) + "\n";
    return install(
            dir,
            wanted,
            () -> {
              Path python =
                  Command.find("python3")
                      .orElseGet(
                          () -> {
                            Assumptions.abort(
                                "python3 is not installed: cannot install " + packages);
                            return null;
                          });
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

  /** The {@code aws-lambda-rie} binary, built with {@code go install} into {@code .tools/rie}. */
  public static Path runtimeInterfaceEmulator() {
    Path dir = Repository.root().resolve(".tools").resolve("rie");
    install(
        dir,
        RIE_MODULE + "\n",
        () -> {
          Path go =
              Command.find("go", "/usr/local/go/bin")
                  .orElseGet(
                      () -> {
                        Assumptions.abort("go is not installed: cannot go install " + RIE_MODULE);
                        return null;
                      });
          Files.createDirectories(dir);
          Command.check(
              List.of(go.toString(), "install", RIE_MODULE),
              dir,
              Map.of("GOBIN", dir.toString(), "GOFLAGS", "-mod=mod"),
              Duration.ofMinutes(10));
        });
    return dir.resolve("aws-lambda-rie");
  }

  /** An installation step. */
  @FunctionalInterface
  interface Installation {
    void run() throws IOException;
  }

  private static Path install(Path dir, String wanted, Installation installation) {
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
