package io.cdcrelay.deadletter;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.route.Route;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.DeadLetterFilter;
import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.StoredDeadLetter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies dead letters again through the relay core, after their cause is fixed (a type conflict
 * resolved, a table map extended): each that lands is removed; each that fails again keeps its
 * place with its new stage and reason (the core stores it under the same key, so there is never a
 * second copy), or moves to the dead-letter table of the target it now reaches. A change older than
 * the target's purge horizon fails again as {@code too-old} unless the core is set to accept it.
 */
public final class DeadLetterReplay {

  private final DeadLetterStore store;
  private final Relay relay;
  private final TableRoutes routes;
  private final Clock clock;
  private final DynamoDbChangeDecoder kinesis = new DynamoDbChangeDecoder();
  private final DynamoDbChangeDecoder streams =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);

  /**
   * What a replay did.
   *
   * @param selected dead letters the filter took
   * @param applied applied and removed
   * @param failedAgain failed again, by new stage (kept where they were, or moved)
   * @param skipped not replayed: their DynamoDB table is not in the include list
   * @param failure why the replay stopped early (the database failed), if it did
   */
  public record Report(
      int selected,
      int applied,
      Map<String, Integer> failedAgain,
      int skipped,
      Optional<String> failure) {

    /** How many failed again, whatever the stage. */
    public int failedAgainTotal() {
      return failedAgain.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * @param store where the dead letters are
   * @param relay the core that applies them, configured as the relay that failed them (plus the
   *     fix)
   * @param routes the core's routes, to leave out the changes of tables it skips
   */
  public DeadLetterReplay(DeadLetterStore store, Relay relay, TableRoutes routes, Clock clock) {
    this.store = store;
    this.relay = relay;
    this.routes = routes;
    this.clock = clock;
  }

  /** Replays the dead letters the filter takes, per shard in order, {@code batchSize} at a time. */
  public Report replay(DeadLetterFilter filter, int batchSize) {
    List<StoredDeadLetter> letters = store.select(filter);
    // Everything stored from now on is a failure of this replay (CrateDB keeps milliseconds).
    Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Map<String, List<StoredDeadLetter>> byShard = new TreeMap<>();
    for (StoredDeadLetter letter : letters) {
      byShard.computeIfAbsent(letter.shardId(), s -> new ArrayList<>()).add(letter);
    }
    Tally tally = new Tally();
    for (List<StoredDeadLetter> shard : byShard.values()) {
      shard.sort(Comparator.comparing(StoredDeadLetter::sequenceNumber, SequenceNumbers.ORDER));
      for (int from = 0; from < shard.size(); from += batchSize) {
        Optional<String> failure =
            replayBatch(
                shard.subList(from, Math.min(shard.size(), from + batchSize)), started, tally);
        if (failure.isPresent()) {
          return tally.report(letters.size(), failure);
        }
      }
    }
    return tally.report(letters.size(), Optional.empty());
  }

  private Optional<String> replayBatch(List<StoredDeadLetter> batch, Instant started, Tally tally) {
    List<Decoded> records = new ArrayList<>(batch.size());
    List<StoredDeadLetter> replayed = new ArrayList<>(batch.size());
    for (StoredDeadLetter letter : batch) {
      Optional<DeadLetterStore.Stored> stored =
          store.read(letter.table(), letter.shardId(), letter.sequenceNumber());
      if (stored.isEmpty()) {
        continue; // Removed meanwhile (another replay, the retention).
      }
      SourceRecord record;
      try {
        record =
            new SourceRecord(
                letter.shardId(), letter.sequenceNumber(), stored.get().payload(), Instant.EPOCH);
      } catch (IllegalArgumentException e) {
        // Not a position the core can apply (a row written by hand, say): left as it is.
        tally.failedAgain.merge("not replayable, " + e.getMessage(), 1, Integer::sum);
        continue;
      }
      // Decoded in the format it came in: a DynamoDB Streams record read as Kinesis's would have
      // no table and a creation time a thousand times too small.
      Decoded decoded =
          (DynamoDbChangeDecoder.isDynamoDbStreamsRecord(record.data()) ? streams : kinesis)
              .decode(record);
      if (decoded instanceof Decoded.Ok ok
          && routes.route(ok.change().tableName()) instanceof Route.Skip) {
        tally.skipped++;
        continue;
      }
      records.add(decoded);
      replayed.add(letter);
    }
    if (records.isEmpty()) {
      return Optional.empty();
    }
    BatchResult result = relay.applyDecoded(records);
    if (!result.succeeded()) {
      return Optional.of(result.failure().orElse("the batch failed"));
    }
    int kept = 0;
    int removed = 0;
    for (StoredDeadLetter letter : replayed) {
      Optional<DeadLetterStore.Stored> now =
          store.read(letter.table(), letter.shardId(), letter.sequenceNumber());
      if (now.isPresent() && !now.get().failedAt().isBefore(started)) {
        // Failed again and stored in the same place, with its new reason.
        kept++;
        tally.failedAgain.merge(now.get().stage(), 1, Integer::sum);
      } else if (now.isPresent()) {
        // Applied, or failed again into another dead-letter table: either way not here anymore.
        store.delete(letter.table(), letter.shardId(), letter.sequenceNumber());
        removed++;
      } else {
        removed++;
      }
    }
    int moved = Math.max(0, result.deadLettered() - kept);
    if (moved > 0) {
      tally.failedAgain.merge("moved to another dead-letter table", moved, Integer::sum);
    }
    tally.applied += Math.max(0, removed - moved);
    return Optional.empty();
  }

  private static final class Tally {
    int applied;
    int skipped;
    final Map<String, Integer> failedAgain = new TreeMap<>();

    Report report(int selected, Optional<String> failure) {
      return new Report(selected, applied, Map.copyOf(failedAgain), skipped, failure);
    }
  }
}
