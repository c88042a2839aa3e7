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
  private final Checkpoints checkpoints =
      new Checkpoints() {
        @Override
        public Optional<String> read(String shardId) {
          return Optional.ofNullable(rows.get(shardId));
        }

        @Override
        public void write(String shardId, String sequenceNumber) {
          rows.put(shardId, sequenceNumber);
        }
      };
  private final MovingClock clock = new MovingClock();

  private RelayLease lease(String owner) {
    return new RelayLease(checkpoints, "cdc", owner, clock);
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
