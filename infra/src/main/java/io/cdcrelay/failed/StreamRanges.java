package io.cdcrelay.failed;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.kinesis.ShardPosition;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.kinesis.ShardReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Reads a failed batch's range back from its shard, and tells what the stream no longer holds of
 * it: a range whose first records are past the stream's retention starts later than asked, and a
 * shard past its retention is gone altogether.
 */
public final class StreamRanges {

  private static final int READ_LIMIT = 10_000;
  private static final int EMPTY_READS = 5;
  // Waits between attempts of a call Kinesis throttled or failed on its side (each attempt has the
  // SDK's own retries): Lambda reads the same shard, and a shard allows five reads a second.
  private static final long[] BACKOFF_MILLIS = {500, 1_000, 2_000, 4_000};

  private final ShardReader stream;

  /**
   * @param stream the Kinesis stream or the DynamoDB stream of the failed batches; one of
   *     DynamoDB's must be known to exist: a shard it does not have is taken for one past the
   *     retention
   */
  public StreamRanges(ShardReader stream) {
    this.stream = stream;
  }

  /** The records of the range that the stream still holds. */
  public RangeRead read(FailedBatch batch) {
    // A stream that is not there (another region, another account) is a failure, not a range
    // past the retention: its message must not be taken for one and discarded.
    stream.arn();
    String iterator;
    try {
      iterator =
          patiently(
              () ->
                  stream.iterator(batch.shardId(), ShardPosition.at(batch.startSequenceNumber())));
    } catch (ShardReadException notThere) {
      if (!notThere.notThere()) {
        throw notThere;
      }
      // The first record is past the retention (AWS says InvalidArgument, kinesis-local
      // ResourceNotFound), or the whole shard is: what is left starts at the trim horizon.
      try {
        iterator = patiently(() -> stream.iterator(batch.shardId(), ShardPosition.TRIM_HORIZON));
      } catch (ShardReadException shardGone) {
        if (!shardGone.notThere()) {
          throw shardGone;
        }
        return new RangeRead(List.of(), Optional.of("any of it: " + awsMessage(shardGone)));
      }
    }
    List<SourceRecord> records = new ArrayList<>();
    int empty = 0;
    boolean past = false;
    while (iterator != null && !past && empty < EMPTY_READS) {
      String at = iterator;
      ShardReader.Read read = patiently(() -> stream.read(batch.shardId(), at, READ_LIMIT));
      for (SourceRecord record : read.records()) {
        if (batch.contains(record.sequenceNumber())) {
          records.add(record);
        } else if (!records.isEmpty() || isAfterEnd(batch, record)) {
          past = true;
          break;
        }
      }
      // DynamoDB Streams does not say how far behind a read is, and answers empty now and then
      // before the records that follow: read on, up to EMPTY_READS empty answers.
      boolean caughtUp = read.millisBehindLatest() != null && read.millisBehindLatest() == 0;
      empty = read.records().isEmpty() ? (caughtUp ? EMPTY_READS : empty + 1) : 0;
      iterator = read.nextIterator();
    }
    if (records.isEmpty()) {
      return new RangeRead(records, Optional.of("any of it: no record of the range is left"));
    }
    String first = records.get(0).sequenceNumber();
    if (!first.equals(batch.startSequenceNumber())) {
      return new RangeRead(
          records,
          Optional.of(
              "the records from "
                  + batch.startSequenceNumber()
                  + " up to "
                  + first
                  + " (the first it holds)"));
    }
    String last = records.get(records.size() - 1).sequenceNumber();
    if (!past && !last.equals(batch.endSequenceNumber())) {
      // The reads stopped before the range's end (answers empty while behind, or the shard's end):
      // complete it must not be called, or its message is deleted with its tail never applied.
      return new RangeRead(
          records,
          Optional.of(
              "the records after "
                  + last
                  + " up to "
                  + batch.endSequenceNumber()
                  + " (not returned by the stream)"));
    }
    return new RangeRead(records, Optional.empty());
  }

  /**
   * The call's result, tried again after a wait while Kinesis throttles it or fails on its side.
   *
   * @throws ShardReadException when it fails otherwise, or still after the last wait
   */
  private static <T> T patiently(Supplier<T> call) {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.get();
      } catch (ShardReadException e) {
        boolean passing =
            e.kind() == ShardReadException.Kind.THROTTLED
                || e.kind() == ShardReadException.Kind.RETRYABLE;
        if (!passing || attempt >= BACKOFF_MILLIS.length) {
          throw e;
        }
        try {
          Thread.sleep(BACKOFF_MILLIS[attempt]);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Why a read of the stream failed, in the service's own words. */
  public static String describe(ShardReadException e) {
    String why =
        e.kind() == ShardReadException.Kind.THROTTLED
            ? "the stream kept throttling the reads of the shard (run again later): "
            : "the stream failed: ";
    return why + awsMessage(e);
  }

  /** The service's own words, without the SDK's request ids. */
  private static String awsMessage(ShardReadException e) {
    return e.getCause() instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        ? aws.awsErrorDetails().errorMessage()
        : e.getMessage();
  }

  private static boolean isAfterEnd(FailedBatch batch, SourceRecord record) {
    return io.cdcrelay.change.SequenceNumbers.ORDER.compare(
            record.sequenceNumber(), batch.endSequenceNumber())
        > 0;
  }
}
