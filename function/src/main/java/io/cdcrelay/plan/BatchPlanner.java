package io.cdcrelay.plan;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.Change;
import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.Operation;
import io.cdcrelay.change.SequenceNumbers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reduces a batch of decoded records to one row per item: the item's newest change (by {@code
 * ApproximateCreationDateTime}, then sequence number), mapped onto the table's columns.
 */
public final class BatchPlanner {

  private final ItemMapper mapper;
  private final boolean markExpiries;

  /**
   * @param markExpiries whether an expiry by time to live keeps the item's row as it was before,
   *     marked with the expiry time (policy {@code mark}), instead of removing it
   */
  public BatchPlanner(ItemMapper mapper, boolean markExpiries) {
    this.mapper = mapper;
    this.markExpiries = markExpiries;
  }

  public BatchPlanner(ItemMapper mapper) {
    this(mapper, false);
  }

  /**
   * Plans a batch.
   *
   * @param decoded the batch's records, decoded, in stream order
   * @param keys the table's primary key; {@code null} when no record of the batch has usable keys
   * @param types the target's known column types (extended by this plan); {@code null} where the
   *     target has no type drift
   */
  public BatchPlan plan(List<Decoded> decoded, KeySchema keys, ColumnTypes types) {
    List<DeadLetter> deadLetters = new ArrayList<>();
    Map<String, List<Change>> byItem = new LinkedHashMap<>();
    for (Decoded record : decoded) {
      if (record instanceof Decoded.Poison poison) {
        deadLetters.add(new DeadLetter(poison.source(), "decode", poison.reason()));
        continue;
      }
      Change change = ((Decoded.Ok) record).change();
      String pk;
      try {
        pk =
            keys == null
                ? KeySchema.fromKeys(change.keys()).toJson(change.keys())
                : keys.toJson(change.keys());
      } catch (IllegalArgumentException e) {
        deadLetters.add(new DeadLetter(change.source(), "plan", e.getMessage()));
        continue;
      }
      byItem.computeIfAbsent(pk, k -> new ArrayList<>()).add(change);
    }
    List<PlannedRow> rows = new ArrayList<>(byItem.size());
    int coalesced = 0;
    for (Map.Entry<String, List<Change>> item : byItem.entrySet()) {
      List<Change> changes = item.getValue();
      Change winner = changes.get(0);
      List<String> sequenceNumbers = new ArrayList<>(changes.size());
      for (Change change : changes) {
        if (change.isNewerThan(winner)) {
          winner = change;
        }
        sequenceNumbers.add(change.source().sequenceNumber());
      }
      coalesced += changes.size() - 1;
      rows.add(row(item.getKey(), winner, sequenceNumbers, keys, types, Set.of(), false));
    }
    rows.sort(Comparator.comparing(PlannedRow::firstSequenceNumber, SequenceNumbers.ORDER));
    return new BatchPlan(rows, deadLetters, coalesced);
  }

  /**
   * Plans {@code row} again after the database rejected it: the named attributes, or all of them,
   * go to {@code aux}.
   */
  public PlannedRow reroute(
      PlannedRow row, KeySchema keys, ColumnTypes types, Set<String> toAux, boolean allToAux) {
    return row(row.pkJson(), row.winner(), row.sequenceNumbers(), keys, types, toAux, allToAux);
  }

  private PlannedRow row(
      String pk,
      Change winner,
      List<String> sequenceNumbers,
      KeySchema keys,
      ColumnTypes types,
      Set<String> toAux,
      boolean allToAux) {
    Optional<Instant> expiredAt = Optional.empty();
    Map<String, AttributeValue> image = winner.newImage();
    if (winner.operation() == Operation.REMOVE) {
      if (!(markExpiries && winner.ttlDeletion() && !winner.oldImage().isEmpty())) {
        return new PlannedRow(
            pk,
            winner.version(),
            true,
            null,
            null,
            Set.of(),
            winner,
            sequenceNumbers,
            Optional.empty(),
            Map.of());
      }
      image = winner.oldImage();
      expiredAt = Optional.of(winner.createdAt());
    }
    ItemMapper.Mapped mapped = mapper.map(image, keys, types, toAux, allToAux);
    return new PlannedRow(
        pk,
        winner.version(),
        false,
        mapped.dataJson(),
        mapped.auxJson(),
        mapped.inAux(),
        winner,
        sequenceNumbers,
        expiredAt,
        mapped.newColumns());
  }
}
