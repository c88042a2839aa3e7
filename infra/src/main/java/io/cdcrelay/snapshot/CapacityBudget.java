package io.cdcrelay.snapshot;

import io.cdcrelay.local.StopSignal;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * The read capacity a load may use ({@code rcu=N} units per second), paced by what each Scan page
 * reports as consumed ({@code ConsumedCapacity}). The budget accrues from zero at the given rate; a
 * request first pays the page's estimated cost from it (waiting until enough has accrued), and the
 * answer settles the difference to what was really consumed; the load ends only once the budget is
 * out of debt. So from the load's start to any moment, the capacity used never exceeds the rate
 * times the time elapsed (the difference being at most one estimate's error, settled before the
 * next request). Pages are sized from what items cost so far, so that one page costs about a second
 * of one segment's share. Thread-safe: the segments share one budget, and take it in the order they
 * asked for it. Without a budget it only counts.
 */
public final class CapacityBudget {

  private final double perSecond;
  private final LongSupplier nanoTime;
  private double balance;
  private long updatedNanos;
  private double consumed;
  private long items;

  private CapacityBudget(double perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.updatedNanos = nanoTime.getAsLong();
  }

  /** A budget of {@code rcu} units per second, or none. */
  public static CapacityBudget of(OptionalInt rcu) {
    return new CapacityBudget(rcu.isPresent() ? rcu.getAsInt() : 0, System::nanoTime);
  }

  /** A budget measured with the given clock (tests). */
  static CapacityBudget of(double perSecond, LongSupplier nanoTime) {
    return new CapacityBudget(perSecond, nanoTime);
  }

  /** Whether the load is paced. */
  public boolean limited() {
    return perSecond > 0;
  }

  /** The units per second allowed; 0 without a budget. */
  public double perSecond() {
    return perSecond;
  }

  /**
   * Waits until {@code estimate} units have accrued and pays them; returns {@code false} if stopped
   * first. Without a budget it returns at once.
   */
  public boolean acquire(double estimate, StopSignal stop) {
    if (!limited()) {
      return true;
    }
    // In turn: a segment refunded by its last page would otherwise take the budget again before
    // the segments waiting for it, and starve them.
    long ticket = take();
    try {
      while (!inTurn(ticket)) {
        if (stop.sleep(TURN_POLL)) {
          return false;
        }
      }
      while (true) {
        Duration wait = tryAcquire(estimate);
        if (wait.isZero()) {
          return true;
        }
        if (stop.sleep(wait)) {
          return false;
        }
      }
    } finally {
      finish(ticket);
    }
  }

  private static final Duration TURN_POLL = Duration.ofMillis(5);

  private long nextTicket;
  private long serving;
  private final java.util.Set<Long> finished = new java.util.HashSet<>();

  private synchronized long take() {
    return nextTicket++;
  }

  /** How many requests have asked for the budget so far, served or not (tests). */
  synchronized long asked() {
    return nextTicket;
  }

  private synchronized boolean inTurn(long ticket) {
    return ticket == serving;
  }

  /** The ticket has paid, or given up waiting: the next one is served. */
  private synchronized void finish(long ticket) {
    finished.add(ticket);
    while (finished.remove(serving)) {
      serving++;
    }
  }

  /** Waits until the budget is out of debt; {@code false} if stopped first. */
  public boolean settle(StopSignal stop) {
    return acquire(0, stop);
  }

  /** Pays {@code estimate} if it has accrued and returns zero; else how long until it will have. */
  synchronized Duration tryAcquire(double estimate) {
    if (!limited()) {
      return Duration.ZERO;
    }
    refill(estimate);
    if (balance >= estimate) {
      balance -= estimate;
      return Duration.ZERO;
    }
    return Duration.ofNanos(
        Math.max(1_000_000L, (long) Math.ceil((estimate - balance) / perSecond * 1e9)));
  }

  /** Settles a page: it was estimated at {@code estimate} and consumed {@code units}. */
  public synchronized void spend(double estimate, double units, int itemsRead) {
    if (limited()) {
      refill(estimate);
      balance += estimate - units;
    }
    consumed += units;
    items += itemsRead;
  }

  /** The capacity consumed so far. */
  public synchronized double consumed() {
    return consumed;
  }

  /** What a page of {@code limit} items is expected to cost, from what items cost so far. */
  public synchronized double estimate(int limit) {
    return limited() ? limit * costPerItem() : 0;
  }

  /**
   * The {@code Limit} of the next page: {@code batchSize}, or fewer items when a page of them would
   * cost more than a second of one segment's share of the budget.
   */
  public synchronized int limit(int batchSize, int segments) {
    if (!limited()) {
      return batchSize;
    }
    double share = perSecond / segments;
    long fits = (long) Math.floor(share / costPerItem());
    return (int) Math.max(1, Math.min(batchSize, fits));
  }

  private double costPerItem() {
    // Before anything was read: half a unit per item (an eventually consistent read of 4 KB).
    return items == 0 ? 0.5 : Math.max(consumed / items, 1e-6);
  }

  private void refill(double atLeast) {
    long now = nanoTime.getAsLong();
    // Unused time is saved up to a second of the budget (or one page), never more.
    double cap = Math.max(perSecond, atLeast);
    balance = Math.min(Math.max(cap, balance), balance + (now - updatedNanos) / 1e9 * perSecond);
    updatedNanos = now;
  }
}
