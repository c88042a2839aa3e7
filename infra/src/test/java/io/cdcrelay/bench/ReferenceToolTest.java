package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.tools.Command;
import org.junit.jupiter.api.Test;

class ReferenceToolTest {

  @Test
  void aFailureIsTheExitCodeAndTheEndOfTheOutputOnOneLine() {
    String output = "x".repeat(300) + "\nTraceback (most recent call last):\n  boom\n";
    String tail = (output.strip()).substring(output.strip().length() - 200).replace('\n', ' ');

    assertThat(ReferenceTool.failure(new Command.Result(1, output)))
        .isEqualTo("ctk exited 1: " + tail)
        .endsWith("Traceback (most recent call last):   boom")
        .doesNotContain("\n");
  }

  @Test
  void aShortOutputIsGivenWhole() {
    assertThat(ReferenceTool.failure(new Command.Result(2, "  usage: ctk load URL\n")))
        .isEqualTo("ctk exited 2: usage: ctk load URL");
  }
}
