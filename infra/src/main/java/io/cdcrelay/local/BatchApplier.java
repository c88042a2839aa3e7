package io.cdcrelay.local;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Applies a batch of one shard with the relay core until it is applied: when the database is
 * unavailable, the records from the first unapplied one are retried with exponential backoff, so
 * nothing is skipped and nothing applied twice needlessly.
 */
public final class BatchApplier {

  private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

  private final Relay relay;
  private final RelayProgress progress;
  private final StopSignal stop;
  private final Function<SourceRecord, Decoded> decoder;
  private final String source;
  private final OutageLimit outages;

  /** An applier of "Kinesis Data Streams for DynamoDB" records, keeping no status. */
  public BatchApplier(Relay relay, RelayProgress progress, StopSignal stop) {
    this(relay, progress, stop, new DynamoDbChangeDecoder()::decode, null, OutageLimit.none(stop));
  }

  /**
   * An applier of records that {@code decoder} decodes (never throwing), keeping the status of each
   * applied batch under {@code source} (a stream's ARN; {@code null} for none), and giving up once
   * a batch has failed longer than {@code outages} allows.
   */
  public BatchApplier(
      Relay relay,
      RelayProgress progress,
      StopSignal stop,
      Function<SourceRecord, Decoded> decoder,
      String source,
      OutageLimit outages) {
    this.relay = relay;
    this.progress = progress;
    this.stop = stop;
    this.decoder = decoder;
    this.source = source;
    this.outages = outages;
  }

  /**
   * Applies the batch; returns {@code true} once every record is applied or dead-lettered, {@code
   * false} if the relay was stopped (or gave up on the database) first: then the records from the
   * first unapplied one are not applied. A batch begun before a stop is tried once more after it; a
   * batch not begun by then is not: a stop does not wait for the batches queued behind the one
   * being applied (up to 10,000 records a shard), which are read again after a restart.
   */
  public boolean apply(List<SourceRecord> batch) {
    if (batch.isEmpty()) {
      return true;
    }
    if (stop.isStopped()) {
      return false;
    }
    long ticket = progress.batchWaiting(oldestArrival(batch));
    try {
      return applyUntilDone(batch);
    } finally {
      progress.batchDone(ticket);
    }
  }

  private static java.time.Instant oldestArrival(List<SourceRecord> batch) {
    java.time.Instant oldest = java.time.Instant.EPOCH;
    for (SourceRecord record : batch) {
      java.time.Instant at = record.arrivedAt();
      if (!at.equals(java.time.Instant.EPOCH)
          && (oldest.equals(java.time.Instant.EPOCH) || at.isBefore(oldest))) {
        oldest = at;
      }
    }
    return oldest;
  }

  private boolean applyUntilDone(List<SourceRecord> batch) {
    List<SourceRecord> pending = batch;
    OutageLimit.Step step =
        outages.step(
            "a batch of "
                + batch.size()
                + (batch.size() == 1 ? " record" : " records")
                + " of shard "
                + batch.get(0).shardId()
                + " not applied");
    Retry retry = new Retry(stop, step.backoff());
    while (true) {
      List<Decoded> decoded = new ArrayList<>(pending.size());
      pending.forEach(record -> decoded.add(decoder.apply(record)));
      BatchResult result = relay.applyDecoded(decoded, source);
      LOG.info(BatchLog.text(result));
      if (result.succeeded()) {
        progress.batchApplied(result);
        return true;
      }
      String failedFrom = result.failedFrom().get();
      List<SourceRecord> rest = from(pending, failedFrom);
      if (rest.size() < pending.size()) {
        // Some records applied: the database works, an outage is counted from this failure on.
        step.succeeded();
      }
      progress.batchApplied(
          BatchResult.partial(
              pending.size() - rest.size(), result.duration(), result.oldestRecordAge()));
      pending = rest;
      if (pending.isEmpty()) {
        return true;
      }
      if (step.failed(result.failure().orElse("the batch failed"), result.targetUnreachable())) {
        return false;
      }
      String what =
          pending.size() + " records of shard " + pending.get(0).shardId() + " not applied yet";
      if (!retry.pause(Level.WARN, what)) {
        return false;
      }
    }
  }

  /** The records from {@code sequenceNumber} on, in order. */
  static List<SourceRecord> from(List<SourceRecord> batch, String sequenceNumber) {
    List<SourceRecord> rest = new ArrayList<>();
    for (SourceRecord record : batch) {
      if (SequenceNumbers.ORDER.compare(record.sequenceNumber(), sequenceNumber) >= 0) {
        rest.add(record);
      }
    }
    return rest;
  }
}
