package io.cdcrelay.bench;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

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

  /** One untimed round of a warm-up, numbered from 0. */
  @FunctionalInterface
  interface Round {
    void run(int index) throws Exception;
  }

  /**
   * Runs warm-up rounds until the JIT compiler is nearly idle during one ({@link #IDLE_SHARE}), or
   * {@code limit} has passed since {@code since} (a {@link System#nanoTime}), or {@code maxRounds}
   * have run, logging each round as {@code part: warm-up round …}. At least one round runs. (Each
   * round leaves its tables: a CrateDB node holds at most 1,000 shards, 4 a table here, and
   * dropping tables between rounds slowed the writes of later rounds.)
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
      round.run(i);
      long wallMillis = (System.nanoTime() - start) / 1_000_000;
      long compiled = compiledMillis.getAsLong() - compiledBefore;
      log.printf(
          "%s: warm-up round %d: %,d ms, of which the JIT compiled %,d ms%n",
          part, i + 1, wallMillis, compiled);
      if (compiled * IDLE_SHARE < wallMillis || System.nanoTime() - since >= limit.toNanos()) {
        return;
      }
    }
  }
}
