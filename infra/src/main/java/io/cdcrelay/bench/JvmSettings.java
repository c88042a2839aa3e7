package io.cdcrelay.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The garbage collector and JIT compilers of this JVM, for the benchmark's header: they change the
 * relay's own CPU per row by half. {@code bench lambda} with 5,000-record batches of new / changed
 * keys, on 2 cores: relay 48 / 42 µs a row with G1 (the JVM's choice on a machine of 2 cores and 2
 * GB or more; its own threads took as much CPU as the relay's work), 20 / 28 with the serial
 * collector, 48 / 52 with the serial collector and the quick compiler only ({@code
 * -XX:TieredStopAtLevel=1}, as the function is deployed).
 */
final class JvmSettings {

  private JvmSettings() {}

  /** For example {@code garbage collector Serial, compilers C1 and C2}. */
  static String describe() {
    return "garbage collector "
        + collector(
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList())
        + ", "
        + compilers(option("TieredCompilation"), option("TieredStopAtLevel"));
  }

  /** The collector that registers these memory managers (HotSpot's names), else their names. */
  static String collector(List<String> managers) {
    if (managers.contains("Copy") && managers.contains("MarkSweepCompact")) {
      return "Serial";
    }
    if (managers.contains("PS Scavenge") || managers.contains("PS MarkSweep")) {
      return "Parallel";
    }
    if (managers.contains("G1 Young Generation")) {
      return "G1";
    }
    if (managers.stream().anyMatch(name -> name.startsWith("ZGC"))) {
      return "ZGC";
    }
    if (managers.stream().anyMatch(name -> name.startsWith("Shenandoah"))) {
      return "Shenandoah";
    }
    return managers.isEmpty() ? "unknown" : String.join(" + ", managers);
  }

  /**
   * The JIT compilers that {@code -XX:TieredCompilation} and {@code -XX:TieredStopAtLevel} (their
   * values, or null where not known) leave running.
   */
  static String compilers(String tieredCompilation, String tieredStopAtLevel) {
    if ("false".equals(tieredCompilation)) {
      return "compiler C2 only: -TieredCompilation";
    }
    if (tieredStopAtLevel == null) {
      return "compilers not known";
    }
    return switch (tieredStopAtLevel) {
      case "0" -> "interpreter only";
      case "1", "2", "3" -> "compiler C1 only: TieredStopAtLevel=" + tieredStopAtLevel;
      default -> "compilers C1 and C2";
    };
  }

  private static String option(String name) {
    try {
      return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption(name)
          .getValue();
    } catch (RuntimeException e) {
      // Not a HotSpot JVM, or the option does not exist there.
      return null;
    }
  }
}
