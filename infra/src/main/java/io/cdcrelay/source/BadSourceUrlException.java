package io.cdcrelay.source;

/** A source URL that cannot be used; the message names the bad part and what is accepted. */
public final class BadSourceUrlException extends IllegalArgumentException {
  public BadSourceUrlException(String message) {
    super(message);
  }
}
