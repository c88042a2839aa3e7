package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.deadletter.DeadLetterSummary;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.StoredDeadLetter;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relay dead-letters list TARGET [--json]}: counts by table, stage and reason. Only reads:
 * it creates no table and removes no dead letter, so {@code SELECT} on the dead-letter tables is
 * all a user needs.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Counts the dead letters by target table, stage and reason, the group that failed last"
            + " first. Only reads.")
final class ListDeadLettersCommand implements Callable<Integer> {

  private static final int REASON_WIDTH = 160;

  /** How much of a long reason's end {@link #shortened} keeps: where a reason says what to do. */
  private static final int REASON_TAIL = 72;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DeadLetterOptions options;

  @Option(names = "--json", description = "One JSON array of the groups")
  boolean json;

  private final Map<String, String> processEnvironment;

  ListDeadLettersCommand() {
    this(ProcessEnvironment.get());
  }

  ListDeadLettersCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return options.run(
        processEnvironment,
        out,
        err,
        true,
        session -> {
          List<StoredDeadLetter> letters = session.store().select(session.filter());
          out.println(
              json ? toJson(DeadLetterSummary.of(letters)) : toText(DeadLetterSummary.of(letters)));
          out.flush();
          pastRetention(letters, session).ifPresent(err::println);
          err.flush();
          return 0;
        },
        sentence -> {
          // No database, no dead letters: the JSON stays an array, the sentence goes aside.
          if (json) {
            out.println("[]");
            out.flush();
            err.println(sentence);
            err.flush();
          } else {
            out.println(sentence);
            out.flush();
          }
        });
  }

  /**
   * What the list holds past the retention {@code CRATEDB_DEAD_LETTER_RETENTION} gives, which list
   * does not remove, as it only reads; empty when it gives none or none is past it.
   */
  private Optional<String> pastRetention(
      List<StoredDeadLetter> letters, DeadLetterOptions.Session session) {
    Optional<Duration> retention =
        DeadLetterOptions.retention(processEnvironment, session.config());
    if (retention.isEmpty()) {
      return Optional.empty();
    }
    Instant before = session.clock().instant().minus(retention.get());
    long past = letters.stream().filter(letter -> letter.failedAt().isBefore(before)).count();
    if (past == 0) {
      return Optional.empty();
    }
    return Optional.of(
        past
            + " of these dead letters are older than the retention ("
            + FunctionConfig.DEAD_LETTER_RETENTION
            + "="
            + processEnvironment.get(FunctionConfig.DEAD_LETTER_RETENTION).trim()
            + "): list only reads and keeps them; replay or discard removes them first, a running"
            + " relay within the hour");
  }

  static String toJson(List<DeadLetterSummary> groups) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (DeadLetterSummary group : groups) {
      ObjectNode node = array.addObject();
      node.put("table", group.table());
      node.put("stage", group.stage());
      node.put("reason", group.reason());
      node.put("count", group.count());
      node.put("newest", group.newest().toString());
      node.put("oldest", group.oldest().toString());
    }
    return array.toString();
  }

  static String toText(List<DeadLetterSummary> groups) {
    if (groups.isEmpty()) {
      return "no dead letters";
    }
    int tableWidth = "TABLE".length();
    int stageWidth = "STAGE".length();
    // An instant prints with as many fraction digits as it has: PostgreSQL keeps microseconds.
    int newestWidth = "NEWEST".length();
    int total = 0;
    for (DeadLetterSummary group : groups) {
      tableWidth = Math.max(tableWidth, group.table().length());
      stageWidth = Math.max(stageWidth, group.stage().length());
      newestWidth = Math.max(newestWidth, group.newest().toString().length());
      total += group.count();
    }
    String format =
        "%-" + tableWidth + "s  %-" + stageWidth + "s  %7s  %-" + newestWidth + "s  %s%n";
    StringBuilder text = new StringBuilder();
    text.append(String.format(format, "TABLE", "STAGE", "COUNT", "NEWEST", "REASON"));
    for (DeadLetterSummary group : groups) {
      String reason = shortened(group.reason());
      text.append(
          String.format(
              format,
              group.table(),
              group.stage(),
              group.count(),
              group.newest().toString(),
              reason));
    }
    text.append(total)
        .append(total == 1 ? " dead letter in " : " dead letters in ")
        .append(groups.size())
        .append(groups.size() == 1 ? " group" : " groups");
    return text.toString();
  }

  /**
   * A reason longer than the column, cut in its middle at word boundaries: its beginning says what
   * failed and its end, most often, what to do about it ({@code --json} prints it whole).
   */
  static String shortened(String reason) {
    if (reason.length() <= REASON_WIDTH) {
      return reason;
    }
    int headEnd = reason.lastIndexOf(' ', REASON_WIDTH - REASON_TAIL);
    int tailStart = reason.indexOf(' ', reason.length() - REASON_TAIL);
    if (headEnd <= 0) {
      headEnd = REASON_WIDTH - REASON_TAIL;
    }
    if (tailStart < 0 || tailStart <= headEnd) {
      tailStart = reason.length() - REASON_TAIL;
    }
    return reason.substring(0, headEnd) + " … " + reason.substring(tailStart).strip();
  }
}
