package io.cdcrelay.snapshot;

import java.util.function.BooleanSupplier;

/**
 * How much a load may hold read and not yet written, all its segments together, in items and in
 * bytes: a segment's reader takes a page's worth of items before it reads the page, gives back what
 * the page did not fill, and is charged the page's bytes once read; the rest comes back once the
 * write that applied the page is done, or when the segment ends and drops what it still holds. A
 * reader waits while the items it wants are not free or the bytes held reach the allowance's: the
 * bytes of a page are known only once it is read, so they exceed the allowance by at most a page a
 * segment (DynamoDB returns at most 1 MB a page).
 *
 * <p>Without it each segment read up to four writes' worth ahead of the target (its queue, and
 * three hand-overs), so that the memory a load held grew with its segments, and on a load whose
 * target is the slower side the whole read-ahead was live at every young collection: a 20,000-item
 * load of 8 segments held most of its table at once, each young collection copied it (50–80 ms of a
 * 1.3 s load), and every third load ended in a full collection (about 200 ms). Counting items alone
 * was not enough: 5,000 items of 300 KB are 1.5 GB, and such a table ran a 512 MB heap out of
 * memory.
 */
final class ReadAllowance {

  /** How often a waiting reader checks whether it should stop waiting. */
  private static final long CHECK_MILLIS = 50;

  private final int items;
  private final long bytes;
  private int free;
  private long heldBytes;

  /**
   * @param items the most items held at once; at least 1
   * @param bytes the bytes held at which readers wait; at least 1
   */
  ReadAllowance(int items, long bytes) {
    if (items < 1) {
      throw new IllegalArgumentException("a read allowance holds at least one item: " + items);
    }
    if (bytes < 1) {
      throw new IllegalArgumentException("a read allowance holds at least one byte: " + bytes);
    }
    this.items = items;
    this.bytes = bytes;
    this.free = items;
  }

  /**
   * The allowance of a load that writes with {@code writers} writers of up to {@code maxItems} and
   * {@code maxBytes} each.
   */
  static ReadAllowance forWriters(int writers, int maxItems, long maxBytes) {
    // Every writer busy, and one write's worth waiting for the first that is done.
    return new ReadAllowance(
        Math.multiplyExact(maxItems, writers + 1), Math.multiplyExact(maxBytes, writers + 1));
  }

  /** The most items held at once. */
  int items() {
    return items;
  }

  /** The bytes held at which readers wait. */
  long bytes() {
    return bytes;
  }

  /** Items not held now. */
  synchronized int free() {
    return free;
  }

  /** Bytes held now. */
  synchronized long heldBytes() {
    return heldBytes;
  }

  /** A segment's share: what it takes, gives back, and drops when it ends. */
  Lease lease() {
    return new Lease();
  }

  private synchronized int take(int wanted, BooleanSupplier cancelled) throws InterruptedException {
    // A page larger than the whole allowance waits for all of it, not forever.
    int n = Math.min(Math.max(wanted, 0), items);
    while (free < n || heldBytes >= bytes) {
      if (cancelled.getAsBoolean()) {
        return 0;
      }
      wait(CHECK_MILLIS);
    }
    free -= n;
    return n;
  }

  private synchronized void charge(long n) {
    heldBytes += n;
  }

  private synchronized void give(int n, long b) {
    if (n > 0 || b > 0) {
      free += n;
      heldBytes -= b;
      notifyAll();
    }
  }

  /**
   * A segment's share of the allowance. Its reader and the writes that complete its pages give back
   * from different threads; once closed, it holds nothing and takes nothing.
   */
  final class Lease implements AutoCloseable {
    private int held;
    private long bytesHeld;

    // Read without the lease's lock by a reader waiting in the allowance's (locks are only ever
    // taken lease first, then allowance).
    private volatile boolean closed;

    private Lease() {}

    /**
     * Takes {@code wanted} items (at most the whole allowance), waiting until they are free and the
     * bytes held are below the allowance's; 0 when closed or {@code cancelled} first.
     *
     * @return the items taken
     */
    int take(int wanted, BooleanSupplier cancelled) throws InterruptedException {
      int taken = ReadAllowance.this.take(wanted, () -> closed || cancelled.getAsBoolean());
      synchronized (this) {
        if (closed) {
          ReadAllowance.this.give(taken, 0);
          return 0;
        }
        held += taken;
      }
      return taken;
    }

    /** Holds {@code n} bytes more, read already: never waits; nothing once closed. */
    synchronized void charge(long n) {
      if (closed || n <= 0) {
        return;
      }
      bytesHeld += n;
      ReadAllowance.this.charge(n);
    }

    /** Gives back {@code n} items it holds (no more than it holds); nothing once closed. */
    void give(int n) {
      give(n, 0);
    }

    /**
     * Gives back {@code n} items and {@code b} bytes it holds (no more than it holds of each);
     * nothing once closed.
     */
    synchronized void give(int n, long b) {
      if (closed) {
        return;
      }
      int given = Math.min(Math.max(n, 0), held);
      long givenBytes = Math.min(Math.max(b, 0), bytesHeld);
      held -= given;
      bytesHeld -= givenBytes;
      ReadAllowance.this.give(given, givenBytes);
    }

    /** Items it holds. */
    synchronized int held() {
      return held;
    }

    /** Bytes it holds. */
    synchronized long bytesHeld() {
      return bytesHeld;
    }

    /** Gives back all it holds, and takes nothing more. */
    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        ReadAllowance.this.give(held, bytesHeld);
        held = 0;
        bytesHeld = 0;
      }
    }
  }
}
