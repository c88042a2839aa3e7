package io.cdcrelay.text;

/** A count with its noun, for sentences a user reads: "1 item", "0 items", "2 items". */
public final class Count {

  private Count() {}

  /** {@code n} and the noun, in the plural unless {@code n} is one. */
  public static String of(long n, String noun) {
    return n + " " + noun(n, noun);
  }

  /** As {@link #of}, the count with thousands separators: "1 item", "20,000 items". */
  public static String grouped(long n, String noun) {
    return String.format(java.util.Locale.ROOT, "%,d", n) + " " + noun(n, noun);
  }

  private static String noun(long n, String noun) {
    return n == 1 ? noun : noun + "s";
  }
}
