package io.cdcrelay.plan;

import io.cdcrelay.change.Change;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.SequenceNumbers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One row to write: the newest change of one item in a batch, mapped onto the table's columns.
 *
 * @param pkJson the {@code pk} object
 * @param version the version of the winning change; the database keeps the newest
 * @param deleted whether the row is a tombstone (the item was removed)
 * @param dataJson the {@code data} object; {@code null} for a tombstone
 * @param auxJson the {@code aux} object; {@code null} for a tombstone
 * @param inAux the attributes placed in {@code aux}
 * @param winner the change this row carries
 * @param sequenceNumbers the records of the batch coalesced into this row, the winner's among them
 * @param expiredAt when the item expired by time to live, for a row kept and marked
 * @param newColumns the sub-columns of {@code data} this row holds that the table lacked when it
 *     was planned, with their planned types: the writer creates them before writing the row
 */
public record PlannedRow(
    String pkJson,
    ChangeVersion version,
    boolean deleted,
    String dataJson,
    String auxJson,
    Set<String> inAux,
    Change winner,
    List<String> sequenceNumbers,
    Optional<Instant> expiredAt,
    Map<List<String>, ColumnType> newColumns) {

  public PlannedRow {
    sequenceNumbers = List.copyOf(sequenceNumbers);
  }

  /** The item image the row was mapped from: the old image for a row kept after an expiry. */
  public java.util.Map<String, io.cdcrelay.change.AttributeValue> image() {
    return expiredAt.isPresent() ? winner.oldImage() : winner.newImage();
  }

  /** The lowest sequence number among the row's records: the batch is unapplied from there. */
  public String firstSequenceNumber() {
    // A loop, not a stream: the planner's sort calls this twice per comparison.
    String first = sequenceNumbers.get(0);
    for (int i = 1; i < sequenceNumbers.size(); i++) {
      String next = sequenceNumbers.get(i);
      if (SequenceNumbers.ORDER.compare(next, first) < 0) {
        first = next;
      }
    }
    return first;
  }
}
