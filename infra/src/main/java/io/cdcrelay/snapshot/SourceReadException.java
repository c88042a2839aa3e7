package io.cdcrelay.snapshot;

/**
 * A read of the DynamoDB table failed: retryable (throttling, a server error, the network, expired
 * credentials) or not (no such table, access denied, a bad request).
 */
public class SourceReadException extends RuntimeException {

  private final boolean retryable;

  public SourceReadException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same request may succeed later. */
  public boolean retryable() {
    return retryable;
  }
}
