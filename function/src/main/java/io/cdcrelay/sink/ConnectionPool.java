package io.cdcrelay.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one process to one database: at most {@link #MAX_OPEN} open at once, however
 * many shards, batches and tables are in flight; opened lazily, and checked before reuse after an
 * idle spell (a frozen Lambda container, a NAT timeout). A connection that failed is discarded, not
 * returned, so the next borrower opens a fresh one.
 */
final class ConnectionPool {

  /** Connections per process and database. */
  static final int MAX_OPEN = 8;

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
  private static final Duration IDLE_BEFORE_CHECK = Duration.ofSeconds(30);
  private static final Map<Key, ConnectionPool> POOLS = new ConcurrentHashMap<>();

  private record Key(String jdbcUrl, String user, int socketTimeoutSeconds) {}

  private record Idle(Connection connection, Instant since) {}

  /** Opens a new connection when the pool has none idle. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Semaphore permits;
  private final Deque<Idle> idle = new ArrayDeque<>();

  ConnectionPool(int maxOpen) {
    this.permits = new Semaphore(maxOpen, true);
  }

  /** The pool of the process for this database and user. */
  static ConnectionPool of(TargetUrl url, int socketTimeoutSeconds) {
    return POOLS.computeIfAbsent(
        new Key(url.jdbcUrl(), url.user(), socketTimeoutSeconds),
        k -> new ConnectionPool(MAX_OPEN));
  }

  /**
   * A connection for the caller alone until {@link #giveBack} or {@link #discard}: an idle one
   * (checked first if it idled long), else a new one; waits while {@code maxOpen} are lent.
   */
  Connection borrow(Opener opener, Instant now) throws SQLException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.sql.SQLTransientConnectionException("interrupted waiting for a connection", e);
    }
    try {
      while (true) {
        Idle candidate;
        synchronized (idle) {
          candidate = idle.pollFirst();
        }
        if (candidate == null) {
          return opener.open();
        }
        boolean fresh = candidate.since().plus(IDLE_BEFORE_CHECK).isAfter(now);
        if (fresh || isValid(candidate.connection())) {
          return candidate.connection();
        }
        close(candidate.connection());
      }
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Returns a healthy connection for the next borrower. */
  void giveBack(Connection connection, Instant now) {
    synchronized (idle) {
      idle.addFirst(new Idle(connection, now));
    }
    permits.release();
  }

  /** Closes a connection that failed; the next borrower opens a new one. */
  void discard(Connection connection) {
    close(connection);
    permits.release();
  }

  /** Connections open now, lent or idle (for tests and diagnostics). */
  int idleCount() {
    synchronized (idle) {
      return idle.size();
    }
  }

  int available() {
    return permits.availablePermits();
  }

  private static boolean isValid(Connection connection) {
    try {
      return connection.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing a failed connection: {}", e.getMessage());
    }
  }
}
