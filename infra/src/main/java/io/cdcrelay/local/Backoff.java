package io.cdcrelay.local;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Exponential backoff between retries: doubles from {@code initial} up to {@code max}. */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final Supplier<Optional<Duration>> cap;
  private Duration next;

  public Backoff(Duration initial, Duration max) {
    this(initial, max, Optional::empty);
  }

  /**
   * A backoff whose pauses end no later than {@code cap} says when asked (a give-up limit: the last
   * attempt comes at the limit, not a doubled pause past it).
   */
  public Backoff(Duration initial, Duration max, Supplier<Optional<Duration>> cap) {
    this.initial = initial;
    this.max = max;
    this.cap = cap;
    this.next = initial;
  }

  /** The pause before the next retry; each call doubles the one after it. */
  public Duration next() {
    Duration current = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    Optional<Duration> atMost = cap.get();
    return atMost.isPresent() && atMost.get().compareTo(current) < 0 ? atMost.get() : current;
  }

  /** Starts over after a success. */
  public void reset() {
    next = initial;
  }
}
