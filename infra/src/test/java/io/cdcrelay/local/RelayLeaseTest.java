package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.testing.MovingClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One local relay per stream and state schema: the lease among the stream's checkpoints. */
class RelayLeaseTest {

  private final Map<String, String> rows = new HashMap<>();

  /** Runs once, right after the next read: another relay acting between a read and its write. */
  private Runnable afterNextRead = () -> {};

  private final Checkpoints checkpoints =
      new Checkpoints() {
        @Override
        public Optional<String> read(String shardId) {
          Optional<String> value = Optional.ofNullable(rows.get(shardId));
          Runnable meanwhile = afterNextRead;
          afterNextRead = () -> {};
          meanwhile.run();
          return value;
        }

        @Override
        public void write(String shardId, String sequenceNumber) {
          rows.put(shardId, sequenceNumber);
        }

        @Override
        public boolean compareAndSet(String id, Optional<String> expected, String value) {
          if (!expected.equals(Optional.ofNullable(rows.get(id)))) {
            return false;
          }
          rows.put(id, value);
          return true;
        }
      };
  private final MovingClock clock = new MovingClock();

  private RelayLease lease(String owner) {
    return new RelayLease(checkpoints, "cdc", owner, clock);
  }

  @Test
  void ofTwoRelaysThatBothFindTheLeaseFreeOneTakesItAndTheOtherIsRefusedAsIfSecond() {
    RelayLease first = lease("a:1:x");
    RelayLease second = lease("b:2:y");
    // The second reads the free lease after the first did, and writes before the first writes.
    afterNextRead = second::acquire;

    assertThatThrownBy(first::acquire)
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessage(
            "another relay (b:2:y) relays stream cdc into this state schema, last seen 0 s ago:"
                + " stop it first (a relay that was killed holds the stream 35 s at most), or give"
                + " this one another --state-schema");
    assertThat(rows.get(RelayLease.ID)).startsWith("b:2:y ");

    // The same when the lease was released before: both find it released.
    clock.advance(Duration.ofSeconds(1));
    second.release();
    afterNextRead = first::acquire;
    assertThatThrownBy(second::acquire)
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessageStartingWith("another relay (a:1:x) relays stream cdc");
    assertThat(rows.get(RelayLease.ID)).startsWith("a:1:x ");
  }

  @Test
  void aHolderWhoseLeaseIsTakenBetweenItsReadAndItsWriteNeitherRenewsNorReleasesIt() {
    RelayLease first = lease("a:1:x");
    first.acquire();
    clock.advance(RelayLease.EXPIRY.plusSeconds(1));
    RelayLease second = lease("b:2:y");
    afterNextRead = second::acquire;

    assertThatThrownBy(first::renewIfDue)
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessage(
            "another relay (b:2:y) took over stream cdc: this one stops, so that one relay reads"
                + " it");
    String taken = rows.get(RelayLease.ID);
    assertThat(taken).startsWith("b:2:y ");

    // first reads its own lease, second takes it over meanwhile: first's release leaves it be.
    rows.put(RelayLease.ID, "a:1:x " + clock.millis());
    clock.advance(RelayLease.EXPIRY.plusSeconds(1));
    afterNextRead = lease("b:2:y")::acquire;
    first.release();
    assertThat(rows.get(RelayLease.ID)).isEqualTo("b:2:y " + clock.millis());
  }

  @Test
  void aLeaseThatChangesUnderEveryAttemptEndsTheAttemptsWithAHeldException() {
    int[] writes = {0};
    Runnable[] releaseAgain = new Runnable[1];
    releaseAgain[0] =
        () -> {
          rows.put(RelayLease.ID, "released " + writes[0]++);
          afterNextRead = releaseAgain[0];
        };
    afterNextRead = releaseAgain[0];

    assertThatThrownBy(() -> lease("a:1:x").acquire())
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessage(
            "the lease of stream cdc changed under this relay 5 times in a row (is another relay"
                + " starting and stopping on it?): this one stops, so that one relay reads it");
    assertThat(writes[0]).isEqualTo(RelayLease.ATTEMPTS);
  }

  @Test
  void aSecondRelayIsRefusedWhileTheFirstRenewsAndTakesOverOnceItIsReleased() {
    RelayLease first = lease("a:1:x");
    first.acquire();
    clock.advance(Duration.ofSeconds(20));
    first.renewIfDue();

    assertThatThrownBy(() -> lease("b:2:y").acquire())
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessageStartingWith(
            "another relay (a:1:x) relays stream cdc into this state schema, last seen 0 s ago");

    first.release();
    lease("b:2:y").acquire();
    assertThat(rows.get(RelayLease.ID)).startsWith("b:2:y ");
  }

  @Test
  void aLoadsLeaseSaysSoInItsOwnWords() {
    RelayLease.Words load = RelayLease.Words.load("Orders into doc.orders");
    new RelayLease(checkpoints, load, "a:1:x", clock).acquire();

    assertThatThrownBy(() -> new RelayLease(checkpoints, load, "b:2:y", clock).acquire())
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessage(
            "another load (a:1:x) loads Orders into doc.orders, last seen 0 s ago: stop it first"
                + " (a load that was killed holds the load 35 s at most), or wait for it to end"
                + " (the same command then finds the load complete)");
    clock.advance(RelayLease.EXPIRY.plusSeconds(1));
    RelayLease taker = new RelayLease(checkpoints, load, "b:2:y", clock);
    taker.acquire();
    assertThatThrownBy(() -> new RelayLease(checkpoints, load, "a:1:x", clock).renewIfDue())
        .hasMessage(
            "another load (b:2:y) took over the load of Orders into doc.orders: this one stops,"
                + " so that one load goes on");
  }

