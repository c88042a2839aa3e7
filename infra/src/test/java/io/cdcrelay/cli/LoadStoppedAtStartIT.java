package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A load stopped (SIGTERM) while it waits for an unreachable target database: stopped early, exit
 * 130, as a load stopped mid-way; a scheduler must not read it as a table loaded.
 */
class LoadStoppedAtStartIT {

  @Test
  void aLoadStoppedWhileWaitingForTheDatabaseExitsAsStopped() throws Exception {
    // Port 1 on the loopback refuses at once; the table is never read.
    try (RelayProcess load =
        RelayProcess.start(
            "load",
            "table",
            "dynamodb://AKIAIOSFODNN7EXAMPLE:s3cr%2Ft@127.0.0.1:1/orders?region=us-east-1",
            "postgresql://crate@127.0.0.1:1/doc",
            "--give-up-after",
            "120s")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!load.output().contains("connecting at start") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(load.output()).contains("connecting at start");
      load.terminate();
      assertThat(load.exitCode(60)).as(load.output()).isEqualTo(TableLoadRun.STOPPED);
      assertThat(load.output())
          .contains("Stopped while waiting for the target database: nothing was loaded.")
          .doesNotContain("s3cr");
    }
  }
}
