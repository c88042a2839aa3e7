package io.cdcrelay.sink;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from URLs, and from text that may quote URLs, before they are printed: the
 * secret of {@code scheme://user:secret@host} and the value of a {@code password=} option.
 */
public final class Redaction {

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
  private static final Pattern PASSWORD_OPTION = Pattern.compile("(?i)(password=)[^&\\s]*");

  private Redaction() {}

  /**
   * The URL with everything between the first {@code :} of its user info and its last {@code @}
   * replaced by {@code ***}. A secret holding an unencoded {@code /}, {@code ?}, {@code #} or
   * {@code @} ends at the last {@code @} too, wherever a URL parser would split it. Without a
   * {@code :} there, everything between the first and the last {@code @} is replaced: a {@code :}
   * typed as {@code @}.
   */
  public static String url(String url) {
    if (url == null) {
      return null;
    }
    String redacted = url;
    Matcher scheme = SCHEME.matcher(url);
    if (scheme.find()) {
      int start = scheme.end();
      int at = url.lastIndexOf('@');
      int colon = url.indexOf(':', start);
      int firstAt = url.indexOf('@', start);
      if (colon >= 0 && colon < at) {
        redacted = url.substring(0, colon + 1) + "***" + url.substring(at);
      } else if (firstAt >= 0 && firstAt < at) {
        // The ':' typed as '@' (USER@SECRET@HOST): what lies between them may be the secret.
        redacted = url.substring(0, firstAt + 1) + "***" + url.substring(at);
      }
    }
    return PASSWORD_OPTION.matcher(redacted).replaceAll("$1***");
  }

  /**
   * A text meant as a URL that may not parse as one — quotes kept around it, one {@code /} after
   * its scheme, no scheme at all — redacted as {@link #url} does, and without a {@code scheme://}
   * from its first {@code :} to its last {@code @}: {@code dynamodb:/KEY:SECRET@aws/t} shows as
   * {@code dynamodb:***@aws/t}. A text without {@code @} after a {@code :} is left as it is.
   */
  public static String mistypedUrl(String text) {
    if (text == null || SCHEME.matcher(text).find()) {
      return url(text);
    }
    int colon = text.indexOf(':');
    int at = text.lastIndexOf('@');
    String redacted =
        colon >= 0 && colon < at ? text.substring(0, colon + 1) + "***" + text.substring(at) : text;
    return PASSWORD_OPTION.matcher(redacted).replaceAll("$1***");
  }

  /** The text with every URL in it redacted by {@link #url}; a URL ends at white space. */
  public static String urlsIn(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder redacted = new StringBuilder(text.length());
    Matcher scheme = SCHEME.matcher(text);
    int done = 0;
    while (scheme.find(done)) {
      int end = scheme.start();
      while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      redacted.append(text, done, scheme.start()).append(url(text.substring(scheme.start(), end)));
      done = end;
    }
    redacted.append(text, done, text.length());
    return PASSWORD_OPTION.matcher(redacted).replaceAll("$1***");
  }
}
