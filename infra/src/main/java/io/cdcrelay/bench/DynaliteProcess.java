package io.cdcrelay.bench;

import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.Installs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code dynalite} (MIT, DynamoDB's API in memory) from the npm registry, installed into the tools
 * folder on first use (the same folder and marker as the tests' copy), on a free loopback port.
 */
final class DynaliteProcess {

  /** The pinned version, as the tests pin it. */
  static final String VERSION = "4.0.0";

  private DynaliteProcess() {}

  /** Installs dynalite when missing, starts it and waits until it listens. */
  static EmulatorProcess start(Path tools) throws IOException, InterruptedException {
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
    return EmulatorProcess.start(
        "dynalite",
        port ->
            List.of(
                node.toString(),
                dir.resolve("node_modules/dynalite/cli.js").toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--createTableMs",
                "0"));
  }
}
