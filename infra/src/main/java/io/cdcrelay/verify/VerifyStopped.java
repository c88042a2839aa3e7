package io.cdcrelay.verify;

/**
 * A verify stopped (SIGINT, SIGTERM) before it compared every item: what it saw so far proves
 * nothing either way, so it reports nothing — neither "equal" for rows it never reached nor
 * differences it did not read again.
 */
public final class VerifyStopped extends RuntimeException {

  VerifyStopped(String message) {
    super(message);
  }
}
