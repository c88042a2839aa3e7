package io.cdcrelay.kinesis;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.local.Checkpoints;
import io.cdcrelay.local.MemoryCheckpoints;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.local.RelayProgress;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.InMemoryTarget;
import io.cdcrelay.testing.MovingClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local relay's shard worker against a fake reader and an in-memory writer: reads that fail
 * (throttled, unreachable, an expired iterator) and a database that goes away are retried until
 * every record is applied once in effect and checkpointed; a fatal read error ends the shard.
 */
class ShardWorkerTest {

  private static final String SHARD = "shardId-000000000000";

  /** One open shard of ten records, read in pages of four, failing on cue. */
  private static final class FakeShard implements ShardReader {
    final List<SourceRecord> records = new ArrayList<>();
    final Deque<ShardReadException> readFailures = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    Runnable onRead = () -> {};
    java.util.function.Consumer<SourceRecord> onDecode = record -> {};
    // As DynamoDB Streams: no lag in a read's answer, and empty answers before the records.
    boolean lagUnknown;
    int emptyAnswersFirst;
    // As DynamoDB Streams: no AT_TIMESTAMP iterator.
    boolean timestamps = true;
    // A closed shard: its last read has no next iterator.
    boolean closed;
    // Records a read returns at most.
    int page = 4;
    // Records past the stream's retention: the shard starts after them, and an iterator after
    // one of them is refused as Kinesis refuses a sequence number it no longer holds.
    int trimmed;

    FakeShard() {
      for (int i = 1; i <= 10; i++) {
        records.add(record(i, upsert("INSERT", "item" + i, i, "\"v\":{\"N\":\"" + i + "\"}")));
      }
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public String arn() {
      return "arn:aws:kinesis:eu-central-1:123456789012:stream/fake";
    }

    @Override
    public void ensureReady(boolean create, int shards, BooleanSupplier stopped) {}

    @Override
    public List<Shard> shards() {
      return List.of(new Shard(SHARD, List.of(), closed));
    }

    @Override
    public String iterator(String shardId, ShardPosition position) {
      calls.add("iterator " + position.iteratorType());
      int from = trimmed;
      if (position.iteratorType().equals("LATEST")) {
        from = records.size();
      } else if (position.timestamp().isPresent()) {
        Instant at = position.timestamp().get();
        while (from < records.size() && records.get(from).arrivedAt().isBefore(at)) {
          from++;
        }
      } else if (position.sequenceNumber().isPresent()) {
        String seq = position.sequenceNumber().get();
        from = 0;
        while (from < records.size() && !records.get(from).sequenceNumber().equals(seq)) {
          from++;
        }
        if (from < trimmed) {
          throw new ShardReadException(
              ShardReadException.Kind.NOT_IN_SHARD, "StartingSequenceNumber is invalid", null);
        }
        from += position.iteratorType().equals("AFTER_SEQUENCE_NUMBER") ? 1 : 0;
      }
      return Integer.toString(from);
    }

    @Override
    public Read read(String shardId, String iterator, int limit) {
      calls.add("read " + iterator);
      onRead.run();
      if (!readFailures.isEmpty()) {
        throw readFailures.poll();
      }
      Long lag = lagUnknown ? null : 0L;
      if (emptyAnswersFirst > 0) {
        emptyAnswersFirst--;
        return new Read(List.of(), iterator, lag);
      }
      int from = Integer.parseInt(iterator);
      int to = Math.min(records.size(), from + page);
      return new Read(
          List.copyOf(records.subList(from, to)),
          closed && to == records.size() ? null : Integer.toString(to),
          lag);
    }

    @Override
    public int readLimit() {
      return 10_000;
    }

    @Override
    public boolean readsFromTimestamp() {
      return timestamps;
    }

    @Override
    public Decoded decode(SourceRecord record) {
      onDecode.accept(record);
      return new DynamoDbChangeDecoder().decode(record);
    }
  }

  private final FakeShard shard = new FakeShard();
  private final InMemoryTarget target = new InMemoryTarget();
  private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();

