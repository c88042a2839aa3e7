package io.cdcrelay.tools;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources that an emulator process reads as files. */
final class Resources {

  private Resources() {}

  /**
   * The resource {@code name} as a file in {@code target/test-classes} (where both Surefire and
   * Failsafe find test resources), next to whatever it imports.
   */
  static Path file(String name) {
    URL resource = Resources.class.getResource(name);
    if (resource == null || !"file".equals(resource.getProtocol())) {
      throw new IllegalStateException(name + " is not a file on the test classpath: " + resource);
    }
    try {
      return Path.of(resource.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
