package io.cdcrelay.sink;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the row counts of writes that each write exactly one row (every statement the relay batches
 * is an upsert of one row): anything but 1 is a failure of that row. The stock PostgreSQL driver
 * reports a row CrateDB dropped silently (a mixed-type array) as 0, crate-jdbc as -3.
 */
final class RowCounts {

  private RowCounts() {}

  /** The outcome of a bulk write, one entry per row, {@code null} where the row was written. */
  static Target.RowResults check(int[] counts) {
    List<String> errors = new ArrayList<>(counts.length);
    for (int count : counts) {
      errors.add(error(count));
    }
    return new Target.RowResults(errors, null);
  }

  /** {@code null} for a count of 1, else what the count says went wrong. */
  static String error(int count) {
    if (count == 1) {
      return null;
    }
    return count == Statement.EXECUTE_FAILED
        ? "the database reported the row as failed"
        : "the database wrote " + count + " rows where 1 was expected (a row it dropped silently)";
  }
}
