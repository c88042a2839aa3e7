package io.cdcrelay.snapshot;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a stream can take over from a snapshot of its table: the stream must still hold, when the
 * snapshot ends, every change made since the snapshot began — so its retention must exceed the
 * snapshot's projected duration (with a margin). Pure: from the stream's retention and the table's
 * description.
 */
public final class Handover {

  /** A full load's speed when it is not paced: measured on dynalite, lower than on DynamoDB. */
  public static final int UNPACED_ITEMS_PER_SECOND = 1000;

  /** The margin of the projection. */
  public static final double MARGIN = 2.0;

  private Handover() {}

  /**
   * The time a full load of the table is projected to take: by the read-capacity budget (an
   * eventually consistent read costs half a unit per 4 KB, a consistent one a whole unit), and by
   * its speed when unpaced, whichever is longer.
   */
  public static Duration projected(TableDescription table, OptionalInt rcu, boolean consistent) {
    double seconds = table.itemCount() / (double) UNPACED_ITEMS_PER_SECOND;
    if (rcu.isPresent()) {
      double units = Math.ceil(table.sizeBytes() / 4096.0) * (consistent ? 1.0 : 0.5);
      seconds = Math.max(seconds, units / rcu.getAsInt());
    }
    return Duration.ofMillis((long) Math.ceil(seconds * 1000));
  }

  /** Why the stream cannot take over, if it cannot: one sentence. */
  public static Optional<String> refusal(
      String stream,
      Duration retention,
      TableDescription table,
      OptionalInt rcu,
      boolean consistent) {
    Duration projected = projected(table, rcu, consistent);
    Duration needed = Duration.ofMillis((long) (projected.toMillis() * MARGIN));
    if (needed.compareTo(retention) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the stream %s keeps records %d hours, but loading %s (~%d items, %d bytes%s) is"
                + " projected to take %s (twice that with the margin): raise the stream's retention"
                + " (IncreaseStreamRetentionPeriod) or the rcu budget",
            stream,
            retention.toHours(),
            table.name(),
            table.itemCount(),
            table.sizeBytes(),
            rcu.isPresent() ? ", rcu=" + rcu.getAsInt() : "",
            SnapshotProgress.duration(projected.toSeconds())));
  }
}
