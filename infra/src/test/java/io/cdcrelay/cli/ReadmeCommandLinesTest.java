package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.tools.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code java … -jar infra/target/relay.jar …} command line of the README parses with the
 * CLI's own parser: an option renamed or removed in the code, or mistyped in the README, fails here
 * rather than in a user's shell.
 */
class ReadmeCommandLinesTest {

  private static final Pattern INVOCATION =
      Pattern.compile("java(?: -[^ `]+)* -jar infra/target/relay\\.jar ");

  @Test
  void everyCommandLineOfTheReadmeParses() throws IOException {
    String readme = Files.readString(Repository.root().resolve("README.md"));
    List<List<String>> commandLines = commandLines(readme);

    // More than a handful: a change of the pattern that finds none must not pass.
    assertThat(commandLines).hasSizeGreaterThan(30);
    List<String> refused = new ArrayList<>();
    for (List<String> args : commandLines) {
      try {
        new CommandLine(new RelayCli()).parseArgs(args.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        refused.add(String.join(" ", args) + "\n    " + e.getMessage());
      }
    }
    assertThat(refused).as("README command lines the CLI refuses").isEmpty();
  }

  @Test
  void anOptionTheCliDoesNotHaveIsFound() {
    List<List<String>> lines =
        commandLines(
            "Run `java -jar infra/target/relay.jar verify 'dynamodb://aws/t' TARGET --repiar` now.");

    assertThat(lines).containsExactly(List.of("verify", "dynamodb://aws/t", "TARGET", "--repiar"));
    assertThatThrownBy(
            () -> new CommandLine(new RelayCli()).parseArgs(lines.get(0).toArray(String[]::new)))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
  }

  @Test
  void wordsAreSplitAsAShellSplitsThemAndOptionalPartsAreTaken() {
    assertThat(
            commandLines(
                "x \"$(java -Xmx1g -jar infra/target/relay.jar sam-params 'a b?c=1&d') K=V\"\n"
                    + "java -jar infra/target/relay.jar status \"T\" [--json] … \\\n"
                    + "  --queue-url Q   # a comment\n"
                    + "`java -jar infra/target/relay.jar load x` (or `…`) | and | more"))
        .containsExactly(
            List.of("sam-params", "a b?c=1&d"),
            List.of("status", "T", "--json", "--queue-url", "Q"),
            List.of("load", "x"));
  }

  /**
   * The arguments after each invocation, split into words as a shell splits them (quotes, a
   * backslash before a line break), up to the end of the inline code or line, a comment, a pipe, a
   * {@code )} or a redirection; an optional part in brackets is taken with its brackets dropped,
   * and a lone ellipsis left out.
   */
  static List<List<String>> commandLines(String text) {
    List<List<String>> lines = new ArrayList<>();
    Matcher invocation = INVOCATION.matcher(text);
    while (invocation.find()) {
      List<String> words = words(text, invocation.end());
      // A lone ellipsis stands for more of what comes before it ("--dynamodb-table a …").
      words.removeIf("…"::equals);
      lines.add(words);
    }
    return lines;
  }

  private static List<String> words(String text, int from) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i++;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
        continue;
      }
      boolean end = c == '\n' || c == '`' || c == '#' || c == '|' || c == ')' || c == '>';
      if (end || c == ' ' || c == '[' || c == ']') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        if (end) {
          break;
        }
        continue;
      }
      word = word == null ? new StringBuilder() : word;
      word.append(c);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
