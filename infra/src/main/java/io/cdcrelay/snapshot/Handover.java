package io.cdcrelay.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a stream can take over from a snapshot of its table: the stream must still hold every
 * change made since the snapshot's point in time until the relay has read it. For a Scan, its
 * retention must exceed the snapshot's projected duration (with a margin); for an export to S3, a
 * point in the past, the changes since the export time must not have begun to expire, and the
 * stream must have existed at that time. Pure: from the stream's retention and creation time, the
 * table's description or the export's time, and the time now.
 */
public final class Handover {

  /** A full load's speed when it is not paced: measured on dynalite, lower than on DynamoDB. */
  public static final int UNPACED_ITEMS_PER_SECOND = 1000;

  /** The margin of the projection. */
  public static final double MARGIN = 2.0;

  /**
   * How long before they expire the changes since an export's time must still be in the stream: the
   * time the relay has to read through them (from its checkpoints or the stream's start) while the
   * export is loaded beside it.
   */
  public static final Duration EXPORT_MARGIN = Duration.ofHours(1);

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

  /**
   * Why a DynamoDB stream cannot take over from a snapshot of another table: the stream of table
   * {@code streamed} (its name or ARN, as its URL names it) carries none of the snapshot's changes,
   * and each of its own would reach a target table bound to the snapshot's table.
   *
   * @param snapshotName the snapshot's table name
   * @param snapshotArn its ARN, or {@code null} when not known
   */
  public static Optional<String> otherTable(
      String streamed, String snapshotName, String snapshotArn) {
    String name =
        streamed.contains(":table/") ? streamed.substring(streamed.lastIndexOf('/') + 1) : streamed;
    boolean same =
        streamed.contains(":table/") && snapshotArn != null
            ? streamed.equals(snapshotArn)
            : name.equals(snapshotName);
    if (same) {
      return Optional.empty();
    }
    return Optional.of(
        "the stream is that of DynamoDB table "
            + streamed
            + ", the snapshot reads table "
            + snapshotName
            + ": a handover loads the stream's own table (--snapshot dynamodb://…/"
            + name
            + ")");
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

  /**
   * Why the stream cannot take over from an export showing the table at {@code exportTime}, if it
   * cannot: its rows are dated {@code exportTime - clockSkew}, so the stream must still hold every
   * change made since then, with {@link #EXPORT_MARGIN} to spare before the oldest of them expires,
   * and it must have existed by then: the changes made before it was created were never streamed. A
   * creation time that could not be read ({@code streamCreated} empty) is not checked. One
   * sentence.
   */
  public static Optional<String> exportRefusal(
      String stream,
      Duration retention,
      Optional<Instant> streamCreated,
      String export,
      Instant exportTime,
      Duration clockSkew,
      Instant now) {
    Instant since = exportTime.minus(clockSkew);
    Instant oldestKept = now.minus(retention).plus(EXPORT_MARGIN);
    if (!since.isBefore(oldestKept)) {
      return streamCreated
          .filter(created -> created.isAfter(since))
          .map(
              created ->
                  String.format(
                      Locale.ROOT,
                      "the export %s shows the table at %s, but the stream %s was created at %s,"
                          + " after %s (the export time less %s): the changes made in between"
                          + " were never streamed, so take a new export"
                          + " (ExportTableToPointInTime), or load the table with --snapshot"
                          + " 'dynamodb://…'",
                      export,
                      exportTime.truncatedTo(ChronoUnit.SECONDS),
                      stream,
                      created.truncatedTo(ChronoUnit.SECONDS),
                      since.truncatedTo(ChronoUnit.SECONDS),
                      SnapshotSettings.CLOCK_SKEW));
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the export %s shows the table at %s, but the stream %s keeps records %d hours: the"
                + " changes made since %s (the export time less %s) must still be in the stream,"
                + " with %s to spare for the relay to read them, so the export must be younger"
                + " than %s: take a new export (ExportTableToPointInTime), or load the table with"
                + " --snapshot 'dynamodb://…'",
            export,
            exportTime.truncatedTo(ChronoUnit.SECONDS),
            stream,
            retention.toHours(),
            since.truncatedTo(ChronoUnit.SECONDS),
            SnapshotSettings.CLOCK_SKEW,
            SnapshotProgress.duration(EXPORT_MARGIN.toSeconds()),
            SnapshotProgress.duration(
                retention.minus(EXPORT_MARGIN).minus(clockSkew).toSeconds())));
  }
}
