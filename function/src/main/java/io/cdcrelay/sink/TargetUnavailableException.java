package io.cdcrelay.sink;

/**
 * The target database cannot be reached or did not answer: a retryable failure of the whole batch,
 * never a reason to set records aside.
 */
public final class TargetUnavailableException extends RuntimeException {
  private final boolean unreachable;

  /**
   * A failure that could not reach the database when {@code cause}'s chain says so (a connection
   * refused, lost or timed out: SQLSTATE class 08, an I/O error); any other (a rollback, a busy or
   * shutting-down server, a write that did not take) is one the database answered.
   */
  public TargetUnavailableException(String message, Throwable cause) {
    this(message, cause, cause != null && SqlErrors.isConnectionFailure(cause));
  }

  /**
   * @param unreachable whether the database could not be reached at all (no connection, or the
   *     connection lost), as opposed to a failure it answered
   */
  public TargetUnavailableException(String message, Throwable cause, boolean unreachable) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /** Whether the database could not be reached (no connection, or the connection lost). */
  public boolean unreachable() {
    return unreachable;
  }
}
