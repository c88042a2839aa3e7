package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.source.DynamoDbTableUrl;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a full load, beyond the relay's own: the table URL and its options, whether to
 * start over, how long failing reads and writes are retried, the clock-skew margin of the snapshot
 * version, and the clauses of a table the load creates.
 *
 * @param source the table and how to read it
 * @param restart whether to start every segment over, ignoring the cursors of an earlier run
 * @param giveUpAfter how long a failing read or write is retried before the load fails
 * @param clockSkew how far before the scan's start its rows are dated ({@code CRATEDB_CLOCK_SKEW})
 * @param tableOptions CrateDB clauses for a target table the load creates
 */
public record SnapshotSettings(
    DynamoDbTableUrl source,
    boolean restart,
    Duration giveUpAfter,
    Duration clockSkew,
    Optional<String> tableOptions) {

  public static final String CLOCK_SKEW = "CRATEDB_CLOCK_SKEW";
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(5);
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(5);

  public SnapshotSettings {
    Objects.requireNonNull(source, "source");
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("--give-up-after=" + giveUpAfter + " is negative");
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          CLOCK_SKEW + "=" + clockSkew + " is out of range: 0 to 1 hour");
    }
  }

  /**
   * Reads the settings: options given on the command line ({@code null} if not) over the
   * environment.
   */
  public static SnapshotSettings of(
      DynamoDbTableUrl source,
      boolean restart,
      String giveUpAfter,
      String tableOptions,
      Map<String, String> env) {
    Duration giveUp =
        giveUpAfter == null
            ? DEFAULT_GIVE_UP_AFTER
            : FunctionConfig.parseDuration("--give-up-after", giveUpAfter);
    String skewText = env.get(CLOCK_SKEW);
    Duration skew =
        skewText == null || skewText.isBlank()
            ? DEFAULT_CLOCK_SKEW
            : FunctionConfig.parseDuration(CLOCK_SKEW, skewText);
    Optional<String> clauses =
        tableOptions != null
            ? TableOptions.parse("--table-options", tableOptions)
            : TableOptions.parse(TableOptions.VARIABLE, env.get(TableOptions.VARIABLE));
    return new SnapshotSettings(source, restart, giveUp, skew, clauses);
  }
}
