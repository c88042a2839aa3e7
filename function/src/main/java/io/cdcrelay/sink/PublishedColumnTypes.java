package io.cdcrelay.sink;

import io.cdcrelay.plan.ColumnTypes;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The column types of each target table as the writer of this JVM that last added sub-columns to it
 * knew them, with the count of this JVM's additions they include. A writer whose types are behind
 * that count takes them instead of reading the table's columns again: after the first writer of a
 * load into a fresh table adds the first page's sub-columns, the seven other segments each read
 * {@code information_schema.columns} (a query of 5–60 ms on CrateDB, on the way to their first
 * write) only to find the same columns. A column another process added meanwhile is found as
 * before: adding it is refused as present, and the writer reads the columns.
 */
final class PublishedColumnTypes {

  private record Entry(long additions, ColumnTypes types) {}

  // Keyed as the additions are: database and table.
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Publishes the types of {@code table} that include its first {@code additions} additions. */
  void publish(String table, long additions, ColumnTypes types) {
    ColumnTypes copy = types.copy();
    entries.merge(
        table,
        new Entry(additions, copy),
        (old, fresh) -> fresh.additions() >= old.additions() ? fresh : old);
  }

  /**
   * A copy of the published types of {@code table} when they include exactly {@code additions}
   * additions (the count now), else empty: the caller reads the columns.
   */
  Optional<ColumnTypes> current(String table, long additions) {
    Entry entry = entries.get(table);
    return entry != null && entry.additions() == additions
        ? Optional.of(entry.types().copy())
        : Optional.empty();
  }
}
