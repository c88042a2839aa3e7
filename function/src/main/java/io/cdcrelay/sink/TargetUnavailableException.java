package io.cdcrelay.sink;

/**
 * The target database cannot be reached or did not answer: a retryable failure of the whole batch,
 * never a reason to set records aside.
 */
public final class TargetUnavailableException extends RuntimeException {
  public TargetUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
