package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.upsert;

import io.cdcrelay.change.SourceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A stream of changes to a few items, delivered shuffled and partly duplicated in batches of random
 * size, with what the relay must count stale worked out apart from the relay: per batch, each
 * item's newest change is stale when an earlier batch already brought a newer change of the item;
 * the other changes of the item in the batch are coalesced, not stale; a change applied again (the
 * same change) is not stale.
 */
final class ShuffledReplay {

  /** One change: its item, whether it is a delete, and its order (time and position alike). */
  record Change(String item, boolean delete, int n) {}

  final List<List<Change>> batches = new ArrayList<>();
  final int stale;
  final int coalesced;

  /** The newest change of each item: what the table must hold in the end. */
  final Map<String, Change> newest = new HashMap<>();

  /**
   * @param seed the random seed: the same seed, the same replay
   * @param changes how many distinct changes the stream holds
   * @param items how many items they change
   */
  ShuffledReplay(long seed, int changes, int items) {
    Random random = new Random(seed);
    List<Change> delivered = new ArrayList<>();
    for (int n = 1; n <= changes; n++) {
      Change change = new Change("i" + random.nextInt(items), random.nextInt(4) == 0, n);
      delivered.add(change);
      newest.merge(change.item(), change, (a, b) -> a.n() > b.n() ? a : b);
      // A third of the changes is delivered twice, as a retried or replayed record is.
      if (random.nextInt(3) == 0) {
        delivered.add(change);
      }
    }
    Collections.shuffle(delivered, random);
    for (int from = 0; from < delivered.size(); ) {
      int size = 1 + random.nextInt(8);
      batches.add(List.copyOf(delivered.subList(from, Math.min(delivered.size(), from + size))));
      from += size;
    }
    int staleCount = 0;
    int coalescedCount = 0;
    Map<String, Integer> applied = new HashMap<>();
    for (List<Change> batch : batches) {
      Map<String, Integer> winners = new HashMap<>();
      for (Change change : batch) {
        winners.merge(change.item(), change.n(), Math::max);
      }
      coalescedCount += batch.size() - winners.size();
      for (Map.Entry<String, Integer> winner : winners.entrySet()) {
        Integer before = applied.get(winner.getKey());
        if (before != null && before > winner.getValue()) {
          staleCount++;
        }
        applied.merge(winner.getKey(), winner.getValue(), Math::max);
      }
    }
    this.stale = staleCount;
    this.coalesced = coalescedCount;
  }

  /** The batch as Kinesis records; change {@code n} is created at {@code base + n} seconds. */
  static List<SourceRecord> records(List<Change> batch, long baseMicros) {
    List<SourceRecord> records = new ArrayList<>(batch.size());
    for (Change change : batch) {
      long micros = baseMicros + change.n() * 1_000_000L;
      records.add(
          record(
              change.n(),
              change.delete()
                  ? remove(change.item(), micros)
                  : upsert(
                      "MODIFY", change.item(), micros, "\"n\":{\"N\":\"" + change.n() + "\"}")));
    }
    return records;
  }
}
