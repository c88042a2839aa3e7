package io.cdcrelay.kinesis;

import io.cdcrelay.change.SourceRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one shard read but not yet applied, and when to flush them: once {@code
 * batch-size} records are buffered, or once the first of them has waited {@code buffer-time} since
 * it was read. A read may bring more than a batch; the records beyond it stay buffered, in order,
 * for the next batches. Time is given by the caller (monotonic nanoseconds), so that the decisions
 * are pure.
 */
public final class BatchBuffer {

  /**
   * The Limit of every read: the most records one GetRecords call returns, whatever the batch size
   * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html).
   */
  public static final int READ_LIMIT = 10_000;

  /** The shortest pause between two reads of a shard that is not behind: Kinesis allows 5/s. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(200);

  /** How many of the buffered records, in order, one read brought, and when. */
  private record Read(int count, long atNanos) {}

  private final int batchSize;
  private final long bufferNanos;
  private final ArrayDeque<SourceRecord> records = new ArrayDeque<>();
  private final ArrayDeque<Read> reads = new ArrayDeque<>();

  public BatchBuffer(int batchSize, Duration bufferTime) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " is not positive");
    }
    this.batchSize = batchSize;
    this.bufferNanos = bufferTime.toNanos();
  }

  /** Adds records read at {@code nowNanos}, in stream order. */
  public void add(List<SourceRecord> read, long nowNanos) {
    if (read.isEmpty()) {
      return;
    }
    records.addAll(read);
    reads.addLast(new Read(read.size(), nowNanos));
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** Whether the buffered records are due: a full batch, or the first one waited long enough. */
  public boolean due(long nowNanos) {
    return records.size() >= batchSize
        || (!records.isEmpty() && nowNanos - firstReadAt() >= bufferNanos);
  }

  /**
   * Takes the next batch out of the buffer: its first {@code batch-size} records, or all of them if
   * fewer. The records after it keep their place and the time they were read.
   */
  public List<SourceRecord> take() {
    int n = Math.min(batchSize, records.size());
    List<SourceRecord> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(records.pollFirst());
    }
    int left = n;
    while (left > 0) {
      Read first = reads.pollFirst();
      if (first.count() > left) {
        reads.addFirst(new Read(first.count() - left, first.atNanos()));
        left = 0;
      } else {
        left -= first.count();
      }
    }
    return batch;
  }

  private long firstReadAt() {
    return reads.getFirst().atNanos();
  }

  /**
   * How long to wait before the next read, after a read that returned {@code read} records of the
   * {@code limit} asked for: nothing while the shard is behind (a full read), {@code idle-sleep}
   * after an empty read at the shard's head, a short pause after a partial one or an empty one
   * behind the head (Kinesis answers empty reads while catching up over a stretch without records);
   * never past the moment the buffer is due.
   *
   * @param millisBehind how far behind the head the read was, if the stream says
   */
  public Duration pauseAfterRead(
      int read, int limit, Long millisBehind, Duration idleSleep, long nowNanos) {
    Duration pause;
    if (read > 0 && read >= limit) {
      pause = Duration.ZERO;
    } else if (read == 0 && (millisBehind == null || millisBehind == 0)) {
      pause = idleSleep;
    } else {
      pause = idleSleep.compareTo(MIN_POLL_INTERVAL) < 0 ? idleSleep : MIN_POLL_INTERVAL;
    }
    if (!records.isEmpty()) {
      long untilDue = Math.max(0, firstReadAt() + bufferNanos - nowNanos);
      if (untilDue < pause.toNanos()) {
        pause = Duration.ofNanos(untilDue);
      }
    }
    return pause;
  }
}
