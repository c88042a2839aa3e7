package io.cdcrelay.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves: it stands still until told to advance, or ({@link #ticking}) moves a step
 * on at each look.
 */
public final class MovingClock extends Clock {
  private Instant now;
  private final Duration stepPerLook;

  public MovingClock(Instant start) {
    this(start, Duration.ZERO);
  }

  public MovingClock() {
    this(Instant.parse("2026-12-04T12:00:00Z"));
  }

  private MovingClock(Instant start, Duration stepPerLook) {
    this.now = start;
    this.stepPerLook = stepPerLook;
  }

  /** A clock a step later at each look: each reading of it is {@code step} after the last. */
  public static MovingClock ticking(Duration step) {
    return new MovingClock(Instant.parse("2026-12-04T12:00:00Z"), step);
  }

  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public synchronized Instant instant() {
    Instant current = now;
    now = now.plus(stepPerLook);
    return current;
  }
}
