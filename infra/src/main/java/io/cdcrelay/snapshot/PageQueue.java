package io.cdcrelay.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The pages a segment's reader has read and its writer has not taken yet. The reader waits while
 * {@code capacity} pages wait; the writer takes every waiting page at once, up to a number of
 * items, so that while the target is the slower side its writes grow to that many items (fewer
 * statements for the same rows), and while the source is slower each page is written as soon as it
 * is read. The reader's end (the last page, a stop, or a failure) reaches the writer after the
 * pages read before it.
 *
 * @param <F> the failure the reader can end with
 */
final class PageQueue<F extends Exception> {

  private final ArrayDeque<ScanPage> pages = new ArrayDeque<>();
  private final int capacity;
  private boolean ended;
  private Throwable failure;
  private boolean closed;

  PageQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a page queue holds at least one page: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Adds a page, waiting while the queue is full; {@code false} when the writer has gone (the page
   * is dropped).
   */
  synchronized boolean put(ScanPage page) throws InterruptedException {
    while (pages.size() >= capacity && !closed) {
      wait();
    }
    if (closed) {
      return false;
    }
    pages.add(page);
    notifyAll();
    return true;
  }

  /**
   * The reader ends: after its last page, when stopped ({@code failure} null), or failed. The
   * writer still takes the pages put before.
   */
  synchronized void end(Throwable failure) {
    if (!ended) {
      ended = true;
      this.failure = failure;
      notifyAll();
    }
  }

  /** The writer has gone: a waiting or later {@link #put} drops its page. */
  synchronized void close() {
    closed = true;
    pages.clear();
    notifyAll();
  }

  /**
   * The waiting pages, in the order read, as many as fit {@code maxItems} items and {@code
   * maxBytes} bytes but at least one; waits for one. Empty when the reader stopped with no page
   * left; its failure is thrown once no page is left.
   *
   * @param failureType the reader's checked failure: thrown as is, as are unchecked ones
   */
  synchronized List<ScanPage> take(int maxItems, long maxBytes, Class<F> failureType)
      throws InterruptedException, F {
    while (pages.isEmpty() && !ended) {
      wait();
    }
    if (pages.isEmpty()) {
      if (failure == null) {
        return List.of();
      }
      if (failureType.isInstance(failure)) {
        throw failureType.cast(failure);
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(failure);
    }
    List<ScanPage> taken = new ArrayList<>();
    int items = 0;
    long bytes = 0;
    do {
      ScanPage page = pages.poll();
      taken.add(page);
      items += page.items().size();
      bytes += page.bytes();
    } while (!pages.isEmpty()
        && items + pages.peek().items().size() <= maxItems
        && bytes + pages.peek().bytes() <= maxBytes);
    notifyAll();
    return taken;
  }
}
