package io.cdcrelay.text;

/** A count with its noun, for sentences a user reads: "1 item", "0 items", "2 items". */
public final class Count {

  private Count() {}

  /** {@code n} and the noun, in the plural unless {@code n} is one. */
  public static String of(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }
}
