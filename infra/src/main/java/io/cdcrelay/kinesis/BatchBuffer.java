package io.cdcrelay.kinesis;

import io.cdcrelay.change.SourceRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one shard read but not yet applied, and when to flush them: once {@code
 * batch-size} records are buffered, or once the first of them has waited {@code buffer-time} since
 * it was read. Time is given by the caller (monotonic nanoseconds), so that the decisions are pure.
 */
public final class BatchBuffer {

  /** The shortest pause between two reads of a shard that is not behind: Kinesis allows 5/s. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(200);

  private final int batchSize;
  private final long bufferNanos;
  private final List<SourceRecord> records = new ArrayList<>();
  private long firstReadAt;

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
    if (records.isEmpty()) {
      firstReadAt = nowNanos;
    }
    records.addAll(read);
  }

  /** How many more records fit into the batch: the Limit of the next read. */
  public int room() {
    return Math.max(0, batchSize - records.size());
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** Whether the buffered records are due: a full batch, or the first one waited long enough. */
  public boolean due(long nowNanos) {
    return records.size() >= batchSize
        || (!records.isEmpty() && nowNanos - firstReadAt >= bufferNanos);
  }

  /** Takes the next batch (at most {@code batch-size} records) out of the buffer. */
  public List<SourceRecord> take(long nowNanos) {
    int n = Math.min(batchSize, records.size());
    List<SourceRecord> batch = new ArrayList<>(records.subList(0, n));
    records.subList(0, n).clear();
    firstReadAt = nowNanos;
    return batch;
  }

  /**
   * How long to wait before the next read, after a read that returned {@code read} records of the
   * {@code limit} asked for: nothing while the shard is behind (a full read), {@code idle-sleep}
   * after an empty read, a short pause after a partial one; never past the moment the buffer is
   * due.
   */
  public Duration pauseAfterRead(int read, int limit, Duration idleSleep, long nowNanos) {
    Duration pause;
    if (read > 0 && read >= limit) {
      pause = Duration.ZERO;
    } else if (read == 0) {
      pause = idleSleep;
    } else {
      pause = idleSleep.compareTo(MIN_POLL_INTERVAL) < 0 ? idleSleep : MIN_POLL_INTERVAL;
    }
    if (!records.isEmpty()) {
      long untilDue = Math.max(0, firstReadAt + bufferNanos - nowNanos);
      if (untilDue < pause.toNanos()) {
        pause = Duration.ofNanos(untilDue);
      }
    }
    return pause;
  }
}
