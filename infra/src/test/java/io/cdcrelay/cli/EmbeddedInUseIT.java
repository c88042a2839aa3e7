package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The embedded database held by another process (a running load): the commands that would start it
 * say so in one sentence, naming its folder, instead of printing a stack trace.
 */
class EmbeddedInUseIT {

  @TempDir Path dir;
  private Process holder;

  @BeforeEach
  void aLoadLeftADatabaseAndAnotherProcessHoldsIt() throws Exception {
    try (EmbeddedTarget first = EmbeddedTarget.start(dir)) {
      // created, then stopped
    }
    // The lock the embedded server takes on its data folder, held as a running load holds it.
    holder =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,time,sys; f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX);"
                    + " print('locked', flush=True); time.sleep(120)",
                dir.resolve("data").resolve("epg-lock").toString())
            .redirectErrorStream(true)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertThat(line).isEqualTo("locked");
  }

  @AfterEach
  void release() {
    holder.destroy();
  }

  @Test
  void statusSaysTheDatabaseIsInUse() {
    StringWriter err = new StringWriter();

    assertThat(statusOfEmbedded(err)).isEqualTo(1);
    assertThat(err.toString())
        .contains("The embedded database in " + dir.toAbsolutePath().normalize() + " is in use")
        .doesNotContain("at io.zonky");
  }

  @Test
  void whileItsServerRunsTheMessageNamesItsAddressToPassAsTheTarget() throws Exception {
    // What PostgreSQL writes into postmaster.pid: pid, data folder, start time, port, …
    Files.write(
        dir.resolve("data").resolve("postmaster.pid"),
        java.util.List.of(
            "999999", dir.resolve("data").toString(), "1700000000", "54321", "/tmp", "*"));
    StringWriter err = new StringWriter();

    assertThat(statusOfEmbedded(err)).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "; while it runs, pass its server as the target instead of embedded:"
                + " postgresql://postgres@127.0.0.1:54321/postgres?schema=public");
  }

  /** {@code relay status --target embedded} of the folder; its messages go to {@code err}. */
  private int statusOfEmbedded(StringWriter err) {
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute("--target", "embedded", "--embedded-dir", dir.toString());
  }

  @Test
  void aLoadSaysTheDatabaseIsInUse() throws Exception {
    Path dump = Files.writeString(dir.resolve("dump.ndjson"), "");

    LocalRelayContract.Run run =
        LocalRelayContract.load(
            "load", dump.toString(), "--target", "embedded", "--embedded-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("The embedded database in " + dir.toAbsolutePath().normalize() + " is in use")
        .doesNotContain("at io.zonky");
  }
}
