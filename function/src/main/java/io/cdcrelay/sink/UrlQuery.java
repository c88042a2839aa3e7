package io.cdcrelay.sink;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of a URL's query and its percent-encoded parts, as source and target URLs use them.
 */
public final class UrlQuery {

  private UrlQuery() {}

  /**
   * The options of a raw query in the order given; a bare name ({@code ?once}) means {@code true}.
   *
   * @throws IllegalArgumentException when an option is given twice
   */
  public static Map<String, String> parse(String rawQuery) {
    Map<String, String> options = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return options;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
      if (options.put(key, value) != null) {
        throw new IllegalArgumentException("option " + key + " is given twice in the URL");
      }
    }
    return options;
  }

  /** Decodes percent-encoding; unlike form encoding, a {@code +} stays a plus sign. */
  public static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // Not the decoder's message: it quotes the characters after the '%', maybe of a password.
      throw new IllegalArgumentException(
          "the URL holds a '%' not followed by two hex digits: percent-encode a '%' as %25");
    }
  }
}
