package io.cdcrelay.local;

import io.cdcrelay.change.SourceRecord;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;

/**
 * Applies the batches of one shard on a thread of its own, one after the other in the order they
 * were handed over, while the shard's reader reads on: reading the next records costs no time of
 * the database's. At most {@code capacity} batches wait, so a reader faster than the database waits
 * for it and memory stays bounded.
 *
 * <p>Order and the checkpoint are kept as without it: each batch is applied and checkpointed before
 * the next one starts, so the checkpoint only ever covers a contiguous applied prefix of the shard.
 * Once a batch is not applied (the relay was stopped first) or its apply throws, no later batch is
 * applied: {@link #hand} and {@link #drain} then say so, or throw what the apply threw.
 */
public final class BatchPipeline implements AutoCloseable {

  private static final List<SourceRecord> END = List.of();

  private final BlockingQueue<List<SourceRecord>> waiting;
  private final Predicate<List<SourceRecord>> apply;
  private final Thread thread;
  private long handed;
  private long finished;
  private boolean halted;
  private RuntimeException failure;

  /**
   * @param name the applying thread's name
   * @param capacity how many batches may wait while one is applied
   * @param apply applies and checkpoints a batch; {@code false} when stopped before both were done
   */
  public BatchPipeline(String name, int capacity, Predicate<List<SourceRecord>> apply) {
    this.waiting = new ArrayBlockingQueue<>(Math.max(1, capacity));
    this.apply = apply;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Hands a batch over, waiting while {@code capacity} batches wait already; {@code false} when an
   * earlier batch was not applied, so this one will not be either.
   */
  public boolean hand(List<SourceRecord> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("an empty batch");
    }
    synchronized (this) {
      if (stoppedOrFailed()) {
        return false;
      }
      handed++;
    }
    try {
      waiting.put(batch);
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

  /** How many batches wait to be applied (not counting the one being applied). */
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

  private void run() {
    while (true) {
      List<SourceRecord> batch;
      try {
        batch = waiting.take();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == END) {
        return;
      }
      boolean applied = false;
      RuntimeException thrown = null;
      synchronized (this) {
        if (halted || failure != null) {
          finished++;
          notifyAll();
          continue;
        }
      }
      try {
        applied = apply.test(batch);
      } catch (RuntimeException e) {
        thrown = e;
      }
      synchronized (this) {
        finished++;
        if (thrown != null) {
          failure = thrown;
        } else if (!applied) {
          halted = true;
        }
        notifyAll();
      }
    }
  }

  /** Ends the applying thread once what was handed over is through (applied or skipped). */
  @Override
  public void close() {
    try {
      waiting.put(END);
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
    }
  }
}
