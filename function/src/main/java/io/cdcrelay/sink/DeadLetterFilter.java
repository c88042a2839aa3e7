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
 */
public record DeadLetterFilter(
    Set<String> stages, Optional<Instant> since, Optional<String> table) {

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

  /** Every dead letter. */
  public static DeadLetterFilter all() {
    return new DeadLetterFilter(Set.of(), Optional.empty(), Optional.empty());
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
    if (table.isEmpty()) {
      return true;
    }
    String wanted = table.get();
    if (wanted.equals(NO_TABLE)) {
      return target.isEmpty();
    }
    if (target.isEmpty()) {
      return false;
    }
    String qualified = wanted.contains(".") ? wanted : defaultSchema + "." + wanted;
    return target.get().toString().equals(qualified);
  }
}
