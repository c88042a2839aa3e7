package io.cdcrelay.bench;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * How long this JVM's JIT compiler has worked, to tell a warm JVM from one still compiling: on two
 * cores, the compiler took 2 s of CPU in the first timed round of a part and 0.5 s in its fourth,
 * beside the relay and the database, and widened the spread of every figure with it.
 */
final class Jit {

  /** A warm-up ends once the JIT compiled for less than a twentieth of a round's time. */
  static final int IDLE_SHARE = 20;

  private Jit() {}

  /** Milliseconds the JIT compiler threads have spent compiling so far; 0 without a JIT. */
  static long millis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * A stretch of a round timed on its own: how long it took and how long the JIT compiler worked
   * meanwhile. Its own figure suffers when the compiler works in it, even once the whole round's
   * share is small: in the snapshot part the compiler worked 220 ms of a 4.7 s warm-up round, under
   * a twentieth, and then 466 to 599 ms during the 1.3 s load of the timed round.
   */
  record Window(long wallMillis, long compiledMillis) {

    /** Whether the compiler worked for less than {@link #IDLE_SHARE a twentieth} of it. */
    boolean idle() {
      return compiledMillis * IDLE_SHARE < wallMillis;
    }
  }

  /**
   * One untimed round of a warm-up, numbered from 0: the stretch of it that is timed on its own, if
   * any, which must be idle too.
   */
  @FunctionalInterface
  interface Round {
    Optional<Window> run(int index) throws Exception;
  }

  /**
   * Runs warm-up rounds until the JIT compiler is nearly idle during one ({@link #IDLE_SHARE}) and
   * during the stretch of it the round names, or {@code limit} has passed since {@code since} (a
   * {@link System#nanoTime}), or {@code maxRounds} have run, logging each round as {@code part:
   * warm-up round …}. At least one round runs. (Each round leaves its tables: a CrateDB node holds
   * at most 1,000 shards, 4 a table here, and dropping tables between rounds slowed the writes of
   * later rounds.)
   */
  static void warmUp(
      String part, long since, Duration limit, int maxRounds, PrintStream log, Round round)
      throws Exception {
    warmUp(part, since, limit, maxRounds, log, round, Jit::millis);
  }

  /** As above, with the compiler's milliseconds so far read from {@code compiledMillis}. */
  static void warmUp(
      String part,
      long since,
      Duration limit,
      int maxRounds,
      PrintStream log,
      Round round,
      java.util.function.LongSupplier compiledMillis)
      throws Exception {
    for (int i = 0; i < maxRounds; i++) {
      long compiledBefore = compiledMillis.getAsLong();
      long start = System.nanoTime();
      Optional<Window> timedAlone = round.run(i);
      Window whole =
          new Window(
              (System.nanoTime() - start) / 1_000_000, compiledMillis.getAsLong() - compiledBefore);
      log.printf(
          "%s: warm-up round %d: %,d ms, of which the JIT compiled %,d ms%s%n",
          part,
          i + 1,
          whole.wallMillis(),
          whole.compiledMillis(),
          timedAlone
              .map(
                  w ->
                      String.format(
                          "; its timed stretch %,d ms, of which the JIT compiled %,d ms",
                          w.wallMillis(), w.compiledMillis()))
              .orElse(""));
      boolean idle = whole.idle() && timedAlone.map(Window::idle).orElse(true);
      if (idle || System.nanoTime() - since >= limit.toNanos()) {
        return;
      }
    }
  }
}
