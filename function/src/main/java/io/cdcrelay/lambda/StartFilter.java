package io.cdcrelay.lambda;

import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Honours {@code start=seqno-at} / {@code start=seqno-after} in Lambda. An event source mapping
 * cannot start at a sequence number, so it is started early enough (at the timestamp of that
 * record) and the function acknowledges, without applying, the records of that shard before it.
 *
 * @param shardId the shard holding the start record
 * @param sequenceNumber the start record's sequence number
 * @param inclusive {@code true} for {@code seqno-at} (the start record is applied), {@code false}
 *     for {@code seqno-after}
 */
public record StartFilter(String shardId, String sequenceNumber, boolean inclusive) {

  public StartFilter {
    Objects.requireNonNull(shardId, "shardId");
    SequenceNumbers.requireValid(sequenceNumber);
  }

  /** The records to apply: all but those of the start shard before the start. */
  public List<SourceRecord> apply(List<SourceRecord> records) {
    List<SourceRecord> kept = new ArrayList<>(records.size());
    for (SourceRecord record : records) {
      if (!record.shardId().equals(shardId)) {
        kept.add(record);
        continue;
      }
      if (isAtOrAfterStart(record)) {
        kept.add(record);
      }
    }
    return kept;
  }

  /**
   * The records to apply when the records do not name their shard (Lambda's DynamoDB event): all
   * but those before the start, whatever their shard.
   */
  public List<SourceRecord> applyToEveryShard(List<SourceRecord> records) {
    List<SourceRecord> kept = new ArrayList<>(records.size());
    for (SourceRecord record : records) {
      if (isAtOrAfterStart(record)) {
        kept.add(record);
      }
    }
    return kept;
  }

  private boolean isAtOrAfterStart(SourceRecord record) {
    int order = SequenceNumbers.ORDER.compare(record.sequenceNumber(), sequenceNumber);
    return order > 0 || (order == 0 && inclusive);
  }
}