  private ShardWorker.Done run(String checkpoint) {
    return run(checkpoint, new StopSignal());
  }

  private ShardWorker.Done run(String checkpoint, StopSignal stop) {
    return run(checkpoint, stop, OutageLimit.none(stop));
  }

  private ShardWorker.Done run(String checkpoint, StopSignal stop, OutageLimit outages) {
    ShardPosition start =
        checkpoint == null ? ShardPosition.TRIM_HORIZON : ShardPosition.after(checkpoint);
    return run(start, checkpoint, stop, outages);
  }

  private ShardWorker.Done run(
      ShardPosition start, String checkpoint, StopSignal stop, OutageLimit outages) {
    ShardWorker.Settings settings =
        new ShardWorker.Settings(
            shard,
            () -> new Relay(target, RelaySettings.single("doc", "demo"), Clock.systemUTC()),
            checkpoints,
            new RelayProgress(new PrintStream(new ByteArrayOutputStream())),
            stop,
            3,
            Duration.ZERO,
            Duration.ofMillis(10),
            true,
            1,
            outages);
    return new ShardWorker(settings, shard.shards().get(0), start, checkpoint).call();
  }

  private List<String> liveIds() {
    List<String> ids =
        new ArrayList<>(target.rows.getOrDefault(new TableName("doc", "demo"), Map.of()).keySet());
    ids.sort(null);
    return ids;
  }

