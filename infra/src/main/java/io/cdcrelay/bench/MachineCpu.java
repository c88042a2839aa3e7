package io.cdcrelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Where a run's CPU time went on this machine: this process, the emulator, the database. Read from
 * Linux's {@code /proc}: a process with its live descendants and the ones that ended (their time is
 * added to their parent's when it waits for them). On cores shared by the relay, the emulator and
 * the database, this says what limits a figure: the machine's cores divided by the CPU time a
 * record takes in all three is as fast as any relay can go here.
 */
final class MachineCpu {

  // USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux the JVM runs on.
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Map<String, Supplier<OptionalLong>> components = new LinkedHashMap<>();

  /** Counts this process's CPU time as {@code name}. */
  MachineCpu thisProcess(String name) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    components.put(name, () -> OptionalLong.of(os.getProcessCpuTime()));
    return this;
  }

  /** Counts the CPU time of {@code root} and its descendants as {@code name}, if it is known. */
  MachineCpu process(String name, Optional<ProcessHandle> root) {
    components.put(name, () -> root.map(MachineCpu::treeNanos).orElse(OptionalLong.empty()));
    return this;
  }

  /** What a piece of work returned, and the CPU seconds each component spent meanwhile. */
  record Spent<T>(T result, Map<String, Optional<Double>> seconds) {}

  /** Runs {@code work}, counting each component's CPU time meanwhile. */
  <T> Spent<T> during(java.util.concurrent.Callable<T> work) throws Exception {
    Sample before = sample();
    T result = work.call();
    return new Spent<>(result, sample().secondsSince(before));
  }

  /** Each component's CPU time so far. */
  Sample sample() {
    Map<String, OptionalLong> nanos = new LinkedHashMap<>();
    components.forEach((name, read) -> nanos.put(name, read.get()));
    return new Sample(nanos);
  }

  /** Each component's CPU time at one moment, empty where it cannot be read. */
  record Sample(Map<String, OptionalLong> nanos) {

    /** Seconds each component spent since {@code earlier}; empty where either is unknown. */
    Map<String, Optional<Double>> secondsSince(Sample earlier) {
      Map<String, Optional<Double>> seconds = new LinkedHashMap<>();
      nanos.forEach(
          (name, now) -> {
            OptionalLong before = earlier.nanos.getOrDefault(name, OptionalLong.empty());
            seconds.put(
                name,
                now.isPresent() && before.isPresent()
                    ? Optional.of((now.getAsLong() - before.getAsLong()) / 1e9)
                    : Optional.empty());
          });
      return seconds;
    }
  }

  /**
   * The CPU time of several rounds of one case per component, per unit of work (a record, an item),
   * and the fastest rate that time allows on this machine's cores.
   */
  static final class Usage {
    private final Map<String, List<Double>> perUnit = new LinkedHashMap<>();
    private final List<Double> totals = new java.util.ArrayList<>();
    private final java.util.Set<String> unknown = new java.util.LinkedHashSet<>();

    /** Adds a round that did {@code units} of work in the given CPU seconds per component. */
    void add(Map<String, Optional<Double>> seconds, long units) {
      double total = 0;
      for (Map.Entry<String, Optional<Double>> e : seconds.entrySet()) {
        if (e.getValue().isEmpty()) {
          unknown.add(e.getKey());
          continue;
        }
        double micros = e.getValue().get() * 1e6 / units;
        perUnit.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(micros);
        total += micros;
      }
      totals.add(total);
    }

    boolean isEmpty() {
      return totals.isEmpty();
    }

    /** The CPU time per unit, all components together. */
    Stats total() {
      return Stats.of(totals);
    }

    /**
     * Each component's median share, and the rate {@code cores} allow at the median total: {@code
     * relay 40, moto 90, CrateDB 250 µs; 2 cores allow at most 5,300 records/s}.
     */
    String note(String unit) {
      StringBuilder note = new StringBuilder();
      perUnit.forEach(
          (name, values) ->
              note.append(note.length() == 0 ? "" : ", ")
                  .append(name)
                  .append(' ')
                  .append(String.format("%,.0f", Stats.of(values).median())));
      note.append(" µs");
      unknown.forEach(name -> note.append("; ").append(name).append(" not measured"));
      int cores = Runtime.getRuntime().availableProcessors();
      double total = total().median();
      if (total > 0) {
        note.append(
            String.format(
                "; %d cores allow at most %,.0f %s/s%s",
                cores, cores * 1e6 / total, unit, unknown.isEmpty() ? "" : " (less)"));
      } else {
        note.append("; too short to measure (/proc counts in 10 ms ticks)");
      }
      return note.toString();
    }
  }

  /** The first process whose command line holds {@code fragment}, if any. */
  static Optional<ProcessHandle> findByCommandLine(String fragment) {
    return ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(fragment)).findFirst();
  }

  /**
   * A process's whole command line: from /proc where there is one, since the JVM's own view stops
   * after 4 KB, before a Java server's main class that follows a long class path.
   */
  private static String commandLine(ProcessHandle process) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return process.info().commandLine().orElse("");
    }
  }

  /** A process's CPU time with its descendants', from /proc; empty off Linux. */
  static OptionalLong treeNanos(ProcessHandle root) {
    OptionalLong own = statTicks(root.pid(), true);
    if (own.isEmpty()) {
      return OptionalLong.empty();
    }
    long ticks = own.getAsLong();
    for (ProcessHandle child : root.descendants().toList()) {
      ticks += statTicks(child.pid(), false).orElse(0);
    }
    return OptionalLong.of(ticks * NANOS_PER_TICK);
  }

  /**
   * A process's user and system time in ticks, with its waited-for children's when {@code
   * withEnded}; empty when it cannot be read.
   */
  static OptionalLong statTicks(long pid, boolean withEnded) {
    try {
      return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), withEnded);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Fields 14–17 of a {@code /proc/PID/stat} line (utime, stime, cutime, cstime), counted after the
   * command name's closing parenthesis, which may itself hold spaces and parentheses.
   */
  static OptionalLong parseStat(String stat, boolean withEnded) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      return OptionalLong.empty();
    }
    List<String> fields = List.of(stat.substring(end + 1).trim().split("\\s+"));
    if (fields.size() < 15) {
      return OptionalLong.empty();
    }
    // fields.get(0) is field 3 (the state): field n is fields.get(n - 3).
    long ticks = Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
    if (withEnded) {
      ticks += Long.parseLong(fields.get(13)) + Long.parseLong(fields.get(14));
    }
    return OptionalLong.of(ticks);
  }
}
