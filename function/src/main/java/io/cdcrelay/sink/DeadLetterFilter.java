package io.cdcrelay.sink;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters an operator means: by stage, by the time they (last) failed, by target table.
 *
 * @param stages the stages to take; empty for all
 * @param since only dead letters that failed at or after this time
 * @param table only the dead letters of this target table; {@link #NO_TABLE} for those that reached
 *     no table (the state schema's)
 * @param scope the one target table the target URL names, if it names one: only its dead letters
 *     and those that reached no table, since a replay routes every letter into that table
 */
public record DeadLetterFilter(
    Set<String> stages, Optional<Instant> since, Optional<String> table, Optional<String> scope) {

  /** The stages the relay sets aside records at. */
  public static final List<String> STAGES = List.of("decode", "route", "plan", "too-old", "write");

  /** The table filter of the dead letters that reached no target table. */
  public static final String NO_TABLE = "-";

  public DeadLetterFilter {
    stages = Set.copyOf(stages);
    for (String stage : stages) {
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException(
            "--stage " + stage + " is not a stage; the stages are " + String.join(", ", STAGES));
      }
    }
  }

  /** A filter of no scope. */
  public DeadLetterFilter(Set<String> stages, Optional<Instant> since, Optional<String> table) {
    this(stages, since, table, Optional.empty());
  }

  /** Every dead letter. */
  public static DeadLetterFilter all() {
    return new DeadLetterFilter(Set.of(), Optional.empty(), Optional.empty());
  }

  /** This filter within the one target table {@code [SCHEMA.]TABLE}. */
  public DeadLetterFilter within(String targetTable) {
    return new DeadLetterFilter(stages, since, table, Optional.of(targetTable));
  }

  /** Whether nothing narrows it down. */
  public boolean isEverything() {
    return stages.isEmpty() && since.isEmpty() && table.isEmpty();
  }

  /**
   * Whether the dead letters of a target table pass the table filter.
   *
   * @param target the target table, empty for the state schema's dead letters
   * @param defaultSchema the schema a table filter without one means
   */
  public boolean takes(Optional<TableName> target, String defaultSchema) {
    if (scope.isPresent()
        && target.isPresent()
        && !names(scope.get(), target.get(), defaultSchema)) {
      return false;
    }
    if (table.isEmpty()) {
      return true;
    }
    String wanted = table.get();
    if (wanted.equals(NO_TABLE)) {
      return target.isEmpty();
    }
    return target.isPresent() && names(wanted, target.get(), defaultSchema);
  }

  private static boolean names(String wanted, TableName target, String defaultSchema) {
    String qualified = wanted.contains(".") ? wanted : defaultSchema + "." + wanted;
    return target.toString().equals(qualified);
  }
}
