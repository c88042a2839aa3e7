package io.cdcrelay.provision;

/** Provisioning cannot go on: the message says what is missing or what AWS answered. */
public final class ProvisionException extends RuntimeException {

  public ProvisionException(String message) {
    super(message);
  }

  public ProvisionException(String message, Throwable cause) {
    super(message, cause);
  }
}
