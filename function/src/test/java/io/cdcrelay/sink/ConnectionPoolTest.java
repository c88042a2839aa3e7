package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The process's bounded pool: lazily opened, bounded, checked after idling, failures discarded. */
class ConnectionPoolTest {

  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  /** A connection that answers isValid with {@code valid} and counts closes. */
  private Connection connection(AtomicBoolean valid) {
    opened.incrementAndGet();
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isValid" -> valid.get();
                  case "close" -> {
                    closed.incrementAndGet();
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }

  @Test
  void connectionsAreOpenedOnlyWhenNoneIsIdleAndReused() throws Exception {
    ConnectionPool pool = new ConnectionPool(2);
    AtomicBoolean valid = new AtomicBoolean(true);

    Connection first = pool.borrow(() -> connection(valid), T0);
    pool.giveBack(first, T0);
    Connection again = pool.borrow(() -> connection(valid), T0.plusSeconds(1));

    assertThat(again).isSameAs(first);
    assertThat(opened).hasValue(1);
  }

  @Test
  void noMoreThanTheBoundAreLentAndTheNextBorrowerWaitsForOneToComeBack() throws Exception {
    ConnectionPool pool = new ConnectionPool(2);
    AtomicBoolean valid = new AtomicBoolean(true);
    Connection a = pool.borrow(() -> connection(valid), T0);
    pool.borrow(() -> connection(valid), T0);

    CompletableFuture<Connection> third =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pool.borrow(() -> connection(valid), T0);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThatThrownBy(() -> third.get(300, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(opened).hasValue(2);

    pool.giveBack(a, T0);
    assertThat(third.get(5, TimeUnit.SECONDS)).isSameAs(a);
    assertThat(opened).hasValue(2);
  }

  @Test
  void aConnectionIdleForLongIsCheckedAndReplacedWhenItIsNoLongerValid() throws Exception {
    ConnectionPool pool = new ConnectionPool(1);
    AtomicBoolean valid = new AtomicBoolean(true);
    Connection stale = pool.borrow(() -> connection(valid), T0);
    pool.giveBack(stale, T0);
    valid.set(false);

    // Within 30 s of its last use it is taken without a check (no extra round trip).
    Connection busy = pool.borrow(() -> connection(new AtomicBoolean(true)), T0.plusSeconds(5));
    assertThat(busy).isSameAs(stale);
    pool.giveBack(busy, T0.plusSeconds(5));

    Connection fresh = pool.borrow(() -> connection(new AtomicBoolean(true)), T0.plusSeconds(60));
    assertThat(fresh).isNotSameAs(stale);
    assertThat(closed).hasValue(1);
    assertThat(opened).hasValue(2);
  }

  @Test
  void aFailedConnectionIsDiscardedAndItsPlaceFreed() throws Exception {
    ConnectionPool pool = new ConnectionPool(1);
    AtomicBoolean valid = new AtomicBoolean(true);
    Connection failed = pool.borrow(() -> connection(valid), T0);

    pool.discard(failed);

    assertThat(closed).hasValue(1);
    assertThat(pool.idleCount()).isZero();
    assertThat(pool.available()).isEqualTo(1);
    assertThat(pool.borrow(() -> connection(valid), T0)).isNotSameAs(failed);
  }

  @Test
  void aConnectionThatCannotBeOpenedGivesItsPlaceBack() {
    ConnectionPool pool = new ConnectionPool(1);

    assertThatThrownBy(
            () ->
                pool.borrow(
                    () -> {
                      throw new SQLException("refused", "08001");
                    },
                    T0))
        .hasMessage("refused");
    assertThat(pool.available()).isEqualTo(1);
  }
}
