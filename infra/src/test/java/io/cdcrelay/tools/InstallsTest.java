package io.cdcrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallsTest {

  @TempDir Path tools;

  @Test
  void aVirtualEnvironmentReachedByAnotherPathIsMadeAgain() throws Exception {
    List<String> packages = List.of("moto[server]==5.2.5");
    Path real = tools.resolve("moto");
    Path link = Files.createSymbolicLink(tools.resolve("elsewhere"), tools);
    AtomicInteger made = new AtomicInteger();
    Installs.Installation make =
        () -> {
          Files.createDirectories(real);
          made.incrementAndGet();
        };

    Installs.install(real, Installs.venvWanted(real, packages), make);
    Installs.install(real, Installs.venvWanted(real, packages), make);
    assertThat(made).as("the same path: installed once").hasValue(1);

    // The same folder through another path: its scripts' #! lines name the first path.
    Path moved = link.resolve("moto");
    Installs.install(moved, Installs.venvWanted(moved, packages), make);
    assertThat(made).hasValue(2);
    assertThat(Installs.venvWanted(moved, packages)).startsWith("moto[server]==5.2.5\n");
  }
}