  @Test
  void aLeaseNotRenewedForItsExpiryIsTakenAndItsHolderStopsAtItsNextRenewal() {
    RelayLease first = lease("a:1:x");
    first.acquire();
    clock.advance(RelayLease.EXPIRY.minusSeconds(1));
    assertThatThrownBy(() -> lease("b:2:y").acquire()).isInstanceOf(RelayLease.HeldException.class);

    clock.advance(Duration.ofSeconds(2));
    RelayLease second = lease("b:2:y");
    second.acquire();

    assertThatThrownBy(first::renewIfDue)
        .isInstanceOf(RelayLease.HeldException.class)
        .hasMessageContaining("another relay (b:2:y) took over stream cdc");
    // The one that stopped does not release what is no longer its own.
    first.release();
    assertThat(rows.get(RelayLease.ID)).startsWith("b:2:y ");
  }

  @Test
  void aHolderOnThisHostWhoseProcessIsGoneIsNotWaitedFor() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = RelayLease.defaultOwner().split(":")[0];
    RelayLease killed = new RelayLease(checkpoints, "cdc", host + ":" + gone.pid() + ":aa", clock);
    killed.acquire();

    RelayLease again = new RelayLease(checkpoints, "cdc", RelayLease.defaultOwner(), clock);
    again.acquire();

    // A holder that still runs here is waited for, and one on another host always.
    RelayLease alive =
        new RelayLease(
            checkpoints, "cdc", host + ":" + ProcessHandle.current().pid() + ":bb", clock);
    assertThatThrownBy(alive::acquire).isInstanceOf(RelayLease.HeldException.class);
    rows.put(RelayLease.ID, "elsewhere:" + gone.pid() + ":cc " + clock.millis());
    assertThatThrownBy(again::acquire).isInstanceOf(RelayLease.HeldException.class);
  }

  @Test
  void aHolderKilledAndNotYetCollectedByItsParentIsNotWaitedFor() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isRegularFile(java.nio.file.Path.of("/proc/self/stat")),
        "a zombie is told by Linux's /proc/PID/stat, which this system does not have");
    // The shell's background child ends at once; the shell then becomes a sleep that never
    // collects it: a zombie for as long as the sleep runs.
    Process parent =
        new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 30")
            .redirectErrorStream(true)
            .start();
    try {
      long zombie =
          Long.parseLong(
              new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!RelayLease.isZombie(zombie) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(RelayLease.isZombie(zombie)).as("the child is a zombie").isTrue();
      assertThat(ProcessHandle.of(zombie).map(ProcessHandle::isAlive))
          .as("what ProcessHandle says of a zombie")
          .contains(true);
      String host = RelayLease.defaultOwner().split(":")[0];
      new RelayLease(checkpoints, "cdc", host + ":" + zombie + ":aa", clock).acquire();

      RelayLease again = new RelayLease(checkpoints, "cdc", RelayLease.defaultOwner(), clock);
      again.acquire();

      assertThat(RelayLease.isZombie(parent.pid())).as("a running process").isFalse();
      assertThat(RelayLease.isZombie(Long.MAX_VALUE)).as("no such process").isFalse();
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void aHolderOnThisHostWhoseProcessIdNowBelongsToAnotherProcessIsNotWaitedFor() {
    String[] me = RelayLease.defaultOwner().split(":");
    assertThat(me).as("host, process id, random part, start").hasSize(4);
    String host = me[0];
    String pid = me[1];
    // Killed, then its container restarted: this process has the killed one's id, not its start.
    String earlier = me[3].charAt(0) + Long.toString(Long.parseLong(me[3].substring(1)) - 6_000);
    new RelayLease(checkpoints, "cdc", host + ":" + pid + ":aa:" + earlier, clock).acquire();

    RelayLease again = new RelayLease(checkpoints, "cdc", RelayLease.defaultOwner(), clock);
    again.acquire();

    // The same process (another relay of it) is waited for.
    RelayLease sameProcess =
        new RelayLease(checkpoints, "cdc", host + ":" + pid + ":bb:" + me[3], clock);
    assertThatThrownBy(sameProcess::acquire).isInstanceOf(RelayLease.HeldException.class);
  }

  @Test
  void renewalWritesOnlyOnceItIsDueAndTheOwnerNamesHostAndProcess() {
    RelayLease first = lease("a:1:x");
    first.acquire();
    String written = rows.get(RelayLease.ID);
    clock.advance(Duration.ofSeconds(5));
    first.renewIfDue();
    assertThat(rows.get(RelayLease.ID)).isEqualTo(written);
    clock.advance(Duration.ofSeconds(6));
    first.renewIfDue();
    assertThat(rows.get(RelayLease.ID)).isNotEqualTo(written);

    assertThat(RelayLease.defaultOwner())
        .contains(":" + ProcessHandle.current().pid() + ":")
        .doesNotContain(" ");
  }
}
