package io.cdcrelay.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a process started, as a value that names one process among those given the same id over
 * time. On Linux it is the kernel's own record, {@code starttime} of {@code /proc/<pid>/stat} in
 * clock ticks since boot ({@code k<ticks>}): fixed for the process's life and the same for every
 * reader. The JDK's {@link ProcessHandle.Info#startInstant()} is not: it adds that to the boot time
 * in whole seconds as each JVM read it, and the boot time moves whenever the wall clock is stepped
 * (a virtual machine resumed or synchronised), so two JVMs may date one process seconds apart.
 * Elsewhere (macOS, Windows) the system records the start as a wall-clock time and the JDK's value
 * is used ({@code e<epoch ms>}).
 */
final class ProcessStart {

  private static final String TICKS = "k";
  private static final String EPOCH_MILLIS = "e";

  /** How far two readings of a start in epoch milliseconds may differ and name one process. */
  static final long SLACK_MILLIS = 1_000;

  private ProcessStart() {}

  /** When {@code process} started, where the system tells. */
  static Optional<String> of(ProcessHandle process) {
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    if (Files.isReadable(stat)) {
      try {
        return ticks(Files.readString(stat, StandardCharsets.UTF_8)).map(ticks -> TICKS + ticks);
      } catch (IOException e) {
        // Gone meanwhile, or /proc not what it seems: say nothing rather than something wrong.
        return Optional.empty();
      }
    }
    return process.info().startInstant().map(started -> EPOCH_MILLIS + started.toEpochMilli());
  }

  /**
   * The {@code starttime} field (the 22nd) of a {@code /proc/<pid>/stat} line. The second field is
   * the command's name in parentheses, which may itself hold spaces and parentheses: the fields are
   * counted from the last {@code )}.
   */
  static Optional<Long> ticks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] fields = stat.substring(close + 1).trim().split(" +");
    // fields[0] is the 3rd field (state), so the 22nd is fields[19].
    if (fields.length < 20) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(fields[19]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether two starts recorded for one process id name one process. Values of different kinds, or
   * of a kind this release does not know, cannot tell: they count as the same (the holder is waited
   * for, as a lease of a release that recorded no start is).
   */
  static boolean same(String started, String recorded) {
    if (started.startsWith(TICKS) && recorded.startsWith(TICKS)) {
      return !(number(started).isPresent() && number(recorded).isPresent())
          || number(started).equals(number(recorded));
    }
    if (started.startsWith(EPOCH_MILLIS) && recorded.startsWith(EPOCH_MILLIS)) {
      Optional<Long> a = number(started);
      Optional<Long> b = number(recorded);
      return a.isEmpty() || b.isEmpty() || Math.abs(a.get() - b.get()) <= SLACK_MILLIS;
    }
    return true;
  }

  private static Optional<Long> number(String value) {
    try {
      return Optional.of(Long.parseLong(value.substring(1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
