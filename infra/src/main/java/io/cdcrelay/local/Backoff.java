package io.cdcrelay.local;

import java.time.Duration;

/** Exponential backoff between retries: doubles from {@code initial} up to {@code max}. */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration next;

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The pause before the next retry; each call doubles the one after it. */
  public Duration next() {
    Duration current = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return current;
  }

  /** Starts over after a success. */
  public void reset() {
    next = initial;
  }
}
