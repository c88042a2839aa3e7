package io.cdcrelay.snapshot;

import java.util.function.BooleanSupplier;

/**
 * How many items a load may hold read and not yet written, all its segments together: a segment's
 * reader takes a page's worth before it reads the page and gives back what the page did not fill;
 * the rest comes back once the write that applied the page is done, or when the segment ends and
 * drops what it still holds.
 *
 * <p>Without it each segment read up to four writes' worth ahead of the target (its queue, and
 * three hand-overs), so that the memory a load held grew with its segments, and on a load whose
 * target is the slower side the whole read-ahead was live at every young collection: a 20,000-item
 * load of 8 segments held most of its table at once, each young collection copied it (50–80 ms of a
 * 1.3 s load), and every third load ended in a full collection (about 200 ms).
 */
final class ReadAllowance {

  /** How often a waiting reader checks whether it should stop waiting. */
  private static final long CHECK_MILLIS = 50;

  private final int items;
  private int free;

  /**
   * @param items the most items held at once; at least 1
   */
  ReadAllowance(int items) {
    if (items < 1) {
      throw new IllegalArgumentException("a read allowance holds at least one item: " + items);
    }
    this.items = items;
    this.free = items;
  }

  /** The allowance of a load that writes with {@code writers} writers of up to {@code maxItems}. */
  static ReadAllowance forWriters(int writers, int maxItems) {
    // Every writer busy, and one write's worth waiting for the first that is done.
    return new ReadAllowance(Math.multiplyExact(maxItems, writers + 1));
  }

  /** The most items held at once. */
  int items() {
    return items;
  }

  /** Items not held now. */
  synchronized int free() {
    return free;
  }

  /** A segment's share: what it takes, gives back, and drops when it ends. */
  Lease lease() {
    return new Lease();
  }

  private synchronized int take(int wanted, BooleanSupplier cancelled) throws InterruptedException {
    // A page larger than the whole allowance waits for all of it, not forever.
    int n = Math.min(Math.max(wanted, 0), items);
    while (free < n) {
      if (cancelled.getAsBoolean()) {
        return 0;
      }
      wait(CHECK_MILLIS);
    }
    free -= n;
    return n;
  }

  private synchronized void give(int n) {
    if (n > 0) {
      free += n;
      notifyAll();
    }
  }

  /**
   * A segment's share of the allowance. Its reader and the writes that complete its pages give back
   * from different threads; once closed, it holds nothing and takes nothing.
   */
  final class Lease implements AutoCloseable {
    private int held;

    // Read without the lease's lock by a reader waiting in the allowance's (locks are only ever
    // taken lease first, then allowance).
    private volatile boolean closed;

    private Lease() {}

    /**
     * Takes {@code wanted} items (at most the whole allowance), waiting until they are free; 0 when
     * closed or {@code cancelled} first.
     *
     * @return the items taken
     */
    int take(int wanted, BooleanSupplier cancelled) throws InterruptedException {
      int taken = ReadAllowance.this.take(wanted, () -> closed || cancelled.getAsBoolean());
      synchronized (this) {
        if (closed) {
          ReadAllowance.this.give(taken);
          return 0;
        }
        held += taken;
      }
      return taken;
    }

    /** Gives back {@code n} items it holds (no more than it holds); nothing once closed. */
    synchronized void give(int n) {
      if (closed) {
        return;
      }
      int given = Math.min(Math.max(n, 0), held);
      held -= given;
      ReadAllowance.this.give(given);
    }

    /** Items it holds. */
    synchronized int held() {
      return held;
    }

    /** Gives back all it holds, and takes nothing more. */
    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        ReadAllowance.this.give(held);
        held = 0;
      }
    }
  }
}
