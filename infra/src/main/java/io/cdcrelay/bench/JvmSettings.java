package io.cdcrelay.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The garbage collector and JIT compilers of this JVM, for the benchmark's header: they change the
 * relay's own CPU per row by half. {@code bench lambda} with 5,000-record batches of new / changed
 * keys, on 2 cores: relay 48 / 42 µs a row with G1 (the JVM's choice on a machine of 2 cores and 2
 * GB or more; its own threads took as much CPU as the relay's work), 20 / 28 with the serial
 * collector, 48 / 52 with the serial collector and the quick compiler only ({@code
 * -XX:TieredStopAtLevel=1}, as the function is deployed). {@code bench snapshot}, the other way
 * round: each round's full load over its slower limit a median 0.75 with G1 against 0.69 with the
 * serial collector (24 rounds each, alternating), whose young collections stop every thread of the
 * load while one copies the pages they hold.
 */
final class JvmSettings {

  private JvmSettings() {}

  /** The options that choose a collector (JDK 17 to 25). */
  private static final List<String> COLLECTOR_OPTIONS =
      List.of("UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC");

  /**
   * For example {@code garbage collector Serial, compilers C1 and C2}; with {@code (set by a flag;
   * the JVM's own choice here: G1)} after the collector when a flag chose another than the JVM
   * would: the commands of the relay ({@code relay load}) run with the JVM's own choice unless
   * their user sets one, the function with the serial collector.
   */
  static String describe() {
    String collector =
        collector(
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList());
    String chosen = "";
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean system) {
      chosen =
          chosen(
              collector,
              collectorSetByFlag(),
              ownCollector(
                  Runtime.getRuntime().availableProcessors(), system.getTotalMemorySize()));
    }
    return "garbage collector "
        + collector
        + chosen
        + ", "
        + compilers(option("TieredCompilation"), option("TieredStopAtLevel"));
  }

  /**
   * The collector HotSpot picks when no flag chooses one: G1 on a "server-class machine" (two
   * processors or more, and 1,792 MB of memory or more, as the JVM sees them in a container too),
   * else the serial collector.
   */
  static String ownCollector(int processors, long memoryBytes) {
    return processors >= 2 && memoryBytes >= 1792L * 1024 * 1024 ? "G1" : "Serial";
  }

  /**
   * What follows the collector's name: nothing when no flag chose it or the flag chose the JVM's
   * own choice, else that choice.
   */
  static String chosen(String collector, boolean setByFlag, String own) {
    return setByFlag && !collector.equals(own)
        ? " (set by a flag; the JVM's own choice here: " + own + ")"
        : "";
  }

  /** Whether an option on the command line (or in the environment) chose the collector. */
  private static boolean collectorSetByFlag() {
    try {
      HotSpotDiagnosticMXBean hotSpot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      for (String name : COLLECTOR_OPTIONS) {
        VMOption option;
        try {
          option = hotSpot.getVMOption(name);
        } catch (IllegalArgumentException e) {
          // Not an option of this JVM.
          continue;
        }
        if ("true".equals(option.getValue())
            && option.getOrigin() != VMOption.Origin.DEFAULT
            && option.getOrigin() != VMOption.Origin.ERGONOMIC) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      // Not a HotSpot JVM.
      return false;
    }
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
