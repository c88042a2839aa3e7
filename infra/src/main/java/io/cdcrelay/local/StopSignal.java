package io.cdcrelay.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The request to stop the local relay, set by SIGINT or SIGTERM (or by the relay itself); every
 * pause of the relay waits on it, so that stopping never waits out a backoff.
 */
public final class StopSignal {

  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Asks every part of the relay to stop. */
  public void stop() {
    stopped.countDown();
  }

  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Waits for {@code pause} or until stopped; returns whether stopped. */
  public boolean sleep(Duration pause) {
    if (pause.isZero() || pause.isNegative()) {
      return isStopped();
    }
    try {
      return stopped.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return true;
    }
  }

  /**
   * Makes SIGINT and SIGTERM stop the relay instead of the JVM, so that it can finish its batch,
   * checkpoint and exit 0; a second signal ends the JVM at once. Closing restores the JVM's
   * handlers.
   */
  public AutoCloseable onSignals() {
    SignalHandler[] previous = new SignalHandler[2];
    String[] names = {"INT", "TERM"};
    for (int i = 0; i < names.length; i++) {
      String name = names[i];
      try {
        previous[i] =
            Signal.handle(
                new Signal(name),
                signal -> {
                  if (isStopped()) {
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                  }
                  LOG.info("SIG{} received: stopping after the current batch", name);
                  stop();
                });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    return () -> {
      for (int i = 0; i < names.length; i++) {
        if (previous[i] != null) {
          Signal.handle(new Signal(names[i]), previous[i]);
        }
      }
    };
  }
}
