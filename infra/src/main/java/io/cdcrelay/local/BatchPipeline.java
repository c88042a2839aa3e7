package io.cdcrelay.local;

import io.cdcrelay.change.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;

/**
 * Applies the batches of one shard on threads of their own, in the order they were handed over,
 * while the shard's reader reads on: reading the next records costs no time of the database's. At
 * most {@code capacity} batches wait, so a reader faster than the database waits for it and memory
 * stays bounded.
 *
 * <p>With one lane, each batch is applied before the next one starts. With several, as many batches
 * are applied at once, each by its own lane (its own database connection), started in order and
 * finishing in any order: the relay's writes are ordering-safe (an older change never overwrites a
 * newer one, nor brings back a deleted item), so the table converges either way. Either way the
 * checkpoint only ever covers a contiguous applied prefix of the shard: {@code checkpoint} is
 * called, one call at a time and in order, with the last batch of each longer applied prefix. Once
 * a batch is not applied (the relay was stopped first) or its apply throws, no later batch is
 * started and the checkpoint stays before it: {@link #hand} and {@link #drain} then say so, or
 * throw what the apply threw.
 */
public final class BatchPipeline implements AutoCloseable {

  /** Records the shard's position after an applied prefix of its batches. */
  @FunctionalInterface
  public interface Checkpoint {
    /**
     * @param last the last batch of the applied prefix
     * @return {@code false} when stopped before it was written
     */
    boolean write(List<SourceRecord> last);
  }

  private record Numbered(long index, List<SourceRecord> batch) {}

  private static final Numbered END = new Numbered(-1, List.of());

  private final BlockingQueue<Numbered> waiting;
  private final Checkpoint checkpoint;
  private final List<Thread> lanes = new ArrayList<>();
  private final Object checkpointLock = new Object();
  // Applied batches beyond the applied prefix, by index.
  private final TreeMap<Long, List<SourceRecord>> appliedAhead = new TreeMap<>();
  private long handed;
  private long finished;
  // The index of the first batch not in the applied prefix.
  private long prefix;
  // The prefix the last checkpoint covers (under checkpointLock).
  private long checkpointed;
  private boolean halted;
  private RuntimeException failure;

  /**
   * One lane whose {@code apply} applies and checkpoints each batch.
   *
   * @param name the applying thread's name
   * @param capacity how many batches may wait while one is applied
   * @param apply applies and checkpoints a batch; {@code false} when stopped before both were done
   */
  public BatchPipeline(String name, int capacity, Predicate<List<SourceRecord>> apply) {
    this(name, capacity, List.of(apply), last -> true);
  }

  /**
   * @param name the applying threads' name (a lane number is added where there are several)
   * @param capacity how many batches may wait while lanes apply
   * @param lanes each applies a batch; {@code false} when stopped before it was applied
   * @param checkpoint records each applied prefix
   */
  public BatchPipeline(
      String name, int capacity, List<Predicate<List<SourceRecord>>> lanes, Checkpoint checkpoint) {
    if (lanes.isEmpty()) {
      throw new IllegalArgumentException("no lane");
    }
    this.waiting = new ArrayBlockingQueue<>(Math.max(1, capacity));
    this.checkpoint = checkpoint;
    for (int i = 0; i < lanes.size(); i++) {
      Predicate<List<SourceRecord>> apply = lanes.get(i);
      Thread thread = new Thread(() -> run(apply), lanes.size() == 1 ? name : name + "-" + (i + 1));
      thread.setDaemon(true);
      this.lanes.add(thread);
    }
    this.lanes.forEach(Thread::start);
  }

  /**
   * Hands a batch over, waiting while {@code capacity} batches wait already; {@code false} when an
   * earlier batch was not applied, so this one will not be either.
   */
  public boolean hand(List<SourceRecord> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("an empty batch");
    }
    long index;
    synchronized (this) {
      if (stoppedOrFailed()) {
        return false;
      }
      index = handed++;
    }
    try {
      waiting.put(new Numbered(index, batch));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing a batch over", e);
    }
  }

  /**
   * Waits until every batch handed over is applied and checkpointed; {@code false} when one was not
   * (the relay was stopped first).
   */
  public synchronized boolean drain() {
    while (finished < handed && !halted && failure == null) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for batches to be applied", e);
      }
    }
    return !stoppedOrFailed();
  }

  /** How many batches wait to be applied (not counting those being applied). */
  public int waiting() {
    return waiting.size();
  }

  /** Throws what a batch's apply threw, if one did; for a reader that hands nothing for a while. */
  public synchronized void check() {
    stoppedOrFailed();
  }

  /** Whether a batch was not applied; throws what its apply threw, if it threw. */
  private boolean stoppedOrFailed() {
    if (failure != null) {
      throw failure;
    }
    return halted;
  }

  private void run(Predicate<List<SourceRecord>> apply) {
    while (true) {
      Numbered next;
      try {
        next = waiting.take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == END) {
        return;
      }
      synchronized (this) {
        if (halted || failure != null) {
          finished++;
          notifyAll();
          continue;
        }
      }
      boolean applied = false;
      RuntimeException thrown = null;
      try {
        applied = apply.test(next.batch());
      } catch (RuntimeException e) {
        thrown = e;
      } catch (Error e) {
        // Counted as finished and failed like any failure: a lane that just died would leave
        // drain() and close() waiting for it for ever.
        thrown = new IllegalStateException("applying a batch failed: " + e, e);
      }
      List<SourceRecord> last = null;
      long upTo;
      synchronized (this) {
        if (thrown != null) {
          failure = thrown;
        } else if (!applied) {
          halted = true;
        } else {
          appliedAhead.put(next.index(), next.batch());
          while (!appliedAhead.isEmpty() && appliedAhead.firstKey() == prefix) {
            last = appliedAhead.pollFirstEntry().getValue();
            prefix++;
          }
        }
        upTo = prefix;
      }
      if (last != null && !checkpointUpTo(upTo, last)) {
        synchronized (this) {
          halted = true;
        }
      }
      synchronized (this) {
        finished++;
        notifyAll();
      }
    }
  }

  /**
   * Writes the checkpoint of the prefix up to {@code upTo}, unless a lane that finished later wrote
   * a longer one already; one at a time. A lane that waits here holds up only its own next batch.
   */
  private boolean checkpointUpTo(long upTo, List<SourceRecord> last) {
    synchronized (checkpointLock) {
      if (upTo <= checkpointed) {
        return true;
      }
      RuntimeException thrown = null;
      boolean written = false;
      try {
        written = checkpoint.write(last);
      } catch (RuntimeException e) {
        thrown = e;
      }
      if (thrown != null) {
        synchronized (this) {
          failure = thrown;
        }
        return true;
      }
      if (written) {
        checkpointed = upTo;
      }
      return written;
    }
  }

  /** Ends the applying threads once what was handed over is through (applied or skipped). */
  @Override
  public void close() {
    try {
      for (int i = 0; i < lanes.size(); i++) {
        waiting.put(END);
      }
      for (Thread lane : lanes) {
        lane.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lanes.forEach(Thread::interrupt);
    }
  }
}
