package io.cdcrelay.local;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Shows a progress line in the background: redrawn on a terminal every second, else logged as a
 * plain line every ten seconds. The one display of the local relay's and the full load's progress.
 */
public final class ProgressDisplay {

  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  static final Duration TERMINAL_INTERVAL = Duration.ofSeconds(1);

  private final String threadName;
  private final PrintStream terminal;
  private final Consumer<String> log;
  private final Supplier<String> line;
  private Thread reporter;
  private volatile boolean closed;

  /**
   * @param threadName the reporting thread's name
   * @param terminal where to redraw the live line, or {@code null} when not on a terminal
   * @param log where the plain lines go when not on a terminal
   * @param line the progress line as it stands
   */
  public ProgressDisplay(
      String threadName, PrintStream terminal, Consumer<String> log, Supplier<String> line) {
    this.threadName = threadName;
    this.terminal = terminal;
    this.log = log;
    this.line = line;
  }

  /** Starts showing the line in the background. */
  public void start() {
    reporter =
        new Thread(
            () -> {
              Duration interval = terminal != null ? TERMINAL_INTERVAL : LOG_INTERVAL;
              while (!closed) {
                try {
                  Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                if (closed) {
                  return;
                }
                report();
              }
            },
            threadName);
    reporter.setDaemon(true);
    reporter.start();
  }

  /** Shows the line once: redraws it on a terminal, else logs it as a plain line. */
  public void report() {
    if (terminal != null) {
      terminal.print("\r\033[K" + line.get());
      terminal.flush();
    } else {
      log.accept("progress: " + line.get());
    }
  }

  /** Stops showing the line and clears it from the terminal. */
  public void stop() {
    closed = true;
    if (reporter != null) {
      reporter.interrupt();
      try {
        reporter.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (terminal != null) {
      terminal.print("\r\033[K");
      terminal.flush();
    }
  }
}
