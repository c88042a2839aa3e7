package io.cdcrelay.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@code .env} file, read as the reference tool's python-dotenv reads it: {@code KEY=VALUE}
 * lines, {@code export} before a key, {@code #} comments (after whitespace, in an unquoted value),
 * values in single quotes (literal) or double quotes (escapes such as {@code \n}, {@code \"}; both
 * may span lines), and {@code ${NAME}} or {@code ${NAME:-default}} in unquoted and double-quoted
 * values, looked up in the environment first, then in the file's earlier lines. A line that is not
 * a setting is skipped with a warning naming its number, as python-dotenv skips it; a value never
 * appears in a message.
 */
public final class DotEnv {

  /** The file's name. */
  public static final String FILE = ".env";

  private DotEnv() {}

  /** The first {@value #FILE} file in {@code directory} or any directory above it. */
  public static Optional<Path> find(Path directory) {
    for (Path dir = directory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path file = dir.resolve(FILE);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads {@code file}; {@code environment} resolves its {@code ${NAME}} references, {@code
   * skipped} hears of each line that is not a setting.
   */
  public static Map<String, String> read(
      Path file, Map<String, String> environment, Consumer<String> skipped) throws IOException {
    return parse(
        Files.readString(file, StandardCharsets.UTF_8),
        environment,
        problem -> skipped.accept(file + ": " + problem));
  }

  /**
   * The settings of a {@code .env} text, in order. A line that is not a setting is skipped, as
   * python-dotenv skips it with a warning: {@code skipped} gets one sentence naming it by number
   * (never its text, which may hold a secret).
   */
  public static Map<String, String> parse(
      String text, Map<String, String> environment, Consumer<String> skipped) {
    Map<String, String> values = new LinkedHashMap<>();
    Parser parser = new Parser(text);
    while (parser.more()) {
      int start = parser.at;
      int line = parser.line;
      try {
        statement(parser, environment, values);
      } catch (IllegalArgumentException e) {
        skipped.accept(e.getMessage());
        parser.at = start;
        parser.line = line;
        parser.skipToLineEnd();
        parser.nextLine();
      }
    }
    return values;
  }

  /** One line (or more, for a quoted value that spans lines): a setting, a comment or nothing. */
  private static void statement(
      Parser parser, Map<String, String> environment, Map<String, String> values) {
    int line = parser.line;
    parser.skipBlank();
    if (parser.atLineEnd() || parser.peek() == '#') {
      parser.skipToLineEnd();
      parser.nextLine();
      return;
    }
    if (parser.text.startsWith("export", parser.at)
        && parser.at + 6 < parser.text.length()
        && (parser.text.charAt(parser.at + 6) == ' '
            || parser.text.charAt(parser.at + 6) == '\t')) {
      parser.at += 6;
      parser.skipBlank();
    }
    String key = parser.key(line);
    parser.skipBlank();
    if (parser.atLineEnd() || parser.peek() == '#') {
      // A bare key sets nothing, as in python-dotenv.
      parser.skipToLineEnd();
      parser.nextLine();
      return;
    }
    if (parser.peek() != '=') {
      throw new IllegalArgumentException("line " + line + " is not KEY=VALUE");
    }
    parser.at++;
    parser.skipBlank();
    String value;
    if (!parser.atLineEnd() && parser.peek() == '\'') {
      value = parser.quoted('\'', line);
    } else if (!parser.atLineEnd() && parser.peek() == '"') {
      value = expand(parser.quoted('"', line), environment, values);
    } else {
      value = expand(parser.unquoted(), environment, values);
    }
    parser.skipBlank();
    if (!parser.atLineEnd() && parser.peek() != '#') {
      throw new IllegalArgumentException("line " + line + " has text after its quoted value");
    }
    parser.skipToLineEnd();
    parser.nextLine();
    values.put(key, value);
  }

  /**
   * {@code ${NAME}} and {@code ${NAME:-default}}: the environment's value first, as dotenv; a
   * {@code ${} without its {@code }} stays as it is.
   */
  private static String expand(
      String value, Map<String, String> environment, Map<String, String> earlier) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      int start = value.indexOf("${", i);
      if (start < 0) {
        out.append(value, i, value.length());
        break;
      }
      int end = value.indexOf('}', start);
      if (end < 0) {
        out.append(value, i, value.length());
        break;
      }
      out.append(value, i, start);
      String reference = value.substring(start + 2, end);
      int dash = reference.indexOf(":-");
      String name = dash < 0 ? reference : reference.substring(0, dash);
      String found = environment.get(name);
      if (found == null) {
        found = earlier.get(name);
      }
      if (found == null) {
        // As python-dotenv: the default stands in for a missing name, not for an empty value.
        found = dash < 0 ? "" : reference.substring(dash + 2);
      }
      out.append(found);
      i = end + 1;
    }
    return out.toString();
  }

  private static final class Parser {
    final String text;
    int at;
    int line = 1;

    Parser(String text) {
      this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    boolean more() {
      return at < text.length();
    }

    char peek() {
      return text.charAt(at);
    }

    boolean atLineEnd() {
      return at >= text.length() || text.charAt(at) == '\n' || text.charAt(at) == '\r';
    }

    void skipBlank() {
      while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
        at++;
      }
    }

    void skipToLineEnd() {
      while (!atLineEnd()) {
        at++;
      }
    }

    void nextLine() {
      if (at < text.length() && text.charAt(at) == '\r') {
        at++;
      }
      if (at < text.length() && text.charAt(at) == '\n') {
        at++;
      }
      line++;
    }

    String key(int line) {
      if (!atLineEnd() && (peek() == '\'' || peek() == '"')) {
        return quoted(peek(), line);
      }
      int start = at;
      while (!atLineEnd() && peek() != '=' && peek() != ' ' && peek() != '\t' && peek() != '#') {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("line " + line + " has no KEY before =");
      }
      return text.substring(start, at);
    }

    /** A quoted value: single quotes keep {@code \'} and {@code \\} only, double quotes escapes. */
    String quoted(char quote, int line) {
      StringBuilder out = new StringBuilder();
      at++;
      while (true) {
        if (at >= text.length()) {
          throw new IllegalArgumentException("line " + line + " opens a quote it never closes");
        }
        char c = text.charAt(at++);
        if (c == quote) {
          return out.toString();
        }
        if (c == '\n') {
          this.line++;
        }
        if (c == '\\' && at < text.length()) {
          char next = text.charAt(at);
          if (quote == '\'') {
            if (next == '\'' || next == '\\') {
              out.append(next);
              at++;
              continue;
            }
          } else {
            String escaped =
                switch (next) {
                  case 'n' -> "\n";
                  case 't' -> "\t";
                  case 'r' -> "\r";
                  case '"' -> "\"";
                  case '\\' -> "\\";
                  case '\'' -> "'";
                  default -> null;
                };
            if (escaped != null) {
              out.append(escaped);
              at++;
              continue;
            }
          }
        }
        out.append(c);
      }
    }

    /** An unquoted value: up to the line's end or a {@code #} after whitespace, trimmed. */
    String unquoted() {
      int start = at;
      while (!atLineEnd()) {
        if (peek() == '#' && at > start && Character.isWhitespace(text.charAt(at - 1))) {
          break;
        }
        at++;
      }
      return text.substring(start, at).strip();
    }
  }
}
