package io.cdcrelay.source;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the value of a source URL's option (a whole number, seconds, a boolean) from its query, as
 * given; a value that does not fit is a {@link BadSourceUrlException} naming the option, the value
 * and what is accepted.
 */
public final class UrlOptions {

  private UrlOptions() {}

  /**
   * The error for an option the URL's scheme does not take: its name, the nearest accepted one when
   * there is one near enough, and the accepted ones, {@code alsoKnown} (accepted, but with no
   * effect of their own) named apart.
   */
  public static BadSourceUrlException unknown(
      String name, java.util.Collection<String> accepted, java.util.Collection<String> alsoKnown) {
    java.util.List<String> candidates = new java.util.ArrayList<>(accepted);
    candidates.addAll(alsoKnown);
    return new BadSourceUrlException(
        "unknown option \""
            + name
            + "\" in the source URL"
            + io.cdcrelay.text.NearestName.of(name, candidates)
                .map(n -> "; did you mean \"" + n + "\"?")
                .orElse(".")
            + " Accepted: "
            + String.join(", ", accepted)
            + (alsoKnown.isEmpty()
                ? ""
                : "; also "
                    + String.join(", ", alsoKnown)
                    + " (cratedb-toolkit's, accepted and superseded by this relay's own)"));
  }

  /** The option {@code name}, present in {@code options}, as a whole number from min to max. */
  public static int integer(Map<String, String> options, String name, int min, int max) {
    String text = options.get(name);
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      // Digits beyond an int's range are a whole number still, and out of range.
      throw new BadSourceUrlException(
          text.trim().matches("[+-]?\\d+")
              ? "option " + name + "=" + text + " is out of range: " + min + " to " + max
              : "option "
                  + name
                  + "="
                  + text
                  + " is not a whole number ("
                  + min
                  + " to "
                  + max
                  + ")");
    }
    if (value < min || value > max) {
      throw new BadSourceUrlException(
          "option " + name + "=" + text + " is out of range: " + min + " to " + max);
    }
    return value;
  }

  /**
   * The option {@code name}, present in {@code options}, as a number of seconds (fractions allowed)
   * from min to max.
   */
  public static Duration seconds(Map<String, String> options, String name, int min, int max) {
    String text = options.get(name);
    BigDecimal value;
    try {
      value = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw new BadSourceUrlException(
          "option "
              + name
              + "="
              + text
              + " is not a number of seconds ("
              + min
              + " to "
              + max
              + ")");
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new BadSourceUrlException(
          "option " + name + "=" + text + " is out of range: " + min + " to " + max + " seconds");
    }
    return Duration.ofNanos(value.movePointRight(9).longValue());
  }

  /**
   * The option {@code name}, present in {@code options}, as a boolean: {@code true}, {@code 1},
   * {@code yes}, {@code on}, {@code y}, {@code t} or {@code false}, {@code 0}, {@code no}, {@code
   * off}, {@code n}, {@code f}, in any case: the spellings the reference tool takes, so that its
   * URLs are read unchanged.
   */
  public static boolean bool(Map<String, String> options, String name) {
    String text = options.get(name).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "1", "yes", "on", "y", "t" -> true;
      case "false", "0", "no", "off", "n", "f" -> false;
      default ->
          throw new BadSourceUrlException(
              "option "
                  + name
                  + "="
                  + options.get(name)
                  + " is not one of true, false (or 1, yes, on, y, t; 0, no, off, n, f)");
    };
  }
}
