package io.cdcrelay.sink;

/**
 * The target cannot be written as configured — a setting disagrees with what the state schema holds
 * for a table, or the database rejects a name — so that retrying cannot help until a person changes
 * the configuration.
 */
public final class BadTargetException extends RuntimeException {
  public BadTargetException(String message) {
    super(message);
  }
}
