package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two relays of one stream started at the same moment, against a real database: both read the
 * lease, both write it, and exactly one of them holds it — with the lease absent and with it
 * released.
 */
abstract class RelayLeaseRaceContract {

  private static final int ROUNDS = 50;

  abstract TargetDatabase database();

  private final String source =
      "arn:aws:kinesis:eu-west-1:000000000000:stream/lease-race-"
          + ProcessHandle.current().pid()
          + "-"
          + System.nanoTime();
  private final List<JdbcCheckpoints> opened = new ArrayList<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  private JdbcCheckpoints checkpoints() {
    TargetDatabase db = database();
    JdbcCheckpoints checkpoints =
        new JdbcCheckpoints(
            db.url(db.host(), db.port(), new TableName(db.schema(), "lease_race")),
            () -> null,
            db.schema(),
            List.of(),
            () -> source,
            "lease-race",
            Clock.systemUTC(),
            30);
    opened.add(checkpoints);
    // Connected before the race, so that both relays start it equally ready.
    checkpoints.table();
    return checkpoints;
  }

  @AfterEach
  void closeAll() {
    threads.shutdownNow();
    opened.forEach(JdbcCheckpoints::close);
  }

  @Test
  void ofTwoRelaysTakingTheLeaseAtTheSameMomentExactlyOneHoldsIt() throws Exception {
    // Hosts that are not this one: neither takes the other for a process gone from here.
    RelayLease a = new RelayLease(checkpoints(), "lease-race", "relay-a:1:aa", Clock.systemUTC());
    RelayLease b = new RelayLease(checkpoints(), "lease-race", "relay-b:2:bb", Clock.systemUTC());
    CyclicBarrier start = new CyclicBarrier(2);
    for (int round = 0; round < ROUNDS; round++) {
      Future<String> first = threads.submit(() -> take(a, start));
      Future<String> second = threads.submit(() -> take(b, start));
      List<String> outcomes =
          List.of(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS));

      assertThat(outcomes).as("round %d", round).containsOnlyOnce("taken");
      String winner = outcomes.get(0).equals("taken") ? "relay-a:1:aa" : "relay-b:2:bb";
      assertThat(outcomes)
          .as("round %d", round)
          .anySatisfy(
              refused ->
                  assertThat(refused)
                      .startsWith(
                          "another relay ("
                              + winner
                              + ") relays stream lease-race into this state schema, last seen"));
      assertThat(opened.get(0).read(RelayLease.ID))
          .hasValueSatisfying(v -> assertThat(v).startsWith(winner + " "));

      // Every other round the lease row is gone (a new state schema), else released.
      if (round % 2 == 0) {
        (winner.startsWith("relay-a") ? a : b).release();
      } else {
        forgetLease();
      }
    }
  }

  private static String take(RelayLease lease, CyclicBarrier start) throws Exception {
    start.await(60, TimeUnit.SECONDS);
    try {
      lease.acquire();
      return "taken";
    } catch (RelayLease.HeldException e) {
      return e.getMessage();
    }
  }

  private void forgetLease() throws Exception {
    TargetDatabase db = database();
    try (Connection c = db.connect();
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM "
                    + new TableName(db.schema(), StateSql.SHARDS).quoted()
                    + " WHERE \"source\" = ? AND \"shard_id\" = ?")) {
      delete.setString(1, source);
      delete.setString(2, RelayLease.ID);
      assertThat(delete.executeUpdate()).isEqualTo(1);
    }
  }
}
