package io.cdcrelay.verify;

/**
 * A verify refused before it read a row or scanned an item: its target table does not exist, is not
 * of the relay's layout, or is keyed otherwise than the DynamoDB table. A comparison would only
 * report every item missing after the whole Scan, or fail in its middle.
 */
public final class VerifyRefused extends RuntimeException {

  VerifyRefused(String message) {
    super(message);
  }
}
