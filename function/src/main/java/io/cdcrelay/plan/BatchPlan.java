package io.cdcrelay.plan;

import io.cdcrelay.change.DeadLetter;
import java.util.List;

/**
 * A batch reduced to the rows to write and the records to set aside.
 *
 * @param rows one row per item, its newest change
 * @param deadLetters records that cannot be applied
 * @param coalesced how many changes were superseded by a newer change of the same item
 */
public record BatchPlan(List<PlannedRow> rows, List<DeadLetter> deadLetters, int coalesced) {
  public BatchPlan {
    rows = List.copyOf(rows);
    deadLetters = List.copyOf(deadLetters);
  }
}
