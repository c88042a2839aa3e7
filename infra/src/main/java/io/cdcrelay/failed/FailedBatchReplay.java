package io.cdcrelay.failed;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Replays the batches an event source mapping gave up on: reads each on-failure message, reads its
 * range back from the stream, applies it through the relay core, and deletes the message once the
 * range is applied. What the stream no longer holds is reported by range, and its message kept
 * (unless told to discard it), so that nothing is forgotten silently.
 */
public final class FailedBatchReplay {

  private final FailedBatchQueue queue;
  private final Function<FailedBatch, StreamRanges> ranges;
  private final Relay relay;
  private final int batchSize;
  private final boolean discardMissing;
  private final DynamoDbChangeDecoder kinesis = new DynamoDbChangeDecoder();
  private final DynamoDbChangeDecoder streams =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);

  /** What a run did. */
  public record Summary(int applied, int missing, int unreadable, boolean failed) {}

  /**
   * @param ranges the reader of the stream a failed batch names
   * @param batchSize records applied at once
   * @param discardMissing whether to delete the message of a range the stream no longer holds all
   *     of (after reporting it)
   */
  public FailedBatchReplay(
      FailedBatchQueue queue,
      Function<FailedBatch, StreamRanges> ranges,
      Relay relay,
      int batchSize,
      boolean discardMissing) {
    this.queue = queue;
    this.ranges = ranges;
    this.relay = relay;
    this.batchSize = batchSize;
    this.discardMissing = discardMissing;
  }

  /** Replays every message of the queue, one line per message to {@code report}. */
  public Summary run(Consumer<String> report) {
    // Every message received and not deleted: made visible again at the end, whatever ended the
    // run, not after the visibility timeout (15 minutes in which a rerun would not see them).
    java.util.Set<Message> kept = new java.util.LinkedHashSet<>();
    int applied = 0;
    int missing = 0;
    int unreadable = 0;
    try {
      for (List<Message> messages = queue.receive();
          !messages.isEmpty();
          messages = queue.receive()) {
        kept.addAll(messages);
        for (Message message : messages) {
          FailedBatch batch;
          try {
            batch = FailedBatch.parse(message.body());
          } catch (IllegalArgumentException e) {
            report.accept("message " + message.messageId() + ": " + e.getMessage() + "; kept");
            unreadable++;
            continue;
          }
          RangeRead read;
          try {
            read = ranges.apply(batch).read(batch);
          } catch (ShardReadException e) {
            // Throttled past the waits, access denied: one sentence, and the message stays.
            report.accept(batch + ": not read, " + StreamRanges.describe(e) + "; kept");
            return new Summary(applied, missing, unreadable, true);
          }
          String failure = apply(read.records(), batch.fromDynamoDbStream());
          if (failure != null) {
            report.accept(
                batch + ": not applied, the target database failed: " + failure + "; kept");
            return new Summary(applied, missing, unreadable, true);
          }
          String applied1 = read.records().size() + " records applied";
          if (read.missing().isEmpty()) {
            queue.delete(message);
            kept.remove(message);
            report.accept(batch + ": " + applied1 + "; message deleted");
            applied++;
          } else {
            missing++;
            String line =
                batch + ": the stream no longer holds " + read.missing().get() + "; " + applied1;
            if (discardMissing) {
              queue.delete(message);
              kept.remove(message);
              report.accept(line + "; message deleted (--discard-missing)");
            } else {
              report.accept(line + "; message kept (--discard-missing deletes it)");
            }
          }
        }
      }
      return new Summary(applied, missing, unreadable, false);
    } finally {
      // Visible again at once for the next run, not after the visibility timeout.
      kept.forEach(queue::release);
    }
  }

  /** Applies the records in batches; the failure of the first batch that failed, else null. */
  private String apply(List<SourceRecord> records, boolean fromDynamoDbStream) {
    for (int from = 0; from < records.size(); from += batchSize) {
      List<Decoded> decoded = new ArrayList<>();
      for (SourceRecord record :
          records.subList(from, Math.min(records.size(), from + batchSize))) {
        // A DynamoDB stream's records in their own format: read as Kinesis's they would name no
        // table and a creation time a thousand times too small.
        decoded.add((fromDynamoDbStream ? streams : kinesis).decode(record));
      }
      BatchResult result = relay.applyDecoded(decoded);
      if (!result.succeeded()) {
        return result.failure().orElse("the batch failed");
      }
    }
    return null;
  }
}