  @Test
  void failedReadsAndADatabaseOutageAreRetriedUntilEveryRecordIsAppliedAndCheckpointed() {
    shard.readFailures.add(
        new ShardReadException(ShardReadException.Kind.THROTTLED, "slow down", null));
    shard.readFailures.add(
        new ShardReadException(ShardReadException.Kind.RETRYABLE, "connection reset", null));
    target.unavailableAt("upsert", 2);

    ShardWorker.Done done = run(null);

    assertThat(done.outcome())
        .as(String.valueOf(done.error()))
        .isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds()).hasSize(10);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(10));
    // The database went away once (the connection was reset) and the batch was applied again.
    assertThat(target.calls).contains("reset");
  }

  @Test
  @Timeout(20)
  void aBatchFailingLongerThanTheOutageLimitStopsTheWorkerAtTheLastCheckpoint() {
    // The first batch (1-3) is applied and checkpointed, then the database is gone for good. Each
    // look at the clock is a minute later: the second batch (4, the rest of the first read) fails
    // at 0, 1, 2, 3 minutes and gives up past the 150 s limit, instead of retrying for ever.
    target.unavailableFrom("upsert", 2);
    StopSignal stop = new StopSignal();
    OutageLimit outages = limitOf150sAMinuteALook(stop);

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(stop.isStopped()).isTrue();
    assertThat(liveIds()).hasSize(3);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(3));
    assertThat(outages.gaveUp()).isPresent();
    assertThat(outages.gaveUp().get().step())
        .isEqualTo("a batch of 1 record of shard " + SHARD + " not applied");
    assertThat(outages.gaveUp().get().lastError()).startsWith("cannot reach the database (upsert");
    assertThat(outages.gaveUp().get().failedFor()).isEqualTo(Duration.ofMinutes(3));
    assertThat(outages.gaveUp().get().message())
        .startsWith(
            "The target database could not be reached for 180 s (--give-up-after 150 s): a batch"
                + " of 1 record of shard "
                + SHARD
                + " not applied: cannot reach the database (upsert");
  }

  @Test
  @Timeout(20)
  void aBatchTheDatabaseKeepsRefusingGivesUpNamingTheStepAndItsErrorNotAnUnreachableDatabase() {
    // The database is there and answers, but the write keeps failing (a rollback, say): the same
    // retries and the same limit, but the message does not blame the connection.
    target.answeringErrorsFrom("upsert", 2);
    StopSignal stop = new StopSignal();
    OutageLimit outages = limitOf150sAMinuteALook(stop);

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(3));
    OutageLimit.GaveUp why = outages.gaveUp().get();
    assertThat(why.unreachable()).isFalse();
    assertThat(why.message())
        .startsWith(
            "Gave up after 180 s of failures (--give-up-after 150 s): a batch of 1 record of shard "
                + SHARD
                + " not applied: the database rolled back (upsert #")
        .doesNotContain("could not be reached");
  }

  @Test
  @Timeout(20)
  void throttledReadsBackOffInFullThoughAFailedReadHasUsedUpTheOutageLimit() {
    // A failed read starts the outage count; the throttled answers after it never end it (the
    // stream answers) nor count toward it. Their pauses must not shrink to what the limit leaves:
    // past it, that is 10 ms, and the relay would ask a throttled shard 100 times a second.
    shard.readFailures.add(refused());
    for (int i = 0; i < 3; i++) {
      shard.readFailures.add(
          new ShardReadException(ShardReadException.Kind.THROTTLED, "slow down", null));
    }
    StopSignal stop = new StopSignal();
    OutageLimit outages = OutageLimit.of(Optional.of(Duration.ofMillis(50)), stop);
    long began = System.nanoTime();

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds()).hasSize(10);
    // 200, 400 and 800 ms of throttled pauses (the failed read's pause is cut to the 50 ms).
    assertThat(System.nanoTime() - began).isGreaterThan(Duration.ofMillis(1400).toNanos());
  }

  @Test
  @Timeout(20)
  void aStreamThatKeepsFailingGivesUpAfterTheOutageLimitWhileThrottlingDoesNot() {
    // Reads fail at 0, 1, 2, 3 minutes (a clock a minute later at each look): past the 150 s
    // limit the worker gives up, where it used to retry for ever, even with once=true. The
    // throttled answer in between neither counts nor starts the count again: the stream is
    // there, only slower.
    shard.readFailures.add(refused());
    shard.readFailures.add(
        new ShardReadException(ShardReadException.Kind.THROTTLED, "slow down", null));
    for (int i = 0; i < 3; i++) {
      shard.readFailures.add(refused());
    }
    StopSignal stop = new StopSignal();
    OutageLimit outages = limitOf150sAMinuteALook(stop);

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(stop.isStopped()).isTrue();
    // It gave up on the last failure, not before, and read nothing after it.
    assertThat(shard.readFailures).isEmpty();
    assertThat(shard.calls.stream().filter(c -> c.startsWith("read")).count()).isEqualTo(5);
    assertThat(liveIds()).isEmpty();
    assertThat(checkpoints.positions).doesNotContainKey(SHARD);
    OutageLimit.GaveUp why = outages.gaveUp().orElseThrow();
    assertThat(why.failedFor()).isEqualTo(Duration.ofMinutes(3));
    assertThat(why.message())
        .isEqualTo(
            "Gave up after 180 s of failures (--give-up-after 150 s): shard "
                + SHARD
                + ": reading the stream: connection refused.");
  }

  @Test
  @Timeout(20)
  void aStreamWhoseNewIteratorsExpireAtOnceGivesUpInsteadOfRenewingThemForEver() {
    // Every read answers an expired iterator, also the first read with a new one: renewed at once
    // each time, it used to spin without pause and never count toward --give-up-after.
    for (int i = 0; i < 4; i++) {
      shard.readFailures.add(expired());
    }
    StopSignal stop = new StopSignal();
    OutageLimit outages = limitOf150sAMinuteALook(stop);

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(shard.readFailures).isEmpty();
    assertThat(liveIds()).isEmpty();
    assertThat(outages.gaveUp().orElseThrow().message())
        .isEqualTo(
            "Gave up after 180 s of failures (--give-up-after 150 s): shard "
                + SHARD
                + ": reading the stream: a new iterator expired at once: expired.");
  }

  @Test
  @Timeout(20)
  void aReadThatWorksInBetweenStartsTheOutageCountAgain() {
    // Three failures (0 to 2 minutes), a read that works, three failures more: never 150 s in a
    // row, so every record lands; counted from the first failure, it would have given up.
    for (int i = 0; i < 3; i++) {
      shard.readFailures.add(refused());
    }
    shard.onRead =
        () -> {
          if (shard.calls.stream().filter(c -> c.startsWith("read")).count() == 5) {
            for (int i = 0; i < 3; i++) {
              shard.readFailures.add(refused());
            }
          }
        };
    StopSignal stop = new StopSignal();
    OutageLimit outages = limitOf150sAMinuteALook(stop);

    ShardWorker.Done done = run(null, stop, outages);

    assertThat(done.outcome())
        .as(String.valueOf(outages.gaveUp()))
        .isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds()).hasSize(10);
    assertThat(shard.calls.stream().filter(c -> c.startsWith("read")).count())
        .isGreaterThanOrEqualTo(9);
  }

  private static ShardReadException expired() {
    return new ShardReadException(ShardReadException.Kind.ITERATOR_EXPIRED, "expired", null);
  }

  private static ShardReadException refused() {
    return new ShardReadException(ShardReadException.Kind.RETRYABLE, "connection refused", null);
  }

  /**
   * A --give-up-after of 150 s timed by a clock a minute later at each look: failures at 0, 1, 2
   * and 3 minutes give up at the fourth.
   */
  private static OutageLimit limitOf150sAMinuteALook(StopSignal stop) {
    return new OutageLimit(
        Optional.of(Duration.ofSeconds(150)), MovingClock.ticking(Duration.ofMinutes(1)), stop);
  }

  @Test
  void withoutTheLagInItsAnswersEmptyReadsBeforeTheRecordsDoNotEndAOnceRun() {
    // DynamoDB Streams may answer empty while records lie further on, and does not say how far
    // behind a read is: an empty answer or two must not count as caught up.
    shard.lagUnknown = true;
    shard.emptyAnswersFirst = ShardWorker.EMPTY_READS_WHEN_LAG_UNKNOWN - 1;

    ShardWorker.Done done = run(null);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds()).hasSize(10);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(10));
  }

  @Test
  void aClosedShardIsReadToItsEndByAOnceRunWhateverEmptyReadsCameFirst() {
    // A closed DynamoDB Streams shard may answer empty pages before its records: a once=true run
    // read as many as make an open shard caught up and stopped there, leaving the shard (and its
    // children, which wait for its end) for the next run.
    shard.closed = true;
    shard.lagUnknown = true;
    shard.emptyAnswersFirst = ShardWorker.EMPTY_READS_WHEN_LAG_UNKNOWN + 1;

    ShardWorker.Done done = run(null);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.ENDED);
    assertThat(liveIds()).hasSize(10);
    assertThat(checkpoints.positions).containsEntry(SHARD, Checkpoints.SHARD_END);
  }

  @Test
  void anErrorWhileReadingIsReportedAsAFailedShardNotThrownAtTheRelay() {
    // The relay waits for every worker's result: a worker that threw instead would be waited for
    // again, for ever, when the relay winds down.
    OutOfMemoryError error = new OutOfMemoryError("Java heap space (injected)");
    shard.onRead =
        () -> {
          throw error;
        };

    ShardWorker.Done done = run(null);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.FAILED);
    assertThat(done.error()).hasCause(error).hasMessageContaining("Java heap space (injected)");
  }

  @Test
  void theShardIsReadOnWhileABatchIsAppliedAndCheckpointed() throws InterruptedException {
    // The first batch's checkpoint waits until the shard has been read again: only a worker that
    // reads while it applies gets past it without the wait running out.
    CountDownLatch readAgain = new CountDownLatch(2);
    AtomicBoolean readWhileApplying = new AtomicBoolean();
    shard.onRead = readAgain::countDown;
    AtomicBoolean firstWrite = new AtomicBoolean(true);
    checkpoints.beforeWrite =
        () -> {
          try {
            if (firstWrite.getAndSet(false) && readAgain.await(10, TimeUnit.SECONDS)) {
              readWhileApplying.set(true);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };

    ShardWorker.Done done = run(null);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(readWhileApplying).as("read while the first batch was applied").isTrue();
    assertThat(liveIds()).hasSize(10);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(10));
  }

  @Test
  void whileBatchesWaitTheirCheckpointsAreWrittenOnceAndTheLastOneAlways() {
    // The first checkpoint waits until the shard is read to its end: by then the other three
    // batches (4-6, 7-9, 10) wait, and within a second only the last of them writes its checkpoint.
    CountDownLatch readToTheEnd = new CountDownLatch(4);
    shard.onRead = readToTheEnd::countDown;
    AtomicBoolean firstWrite = new AtomicBoolean(true);
    checkpoints.beforeWrite =
        () -> {
          try {
            if (firstWrite.getAndSet(false)) {
              readToTheEnd.await(10, TimeUnit.SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };

    ShardWorker.Done done = run(null);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds()).hasSize(10);
    assertThat(checkpoints.written)
        .as("4 batches, fewer checkpoint writes, the last batch's last")
        .hasSizeLessThan(4)
        .startsWith(sequenceNumber(3))
        .endsWith(sequenceNumber(10));
    assertThat(checkpoints.writers)
        .as("each written by the applying thread as its batch was applied, not left to the end")
        .containsOnly("apply-" + SHARD);
  }

  @Test
  void aStopFinishesTheBatchBeingAppliedNotTheBatchesWaitingBehindIt() {
    // One read of 60 records: 20 batches of 3 handed over at once. The stop comes as the first
    // batch is checkpointed: the 19 others wait, and are read again after a restart.
    for (int i = 11; i <= 60; i++) {
      shard.records.add(record(i, upsert("INSERT", "item" + i, i, "\"v\":{\"N\":\"" + i + "\"}")));
    }
    shard.page = 60;
    StopSignal stop = new StopSignal();
    // The second read finds the shard's end: by then every batch is handed over.
    CountDownLatch everyBatchHandedOver = new CountDownLatch(2);
    shard.onRead = everyBatchHandedOver::countDown;
    checkpoints.beforeWrite =
        () -> {
          try {
            everyBatchHandedOver.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          stop.stop();
        };

    ShardWorker.Done done = run(null, stop);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(liveIds()).hasSize(3);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(3));
  }

  @Test
  void aStopWritesTheCheckpointOfTheLastAppliedBatchThoughItWasDeferred() {
    // Batches of 3 with no buffer time: 1-3, 4 (the rest of the first read), 5-7, 8, 9-10. Batch 4
    // is applied while the others wait, so its checkpoint is deferred; the stop comes as 5-7 is
    // begun, which then meets a database outage: it is not applied, and the worker ends with the
    // deferred checkpoint written.
    StopSignal stop = new StopSignal();
    CountDownLatch readToTheEnd = new CountDownLatch(4);
    shard.onRead = readToTheEnd::countDown;
    shard.onDecode =
        record -> {
          if (record.sequenceNumber().equals(sequenceNumber(5))) {
            stop.stop();
          }
        };
    AtomicBoolean firstWrite = new AtomicBoolean(true);
    checkpoints.beforeWrite =
        () -> {
          try {
            if (firstWrite.getAndSet(false)) {
              readToTheEnd.await(10, TimeUnit.SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    target.unavailableAt("upsert", 3);

    ShardWorker.Done done = run(null, stop);

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.STOPPED);
    assertThat(liveIds()).hasSize(4);
    assertThat(checkpoints.written).containsExactly(sequenceNumber(3), sequenceNumber(4));
  }

  @Test
  void anExpiredIteratorIsRenewedAfterTheLastRecordRead() {
    shard.readFailures.add(
        new ShardReadException(ShardReadException.Kind.ITERATOR_EXPIRED, "expired", null));

    ShardWorker.Done done = run(sequenceNumber(4));

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(shard.calls)
        .startsWith("iterator AFTER_SEQUENCE_NUMBER", "read 4", "iterator AFTER_SEQUENCE_NUMBER");
    assertThat(liveIds()).hasSize(6);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(10));
  }

  @Test
  void anIteratorAtLatestThatExpiresBeforeAnythingWasReadIsNotRenewedPastTheRecordsSince() {
    assertLatestIteratorRenewedWithoutLoss(true);
  }

  @Test
  void withoutTimestampIteratorsAnExpiredLatestIteratorIsRenewedWithoutLossToo() {
    // DynamoDB Streams: no AT_TIMESTAMP; the shard is read from its oldest record, and what was
    // written before the LATEST iterator was taken is skipped.
    assertLatestIteratorRenewedWithoutLoss(false);
  }

  /**
   * A quiet shard read from LATEST (a long idle-sleep, or Kinesis unreachable for its 5 minutes):
   * the iterator expires before any record was read, and the records written meanwhile must still
   * be read, not skipped by a fresh LATEST iterator.
   */
  private void assertLatestIteratorRenewedWithoutLoss(boolean timestamps) {
    shard.timestamps = timestamps;
    AtomicBoolean first = new AtomicBoolean(true);
    shard.onRead =
        () -> {
          if (first.getAndSet(false)) {
            Instant now = Instant.now();
            for (int i = 11; i <= 12; i++) {
              String json = upsert("INSERT", "item" + i, i, "\"v\":{\"N\":\"" + i + "\"}");
              shard.records.add(
                  new SourceRecord(
                      SHARD, sequenceNumber(i), json.getBytes(StandardCharsets.UTF_8), now));
            }
            shard.readFailures.add(
                new ShardReadException(ShardReadException.Kind.ITERATOR_EXPIRED, "expired", null));
          }
        };
    StopSignal stop = new StopSignal();

    ShardWorker.Done done = run(ShardPosition.LATEST, null, stop, OutageLimit.none(stop));

    assertThat(done.outcome())
        .as(String.valueOf(done.error()))
        .isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(liveIds())
        .as("the records written while the LATEST iterator was unused")
        .hasSize(2)
        .allMatch(id -> id.contains("item11") || id.contains("item12"));
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(12));
    assertThat(shard.calls).startsWith("iterator LATEST", "read 10");
    assertThat(shard.calls.get(2)).isNotEqualTo("iterator LATEST");
  }

  @Test
  void aCheckpointPastTheStreamsRetentionReadsOnFromTheOldestRecordLeft() {
    // Stopped over a weekend: the record after the checkpoint left the stream meanwhile. Kinesis
    // refuses an iterator after it; each restart would fail the same way for good.
    shard.trimmed = 4;
    checkpoints.write(SHARD, sequenceNumber(2));

    ShardWorker.Done done = run(sequenceNumber(2));

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.CAUGHT_UP);
    assertThat(shard.calls).startsWith("iterator AFTER_SEQUENCE_NUMBER", "iterator TRIM_HORIZON");
    assertThat(liveIds()).hasSize(6);
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(10));
  }

  @Test
  void aShardNoLongerInTheStreamEndsOnceWhatWasReadOfItIsApplied() {
    // DynamoDB Streams removed the shard between its listing and this read (its records passed
    // the retention): what was read is applied, and the shard ends so that its children go on.
    java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    shard.onRead =
        () -> {
          if (reads.incrementAndGet() == 2) {
            shard.readFailures.add(
                new ShardReadException(
                    ShardReadException.Kind.SHARD_GONE, "Shard does not exist", null));
          }
        };

    ShardWorker.Done done = run(null);

    assertThat(done.outcome())
        .as(String.valueOf(done.error()))
        .isEqualTo(ShardWorker.Outcome.ENDED);
    assertThat(liveIds()).hasSize(4);
    assertThat(checkpoints.positions).containsEntry(SHARD, Checkpoints.SHARD_END);
  }

  @Test
  void aFatalReadErrorEndsTheShardWithItsMessageAndKeepsTheCheckpoint() {
    checkpoints.write(SHARD, sequenceNumber(2));
    shard.readFailures.add(
        new ShardReadException(ShardReadException.Kind.FATAL, "access denied", null));

    ShardWorker.Done done = run(sequenceNumber(2));

    assertThat(done.outcome()).isEqualTo(ShardWorker.Outcome.FAILED);
    assertThat(done.error()).hasMessageContaining("access denied");
    assertThat(liveIds()).isEmpty();
    assertThat(checkpoints.positions).containsEntry(SHARD, sequenceNumber(2));
  }
}
