package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmSettingsTest {

  @Test
  void namesTheCollectorFromItsMemoryManagers() {
    assertThat(JvmSettings.collector(List.of("Copy", "MarkSweepCompact"))).isEqualTo("Serial");
    assertThat(JvmSettings.collector(List.of("PS Scavenge", "PS MarkSweep"))).isEqualTo("Parallel");
    assertThat(
            JvmSettings.collector(
                List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation")))
        .isEqualTo("G1");
    assertThat(JvmSettings.collector(List.of("ZGC Minor Cycles", "ZGC Major Pauses")))
        .isEqualTo("ZGC");
    assertThat(JvmSettings.collector(List.of("Shenandoah Pauses", "Shenandoah Cycles")))
        .isEqualTo("Shenandoah");
    assertThat(JvmSettings.collector(List.of("Epsilon Heap"))).isEqualTo("Epsilon Heap");
    assertThat(JvmSettings.collector(List.of())).isEqualTo("unknown");
  }

  @Test
  void namesTheCompilersFromTheTieredOptions() {
    assertThat(JvmSettings.compilers("true", "4")).isEqualTo("compilers C1 and C2");
    assertThat(JvmSettings.compilers("true", "1"))
        .isEqualTo("compiler C1 only: TieredStopAtLevel=1");
    assertThat(JvmSettings.compilers("true", "0")).isEqualTo("interpreter only");
    assertThat(JvmSettings.compilers("false", "4"))
        .isEqualTo("compiler C2 only: -TieredCompilation");
    assertThat(JvmSettings.compilers(null, null)).isEqualTo("compilers not known");
  }

  @Test
  void theJvmsOwnCollectorIsG1OnAServerClassMachineElseSerial() {
    long mb = 1024L * 1024;
    assertThat(JvmSettings.ownCollector(2, 1792 * mb)).isEqualTo("G1");
    assertThat(JvmSettings.ownCollector(8, 64 * 1024 * mb)).isEqualTo("G1");
    assertThat(JvmSettings.ownCollector(2, 1792 * mb - 1)).isEqualTo("Serial");
    assertThat(JvmSettings.ownCollector(1, 64 * 1024 * mb)).isEqualTo("Serial");
  }

  @Test
  void aCollectorSetByAFlagNamesTheJvmsOwnChoiceWhenItDiffers() {
    assertThat(JvmSettings.chosen("Serial", true, "G1"))
        .isEqualTo(" (set by a flag; the JVM's own choice here: G1)");
    // No flag: the collector is the JVM's own choice, whatever the rule here says.
    assertThat(JvmSettings.chosen("Serial", false, "G1")).isEmpty();
    assertThat(JvmSettings.chosen("Serial", false, "Serial")).isEmpty();
    assertThat(JvmSettings.chosen("G1", true, "G1")).isEmpty();
    assertThat(JvmSettings.chosen("G1", false, "G1")).isEmpty();
  }

  @Test
  void describesThisJvm() {
    // The test JVM's own settings, whatever they are: a known collector and the compilers.
    assertThat(JvmSettings.describe())
        .matches(
            "garbage collector (Serial|Parallel|G1|ZGC|Shenandoah)"
                + "( \\(set by a flag; the JVM's own choice here: (G1|Serial)\\))?, compilers? .+");
  }
}
