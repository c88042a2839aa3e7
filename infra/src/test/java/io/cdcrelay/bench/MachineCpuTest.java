package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

  @Test
  void readsUserAndSystemTimeAfterACommandNameWithSpacesAndParentheses() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime ...
    String stat = "4231 (java (crate) x) S 1 4230 4230 0 -1 4194560 5 6 7 8 1200 34 50 6 20 0 90";

    assertThat(MachineCpu.parseStat(stat, false)).hasValue(1234);
    assertThat(MachineCpu.parseStat(stat, true)).hasValue(1290);
    assertThat(MachineCpu.parseStat("no parenthesis", true)).isEmpty();
    assertThat(MachineCpu.parseStat("1 (short) S 1 2", true)).isEmpty();
  }

  @Test
  void aChildThatEndedStillCountsInItsParentsTime() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc here (not Linux)");
    ProcessHandle self = ProcessHandle.current();
    long before = MachineCpu.treeNanos(self).orElseThrow();
    // A shell that counts for a while (a few hundred ms of CPU), then ends and is waited for.
    Process child =
        new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done").start();
    assertThat(child.waitFor()).isZero();

    long after = MachineCpu.treeNanos(self).orElseThrow();
    long childOnly =
        MachineCpu.statTicks(self.pid(), true).orElseThrow()
            - MachineCpu.statTicks(self.pid(), false).orElseThrow();
    assertThat(after).isGreaterThan(before);
    assertThat(childOnly).as("ticks of ended children").isPositive();
  }

  @Test
  void findsAProcessByAWordAfterAVeryLongCommandLine() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/cmdline")), "no /proc here (not Linux)");
    String marker = "machine-cpu-test-" + System.nanoTime();
    // Like a Java server: its main class after a class path of several KB.
    Process child =
        new ProcessBuilder("sh", "-c", "sleep 30; exit 0", "x".repeat(6_000), marker).start();
    try {
      assertThat(MachineCpu.findByCommandLine(marker).map(ProcessHandle::pid))
          .hasValue(child.pid());
      assertThat(MachineCpu.findByCommandLine(marker + "-none")).isEmpty();
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  @Test
  void aSampleSubtractsPerComponentAndLeavesUnknownOnesEmpty() {
    MachineCpu.Sample earlier =
        new MachineCpu.Sample(
            ordered("relay", OptionalLong.of(1_000_000_000L), "db", OptionalLong.empty()));
    MachineCpu.Sample later =
        new MachineCpu.Sample(
            ordered("relay", OptionalLong.of(3_500_000_000L), "db", OptionalLong.of(5L)));

    Map<String, Optional<Double>> seconds = later.secondsSince(earlier);

    assertThat(seconds.get("relay")).hasValue(2.5);
    assertThat(seconds.get("db")).isEmpty();
  }

  @Test
  void usageSaysEachShareAndTheRateTheCoresAllow() {
    MachineCpu.Usage usage = new MachineCpu.Usage();
    usage.add(Map.of("relay", Optional.of(1.0)), 10_000);
    usage.add(Map.of("relay", Optional.of(3.0)), 10_000);
    usage.add(Map.of("relay", Optional.of(2.0)), 10_000);

    assertThat(usage.total().median()).isEqualTo(200.0);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(usage.note("records"))
        .isEqualTo(
            String.format(
                "relay 200 µs; %d cores allow at most %,.0f records/s", cores, cores * 5_000.0));

    MachineCpu.Usage instant = new MachineCpu.Usage();
    instant.add(Map.of("relay", Optional.of(0.0)), 20);
    assertThat(instant.note("rows"))
        .isEqualTo("relay 0 µs; too short to measure (/proc counts in 10 ms ticks)");

    MachineCpu.Usage partial = new MachineCpu.Usage();
    partial.add(ordered2("relay", Optional.of(1.0), "CrateDB", Optional.empty()), 1_000);
    assertThat(partial.note("items"))
        .startsWith("relay 1,000 µs; CrateDB not measured; ")
        .endsWith(" items/s (less)");
  }

  private static Map<String, OptionalLong> ordered(
      String a, OptionalLong va, String b, OptionalLong vb) {
    Map<String, OptionalLong> map = new LinkedHashMap<>();
    map.put(a, va);
    map.put(b, vb);
    return map;
  }

  private static Map<String, Optional<Double>> ordered2(
      String a, Optional<Double> va, String b, Optional<Double> vb) {
    Map<String, Optional<Double>> map = new LinkedHashMap<>();
    map.put(a, va);
    map.put(b, vb);
    return map;
  }
}
