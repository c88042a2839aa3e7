package io.cdcrelay.deadletter;

import io.cdcrelay.sink.StoredDeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Dead letters counted by target table, stage and reason, for {@code relay dead-letters list}.
 * Times and long numbers in a reason are written {@code …}, so that reasons that differ only in
 * them (the creation time of a {@code too-old} change, say) count together.
 *
 * @param table the target table, {@code -} for none
 * @param stage where they failed
 * @param reason why, with times and long numbers left out
 * @param count how many
 * @param newest when the last of them failed
 * @param oldest when the first of them failed
 */
public record DeadLetterSummary(
    String table, String stage, String reason, int count, Instant newest, Instant oldest) {

  private static final Pattern TIME =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?");
  private static final Pattern LONG_NUMBER = Pattern.compile("\\d{4,}");

  /** The groups of the dead letters, the group that failed last first. */
  public static List<DeadLetterSummary> of(List<StoredDeadLetter> letters) {
    Map<List<String>, DeadLetterSummary> groups = new LinkedHashMap<>();
    for (StoredDeadLetter letter : letters) {
      String reason = generalize(letter.reason());
      List<String> key = List.of(letter.targetName(), letter.stage(), reason);
      DeadLetterSummary known = groups.get(key);
      groups.put(
          key,
          known == null
              ? new DeadLetterSummary(
                  letter.targetName(),
                  letter.stage(),
                  reason,
                  1,
                  letter.failedAt(),
                  letter.failedAt())
              : new DeadLetterSummary(
                  known.table,
                  known.stage,
                  known.reason,
                  known.count + 1,
                  max(known.newest, letter.failedAt()),
                  min(known.oldest, letter.failedAt())));
    }
    List<DeadLetterSummary> summaries = new ArrayList<>(groups.values());
    summaries.sort(
        Comparator.comparing(DeadLetterSummary::newest)
            .reversed()
            .thenComparing(DeadLetterSummary::table)
            .thenComparing(DeadLetterSummary::stage));
    return summaries;
  }

  /** The reason with times and numbers of four digits or more written {@code …}. */
  static String generalize(String reason) {
    if (reason == null) {
      return "";
    }
    return LONG_NUMBER.matcher(TIME.matcher(reason).replaceAll("…")).replaceAll("…");
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
