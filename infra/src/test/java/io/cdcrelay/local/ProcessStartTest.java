package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessStartTest {

  @Test
  void theStartTicksAreCountedFromTheLastParenthesisOfTheCommandsName() {
    String rest = " S 1 2 3 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 1212827 123456 789";
    assertThat(ProcessStart.ticks("4242 (java)" + rest)).contains(1212827L);
    assertThat(ProcessStart.ticks("4242 (a) b (c) 1 2)" + rest)).contains(1212827L);
    assertThat(ProcessStart.ticks("4242 (java) S 1 2 3")).isEmpty();
    assertThat(ProcessStart.ticks("4242 java S")).isEmpty();
    assertThat(ProcessStart.ticks("4242 (java)" + rest.replace("1212827", "x"))).isEmpty();
  }

  @Test
  void onLinuxAProcessStartIsTheKernelsTicksWhichEveryReaderSeesAlike() throws Exception {
    Path stat = Path.of("/proc/self/stat");
    assumeTrue(Files.isReadable(stat), "no /proc on this system: the JDK's start time is used");
    Process child = new ProcessBuilder("sleep", "5").start();
    try {
      Optional<String> start = ProcessStart.of(child.toHandle());
      assertThat(start).hasValueSatisfying(value -> assertThat(value).matches("k[0-9]+"));
      String kernels = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
      assertThat(start.get()).isEqualTo("k" + ProcessStart.ticks(kernels).orElseThrow());
      assertThat(ProcessStart.of(child.toHandle())).isEqualTo(start);
      assertThat(ProcessStart.of(ProcessHandle.current())).isNotEqualTo(start);
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  @Test
  void ticksNameOneProcessOnlyWhenEqualWallClockStartsWithinASecond() {
    assertThat(ProcessStart.same("k1212827", "k1212827")).isTrue();
    assertThat(ProcessStart.same("k1212827", "k1212828")).isFalse();
    assertThat(ProcessStart.same("e1764892800000", "e1764892800900")).isTrue();
    assertThat(ProcessStart.same("e1764892801001", "e1764892800000")).isFalse();
    // Cannot tell (garbled, or of another kind, or of the release that recorded epoch ms without
    // a kind): the holder is waited for.
    assertThat(ProcessStart.same("k1212827", "kgarbled")).isTrue();
    assertThat(ProcessStart.same("k1212827", "e1764892800000")).isTrue();
    assertThat(ProcessStart.same("k1212827", "1764892800000")).isTrue();
  }
}
