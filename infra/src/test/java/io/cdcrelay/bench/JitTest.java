package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class JitTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final List<Integer> rounds = new ArrayList<>();

  /** Rounds of about 20 ms while the compiler works {@code compiling} ms per round. */
  private void warmUp(Duration limit, int maxRounds, long... compiling) throws Exception {
    warmUp(limit, maxRounds, i -> Optional.empty(), compiling);
  }

  /** As above, each round naming the stretch {@code timedAlone} gives for its index. */
  private void warmUp(
      Duration limit,
      int maxRounds,
      IntFunction<Optional<Jit.Window>> timedAlone,
      long... compiling)
      throws Exception {
    AtomicLong compiled = new AtomicLong();
    Jit.warmUp(
        "part",
        System.nanoTime(),
        limit,
        maxRounds,
        log,
        i -> {
          rounds.add(i);
          Thread.sleep(20);
          compiled.addAndGet(compiling[Math.min(i, compiling.length - 1)]);
          return timedAlone.apply(i);
        },
        compiled::get);
  }

  @Test
  void roundsRunUntilTheCompilerIsNearlyIdle() throws Exception {
    // 20 ms rounds: busy while it compiles 50 ms a round, idle once it compiles none.
    warmUp(Duration.ofMinutes(1), 10, 50, 50, 50, 0);
    assertThat(rounds).containsExactly(0, 1, 2, 3);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("part: warm-up round 1: ", "of which the JIT compiled 50 ms")
        .contains("part: warm-up round 4: ");
  }

  @Test
  void theStretchTimedAloneMustBeNearlyIdleToo() throws Exception {
    // The whole round is idle from the start (no compiling counted); its timed stretch of 100 ms
    // is not while the compiler works 5 ms or more in it.
    long[] inStretch = {40, 5, 4, 0};
    warmUp(Duration.ofMinutes(1), 10, i -> Optional.of(new Jit.Window(100, inStretch[i])), 0);
    assertThat(rounds).containsExactly(0, 1, 2);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "part: warm-up round 1: ", "its timed stretch 100 ms, of which the JIT compiled 40 ms")
        .contains("part: warm-up round 3: ")
        .doesNotContain("part: warm-up round 4: ");
  }

  @Test
  void aCompilerThatNeverSettlesStopsAtTheRoundCap() throws Exception {
    warmUp(Duration.ofMinutes(1), 3, 1_000);
    assertThat(rounds).containsExactly(0, 1, 2);
  }

  @Test
  void aLimitOfZeroRunsOneRound() throws Exception {
    warmUp(Duration.ZERO, 10, 1_000);
    assertThat(rounds).containsExactly(0);
  }
}
