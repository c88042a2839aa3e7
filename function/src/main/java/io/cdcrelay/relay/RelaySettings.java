package io.cdcrelay.relay;

import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the core applies changes: where they go, what a delete does, where the relay keeps its own
 * state, and how long tombstones are kept.
 *
 * @param routes DynamoDB table → target table
 * @param deletes what a REMOVE does
 * @param ttl what an expiry by DynamoDB's time to live does
 * @param stateSchema the schema of the relay's own tables, or {@code null} for the target URL's
 *     schema, else the database's default
 * @param tombstoneRetention how long the key and version of a deleted item are kept: longer than
 *     any change can still arrive (the stream's retention plus a margin)
 * @param acceptTooOld whether changes older than the last purge are applied anyway (forced)
 */
public record RelaySettings(
    TableRoutes routes,
    DeleteMode deletes,
    TtlPolicy ttl,
    String stateSchema,
    Duration tombstoneRetention,
    boolean acceptTooOld) {

  /** Kinesis keeps records 24 hours by default, 7 days extended; a day more covers clock skew. */
  public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(8);

  public RelaySettings {
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(deletes, "deletes");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
    if (tombstoneRetention.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException(
          "CRATEDB_TOMBSTONE_RETENTION=" + tombstoneRetention + " is shorter than one hour");
    }
  }

  /** The defaults for a URL naming one table: hard deletes, TTL expiries like deletes. */
  public static RelaySettings single(String schema, String table) {
    return new RelaySettings(
        TableRoutes.single(schema, table),
        DeleteMode.HARD,
        TtlPolicy.SAME,
        null,
        DEFAULT_TOMBSTONE_RETENTION,
        false);
  }

  /** The same settings with another delete mode. */
  public RelaySettings withDeletes(DeleteMode mode) {
    return new RelaySettings(routes, mode, ttl, stateSchema, tombstoneRetention, acceptTooOld);
  }

  /** The same settings with another TTL policy. */
  public RelaySettings withTtl(TtlPolicy policy) {
    return new RelaySettings(
        routes, deletes, policy, stateSchema, tombstoneRetention, acceptTooOld);
  }
}
