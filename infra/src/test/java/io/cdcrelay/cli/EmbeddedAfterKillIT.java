package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay killed with {@code kill -9} leaves the embedded PostgreSQL server it started running on
 * its folder: the same command run again stops that server and starts its own. A server that does
 * not start is one sentence naming the folder, not a stack trace.
 */
class EmbeddedAfterKillIT {

  @TempDir Path dir;
  private ProcessHandle leftOver;

  /** Holds the embedded database as a running relay does, until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      EmbeddedTarget target = EmbeddedTarget.start(Path.of(args[0]));
      System.out.println("started " + target.url());
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  @AfterEach
  void stopTheLeftOverServer() {
    if (leftOver != null && leftOver.isAlive()) {
      leftOver.destroy();
    }
  }

  @Test
  void aLoadAfterKillMinusNineStartsTheDatabaseAgain() throws Exception {
    Process relay =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine();
    } while (line != null && !line.startsWith("started "));
    assertThat(line).as("the holder started the database").isNotNull();
    relay.destroyForcibly(); // kill -9
    assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> pidFile = Files.readAllLines(dir.resolve("data").resolve("postmaster.pid"));
    leftOver = ProcessHandle.of(Long.parseLong(pidFile.get(0).trim())).orElseThrow();
    assertThat(leftOver.isAlive()).as("the killed relay's server still runs").isTrue();

    Path dump = Files.writeString(dir.resolve("dump.ndjson"), "");
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", dump.toString(), "--target", "embedded", "--embedded-dir", dir.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).doesNotContain("\tat ");
    assertThat(leftOver.isAlive()).as("the left-over server was stopped").isFalse();
  }

  @Test
  void aServerThatDoesNotStartIsOneSentence() throws Exception {
    try (EmbeddedTarget first = EmbeddedTarget.start(dir)) {
      // created, then stopped
    }
    // A data folder the server refuses: files of another PostgreSQL release.
    Files.writeString(dir.resolve("data").resolve("PG_VERSION"), "9\n");

    Path dump = Files.writeString(dir.resolve("dump.ndjson"), "");
    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", dump.toString(), "--target", "embedded", "--embedded-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("The embedded database in " + dir.toAbsolutePath().normalize() + " did not start")
        .doesNotContain("\tat ");
  }
}
