package io.cdcrelay.snapshot;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.sink.TableOptions;
import io.cdcrelay.source.DynamoDbTableUrl;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a full load, beyond the relay's own: the table URL and its options, whether to
 * start over, how long failing reads and writes are retried, the clock-skew margin of the snapshot
 * version, the clauses of a table the load creates, and how many bytes of items a write carries.
 *
 * @param source the table and how to read it
 * @param restart whether to start every segment over, ignoring the cursors of an earlier run
 * @param giveUpAfter how long a failing read or write is retried before the load fails
 * @param clockSkew how far before the scan's start its rows are dated ({@code CRATEDB_CLOCK_SKEW})
 * @param tableOptions CrateDB clauses for a target table the load creates
 * @param writeBytes the most bytes of items read a write statement carries (a page more when one
 *     page alone is larger); the load holds up to five writes' worth read and not written
 */
public record SnapshotSettings(
    DynamoDbTableUrl source,
    boolean restart,
    Duration giveUpAfter,
    Duration clockSkew,
    Optional<String> tableOptions,
    long writeBytes) {

  public static final String CLOCK_SKEW = "CRATEDB_CLOCK_SKEW";
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(5);

  /** The least clock skew: a second, the precision of DynamoDB Streams' creation times. */
  public static final Duration MIN_CLOCK_SKEW = Duration.ofSeconds(1);

  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(5);

  /** The most bytes a write carries, whatever the heap: 16 MB. */
  static final long MAX_WRITE_BYTES = 16L << 20;

  /** The least bytes a write carries, whatever the heap: 1 MB, a Scan page at its largest. */
  static final long MIN_WRITE_BYTES = 1L << 20;

  public SnapshotSettings {
    Objects.requireNonNull(source, "source");
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("--give-up-after=" + giveUpAfter + " is negative");
    }
    requireClockSkewInRange(clockSkew.toString(), clockSkew);
    if (writeBytes < 1) {
      throw new IllegalArgumentException("a write carries at least one byte: " + writeBytes);
    }
  }

  /**
   * The bytes a write carries with a heap of {@code maxHeap} bytes: a 32nd of it, from {@link
   * #MIN_WRITE_BYTES} to {@link #MAX_WRITE_BYTES}. The items a write carries are in the heap about
   * three times over while it is written (read, as row JSON, as the statement's bytes), and up to
   * five writes' worth is held: a 512 MB heap loads a table of 300 KB items.
   */
  public static long writeBytes(long maxHeap) {
    return Math.max(MIN_WRITE_BYTES, Math.min(MAX_WRITE_BYTES, maxHeap / 32));
  }

  /** These settings with writes of at most {@code bytes} bytes of items. */
  SnapshotSettings withWriteBytes(long bytes) {
    return new SnapshotSettings(source, restart, giveUpAfter, clockSkew, tableOptions, bytes);
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
    return new SnapshotSettings(
        source,
        restart,
        giveUpAfter(giveUpAfter),
        clockSkew(env),
        tableOptions(tableOptions, env),
        writeBytes(Runtime.getRuntime().maxMemory()));
  }

  /** {@code --give-up-after} as given ({@code null}: the default), validated. */
  public static Duration giveUpAfter(String text) {
    if (text == null) {
      return DEFAULT_GIVE_UP_AFTER;
    }
    Duration giveUp = FunctionConfig.parseDuration("--give-up-after", text);
    if (giveUp.isNegative()) {
      throw new IllegalArgumentException("--give-up-after=" + text + " is negative");
    }
    return giveUp;
  }

  /** {@value #CLOCK_SKEW} from the environment (unset: the default), validated. */
  static Duration clockSkew(Map<String, String> env) {
    String text = env.get(CLOCK_SKEW);
    if (text == null || text.isBlank()) {
      return DEFAULT_CLOCK_SKEW;
    }
    Duration skew = FunctionConfig.parseDuration(CLOCK_SKEW, text);
    requireClockSkewInRange(text, skew);
    return skew;
  }

  /**
   * Refuses a clock skew below {@link #MIN_CLOCK_SKEW} or above an hour. DynamoDB Streams dates a
   * change by its whole second, rounded down ({@code ChangeVersion.ofDynamoDbStreams}): with a skew
   * under a second, a change made within the second after the read began would sort below the row
   * read before it, and be lost.
   */
  private static void requireClockSkewInRange(String text, Duration skew) {
    if (skew.compareTo(MIN_CLOCK_SKEW) < 0 || skew.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          CLOCK_SKEW
              + "="
              + text
              + " is out of range: 1s to 1 hour (at least a second, as DynamoDB Streams dates a"
              + " change by its whole second)");
    }
  }

  /** {@code --table-options} as given, else {@value TableOptions#VARIABLE}, validated. */
  static Optional<String> tableOptions(String given, Map<String, String> env) {
    return given != null
        ? TableOptions.parse("--table-options", given)
        : TableOptions.parse(TableOptions.VARIABLE, env.get(TableOptions.VARIABLE));
  }
}
