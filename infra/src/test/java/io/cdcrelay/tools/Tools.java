package io.cdcrelay.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Test tools that the build installs itself, once, under {@code <repo>/.tools}: Python virtual
 * environments from PyPI (pinned versions) and the Lambda Runtime Interface Emulator from the Go
 * module proxy, through {@link Installs} (which the benchmark command uses as well).
 */
public final class Tools {

  /** The SAM CLI and cfn-lint, for {@code sam validate --lint} and {@code sam build}. */
  public static final List<String> SAM = List.of("aws-sam-cli==1.170.0", "cfn-lint==1.58.0");

  /** moto's server, for the Lambda, Kinesis and DynamoDB control-plane APIs. */
  public static final List<String> MOTO = Installs.MOTO;

  /** The Runtime Interface Emulator; the repository tags no releases, so a pseudo-version. */
  public static final String RIE_MODULE =
      "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
          + "@v0.0.0-20261030222936-bef5c4ba774d";

  private Tools() {}

  /** The {@code bin} directory of the virtual environment {@code name} holding {@code packages}. */
  public static Path pythonVenv(String name, List<String> packages) {
    try {
      return Installs.pythonVenv(Repository.root().resolve(".tools"), name, packages);
    } catch (Installs.UnavailableException e) {
      Assumptions.abort(e.getMessage());
      throw e;
    }
  }

  /** The {@code aws-lambda-rie} binary, built with {@code go install} into {@code .tools/rie}. */
  public static Path runtimeInterfaceEmulator() {
    Path dir = Repository.root().resolve(".tools").resolve("rie");
    Installs.install(
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
}
