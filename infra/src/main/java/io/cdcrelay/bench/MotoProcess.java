package io.cdcrelay.bench;

import io.cdcrelay.tools.Installs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code moto_server} from PyPI (installed into the tools folder on first use) on a free port. */
final class MotoProcess {

  private MotoProcess() {}

  /** Installs moto when missing, starts it and waits until it listens. */
  static EmulatorProcess start(Path tools) throws IOException, InterruptedException {
    Path bin = Installs.pythonVenv(tools, "moto", Installs.MOTO);
    return EmulatorProcess.start(
        "moto_server",
        port -> List.of(bin.resolve("moto_server").toString(), "-H", "127.0.0.1", "-p", "" + port));
  }
}
