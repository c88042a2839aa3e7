package io.cdcrelay.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, seen from a test (Maven runs them in the module's directory). */
public final class Repository {

  private Repository() {}

  /** The repository root: the nearest directory up from here that holds {@code template.yaml}. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
  }
}
