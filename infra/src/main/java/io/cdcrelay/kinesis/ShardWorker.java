package io.cdcrelay.kinesis;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.local.Backoff;
import io.cdcrelay.local.BatchApplier;
import io.cdcrelay.local.BatchPipeline;
import io.cdcrelay.local.Checkpoints;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.local.RelayProgress;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Consumes one shard in stream order: reads and buffers on its own thread, while a {@link
 * BatchPipeline} applies the due batches, as many at once as {@code batches-in-flight} says, each
 * lane with a relay core (a connection) of its own, and checkpoints each applied prefix.
 */
final class ShardWorker implements Callable<ShardWorker.Done> {

  private static final Logger LOG = LoggerFactory.getLogger(ShardWorker.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LAST_RETRY = Duration.ofSeconds(10);
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  /**
   * How far this machine's clock may be ahead of the stream's: an expired LATEST iterator is
   * renewed at the records that arrived from this long before it was taken (a few records from
   * before the start may be applied; none after it is skipped).
   */
  static final Duration LATEST_CLOCK_SKEW = Duration.ofMinutes(1);

  /** How a worker ended. */
  enum Outcome {
    /** The shard is closed and every record of it applied; its checkpoint says so. */
    ENDED,
    /** {@code once}: nothing more to read for now, everything read is applied. */
    CAUGHT_UP,
    /** The relay was asked to stop. */
    STOPPED,
    /** An error the worker cannot retry: the relay stops. */
    FAILED
  }

  /** The worker's shard, how it ended and, if it failed, why. */
  record Done(String shardId, Outcome outcome, RuntimeException error) {}

  /** What all workers of a relay share. */
  record Settings(
      ShardReader stream,
      Supplier<Relay> relays,
      Checkpoints checkpoints,
      RelayProgress progress,
      StopSignal stop,
      int batchSize,
      Duration bufferTime,
      Duration idleSleep,
      boolean once,
      int batchesInFlight,
      OutageLimit outages) {}

  private final Settings settings;
  private final String shardId;
  // Closed when listed: read to its end, even by a once=true run (empty reads before the end are
  // no sign of being caught up: DynamoDB Streams answers empty pages inside a shard).
  private final boolean closed;
  private ShardPosition start;
  private String lastRead;
  private BatchPipeline pipeline;
  // Applied, but its checkpoint deferred while more batches waited (applying thread).
  private String unwritten;
  private long checkpointedAt;
  // A stream without AT_TIMESTAMP iterators (DynamoDB Streams) is read from its trim horizon, and
  // the records created before this instant are skipped.
  private Instant skipBefore;

  /**
   * @param start where to read from when nothing was read yet
   * @param checkpoint the last applied record, if any: reading resumes after it
   */
  ShardWorker(Settings settings, Shard shard, ShardPosition start, String checkpoint) {
    this.settings = settings;
    this.shardId = shard.shardId();
    this.closed = shard.closed();
    this.start = start;
    this.lastRead = checkpoint;
  }

  @Override
  public Done call() {
    Thread.currentThread().setName("shard-" + shardId);
    List<Relay> relays = new ArrayList<>();
    try {
      List<Predicate<List<SourceRecord>>> lanes = new ArrayList<>();
      for (int i = 0; i < Math.max(1, settings.batchesInFlight()); i++) {
        Relay relay = settings.relays().get();
        relays.add(relay);
        BatchApplier applier =
            new BatchApplier(
                relay,
                settings.progress(),
                settings.stop(),
                settings.stream()::decode,
                settings.stream().arn(),
                settings.outages());
        lanes.add(applier::apply);
      }
      pipeline =
          new BatchPipeline(
              "apply-" + shardId,
              waitingBatches(settings.batchSize()),
              lanes,
              this::checkpointPrefix);
      try {
        return new Done(shardId, consume(pipeline), null);
      } catch (RuntimeException | Error e) {
        // A failed shard ends the relay: the batch being applied gives up its retries now, instead
        // of keeping this worker (and so the relay's exit) waiting for the database. Unless the
        // stream was replaced and cannot be read on: the relay goes on with its successor.
        if (!(e instanceof ShardReadException && settings.stream().replaced())) {
          settings.stop().stop();
        }
        throw e;
      } finally {
        pipeline.close();
        if (unwritten != null) {
          checkpoint(unwritten);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("shard {}: {}", shardId, e.toString());
      return new Done(shardId, Outcome.FAILED, e);
    } catch (Error e) {
      // Reported as a failure like any other: the relay waits for every worker's result.
      LOG.error("shard {}: {}", shardId, e.toString());
      return new Done(shardId, Outcome.FAILED, new IllegalStateException(e.toString(), e));
    } finally {
      relays.forEach(Relay::close);
      settings.progress().shardDone(shardId);
    }
  }

  /**
   * The records after the checkpoint left the stream before they were read: what is left starts at
   * the trim horizon. Said loudly; nothing else can be done.
   */
  private void readOnFromTheOldest(ShardReadException e) {
    LOG.warn(
        "shard {}: the records after {} are past the stream's retention and lost;"
            + " reading on from the oldest record left: {}",
        shardId,
        lastRead,
        e.getMessage());
    start = ShardPosition.TRIM_HORIZON;
    lastRead = null;
    skipBefore = null;
  }

  /**
   * Empty reads in a row after which a shard whose stream does not say how far behind a read is
   * (DynamoDB Streams) counts as caught up for {@code once}: such a stream may answer empty while
   * records lie further on.
   */
  static final int EMPTY_READS_WHEN_LAG_UNKNOWN = 3;

  /**
   * How many batches may wait to be applied while the shard is read on: up to 10,000 records, and
   * one batch at least.
   */
  static int waitingBatches(int batchSize) {
    return Math.max(1, 10_000 / batchSize);
  }

  /**
   * Reads the shard and hands each due batch to {@code pipeline}, which applies and checkpoints
   * them in order on a thread of its own while reading goes on.
   */
  private Outcome consume(BatchPipeline pipeline) {
    StopSignal stop = settings.stop();
    BatchBuffer buffer = new BatchBuffer(settings.batchSize(), settings.bufferTime());
    // A stream that keeps failing counts toward --give-up-after as the database does (a once=true
    // run must end); throttling does not: the stream answers, only slower.
    OutageLimit.Step readSteps =
        settings.outages().step("shard " + shardId + ": reading the stream");
    // Failed reads pause no longer than the limit leaves (their next failure may give up);
    // throttled ones back off on their own, as they never give up.
    Retry reads = new Retry(stop, new Backoff(FIRST_RETRY, LAST_RETRY, readSteps::untilPastLimit));
    Retry throttled = new Retry(stop, new Backoff(FIRST_RETRY, LAST_RETRY));
    String iterator = null;
    // Taken from GetShardIterator and not yet read with: its expiry is no reason to renew at once.
    boolean iteratorUnread = false;
    int emptyInARow = 0;
    while (!stop.isStopped()) {
      pipeline.check();
      try {
        if (iterator == null) {
          // Everything up to lastRead is applied or buffered: a renewed iterator goes on after it.
          ShardPosition position = lastRead == null ? start : ShardPosition.after(lastRead);
          Instant asked = Instant.now();
          iterator = iterator(position);
          iteratorUnread = true;
          if (position.equals(ShardPosition.LATEST)) {
            // LATEST is where the shard was when this iterator was taken. Renewed before a record
            // was read (it expired unused: a long idle-sleep, the stream unreachable), it must go
            // on from that moment, not from a later LATEST that skips what was written since.
            start = ShardPosition.atTimestamp(asked.minus(LATEST_CLOCK_SKEW));
          }
        }
        // Reads are not capped by the batch size: a shard behind catches up at up to the
        // stream's largest read a call, and the buffer cuts what was read into batches.
        int limit = settings.stream().readLimit();
        ShardReader.Read read = settings.stream().read(shardId, iterator, limit);
        reads.succeeded();
        throttled.succeeded();
        readSteps.succeeded();
        iteratorUnread = false;
        long now = System.nanoTime();
        buffer.add(skipEarly(read.records()), now);
        if (!read.records().isEmpty()) {
          lastRead = read.records().get(read.records().size() - 1).sequenceNumber();
        }
        settings.progress().lag(shardId, read.millisBehindLatest());
        iterator = read.nextIterator();
        emptyInARow = read.records().isEmpty() ? emptyInARow + 1 : 0;
        boolean caughtUp =
            settings.once()
                && !closed
                && read.records().isEmpty()
                && (read.millisBehindLatest() != null
                    ? read.millisBehindLatest() == 0
                    : emptyInARow >= EMPTY_READS_WHEN_LAG_UNKNOWN);
        boolean last = read.shardEnded() || caughtUp;
        while (buffer.due(now) || (last && !buffer.isEmpty())) {
          if (!pipeline.hand(buffer.take())) {
            return Outcome.STOPPED;
          }
          if (stop.isStopped()) {
            // A stop finishes the batches being applied only: the records after them are neither
            // applied nor checkpointed, and are read again after a restart.
            pipeline.drain();
            return Outcome.STOPPED;
          }
          now = System.nanoTime();
        }
        if (last && !pipeline.drain()) {
          return Outcome.STOPPED;
        }
        if (read.shardEnded()) {
          LOG.info("shard {}: closed and read to its end", shardId);
          return ended();
        }
        if (caughtUp) {
          LOG.info("shard {}: caught up", shardId);
          return Outcome.CAUGHT_UP;
        }
        stop.sleep(
            buffer.pauseAfterRead(
                read.records().size(),
                limit,
                read.millisBehindLatest(),
                settings.idleSleep(),
                System.nanoTime()));
      } catch (ShardReadException e) {
        switch (e.kind()) {
          case ITERATOR_EXPIRED -> {
            LOG.info("shard {}: iterator expired, renewing it after {}", shardId, lastRead);
            iterator = null;
            // A new iterator expired at its first read (a stream answering nothing else, a clock
            // far off): a failing read like any other, paused and counted toward give-up, not
            // renewed again and again in a busy loop.
            if (iteratorUnread
                && !readSteps.failed("a new iterator expired at once: " + e.getMessage(), false)) {
              reads.pause(Level.WARN, "shard " + shardId + ": a new iterator expired at once");
            }
          }
          case TRIMMED -> {
            readOnFromTheOldest(e);
            iterator = null;
          }
          case NOT_IN_SHARD -> {
            // An iterator after the checkpoint refused: its record left the stream (Kinesis
            // keeps 24 hours by default) while the relay was stopped or behind — a checkpoint of
            // another stream of the same shard ids is dropped at start. Without reading on,
            // every restart would fail here for good.
            if (iterator != null || lastRead == null) {
              throw e;
            }
            readOnFromTheOldest(e);
          }
          case SHARD_GONE -> {
            // Its records all left the stream while the relay was behind: nothing is left to read,
            // and without ending it here the relay would fail for good. Its children go on.
            LOG.warn(
                "shard {}: no longer in the stream, its records past the stream's retention{};"
                    + " it counts as read to its end: {}",
                shardId,
                lastRead == null ? "" : " (any after " + lastRead + " not read are lost)",
                e.getMessage());
            return flush(buffer, pipeline) ? ended() : Outcome.STOPPED;
          }
          case THROTTLED -> throttled.pause(Level.INFO, "shard " + shardId + ": throttled");
          case RETRYABLE -> {
            if (!readSteps.failed(e.getMessage(), false)) {
              reads.pause(Level.WARN, "shard " + shardId + ": " + e.getMessage());
            }
          }
          default -> throw e;
        }
      }
    }
    // Stopping: the batches being applied finish; those waiting (the applier takes up no batch
    // after a stop) and what is buffered are read again after a restart.
    pipeline.drain();
    return Outcome.STOPPED;
  }

  /**
   * Hands every buffered record to {@code pipeline} and waits until all are applied; false when
   * stopped first.
   */
  private boolean flush(BatchBuffer buffer, BatchPipeline pipeline) {
    while (!buffer.isEmpty()) {
      if (!pipeline.hand(buffer.take()) || settings.stop().isStopped()) {
        pipeline.drain();
        return false;
      }
    }
    return pipeline.drain();
  }

  /** Checkpoints the end of the shard, everything read being applied: its children go on. */
  private Outcome ended() {
    unwritten = null; // drained: the last batch found nothing waiting and checkpointed
    return checkpoint(Checkpoints.SHARD_END) ? Outcome.ENDED : Outcome.STOPPED;
  }

  /** An iterator at {@code position}, from the trim horizon where timestamps are not known. */
  private String iterator(ShardPosition position) {
    ShardPosition asked = position;
    if (position.timestamp().isPresent() && !settings.stream().readsFromTimestamp()) {
      skipBefore = position.timestamp().get();
      asked = ShardPosition.TRIM_HORIZON;
    }
    String iterator = settings.stream().iterator(shardId, asked);
    // Logged once the iterator is there: a LATEST iterator reads what is written from now on.
    LOG.info("shard {}: reading from {}", shardId, position);
    return iterator;
  }

  /** The records from the first one created at or after {@link #skipBefore} on. */
  private List<SourceRecord> skipEarly(List<SourceRecord> records) {
    if (skipBefore == null) {
      return records;
    }
    int first = 0;
    while (first < records.size() && records.get(first).arrivedAt().isBefore(skipBefore)) {
      first++;
    }
    if (first < records.size()) {
      skipBefore = null;
    }
    return records.subList(first, records.size());
  }

  /**
   * Checkpoints an applied prefix of the shard's batches, ending with {@code batch}; {@code false}
   * if stopped before it was written. While more batches wait, a checkpoint is written at most
   * every {@link #CHECKPOINT_INTERVAL} (a later prefix writes it): one round trip less per batch
   * for a shard that is behind, at the cost of re-applying at most that much after a {@code kill
   * -9}. A caught-up shard, a stop and the end of the worker write it at once.
   */
  private boolean checkpointPrefix(List<SourceRecord> batch) {
    String last = batch.get(batch.size() - 1).sequenceNumber();
    long now = System.nanoTime();
    if (pipeline.waiting() > 0 && now - checkpointedAt < CHECKPOINT_INTERVAL.toNanos()) {
      unwritten = last;
      return true;
    }
    unwritten = null;
    checkpointedAt = now;
    return checkpoint(last);
  }

  private boolean checkpoint(String sequenceNumber) {
    return settings
        .outages()
        .retry(
            "shard " + shardId + ": checkpoint not written",
            () -> {
              settings.checkpoints().write(shardId, sequenceNumber);
              return true;
            })
        .isPresent();
  }
}
