package io.cdcrelay.kinesis;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reading a stream shard by shard, whatever the stream: a Kinesis data stream or a DynamoDB stream.
 * Implementations turn their SDK's exceptions into {@link ShardReadException}s, so that the shard
 * workers never handle SDK types. Thread-safe.
 */
public interface ShardReader {

  /** The stream's name, for messages. */
  String name();

  /** The stream's ARN, which keys its checkpoints. */
  String arn();

  /** Makes sure the stream exists and can be read; its message says what to do if not. */
  void ensureReady(boolean create, int shards, BooleanSupplier stopped);

  /** Every shard of the stream still within its retention, open and closed. */
  List<Shard> shards();

  /**
   * A shard iterator at {@code position}; {@code AT_TIMESTAMP} only if {@link
   * #readsFromTimestamp()}.
   */
  String iterator(String shardId, ShardPosition position);

  /** Reads at most {@code limit} records at {@code iterator}. */
  Read read(String shardId, String iterator, int limit);

  /** The most records one read returns (Kinesis 10,000, DynamoDB Streams 1,000). */
  int readLimit();

  /** Whether the stream has {@code AT_TIMESTAMP} iterators. */
  boolean readsFromTimestamp();

  /**
   * The start every ARN of this stream's line shares, if streams of it can replace one another:
   * DynamoDB Streams, {@code arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/}, as a table's
   * stream disabled and enabled again, or its table created again, is a new stream. Kinesis: none.
   */
  default Optional<String> lineage() {
    return Optional.empty();
  }

  /**
   * The ARN of the stream that has replaced this one, if one has: asked now, of the source, so a
   * failure to ask is an empty answer. Kinesis: none ever.
   */
  default Optional<String> successor() {
    return Optional.empty();
  }

  /**
   * When the stream was created, once it is ready: a stream deleted and created again under its
   * name keeps its ARN (Kinesis), and only this tells the two apart. None where the ARN tells.
   */
  default Optional<java.time.Instant> createdAt() {
    return Optional.empty();
  }

  /** Whether the stream is of a line of streams and one has replaced it ({@link #successor}). */
  default boolean replaced() {
    return lineage().isPresent() && successor().isPresent();
  }

  /** Decodes one record of this stream's format; never throws. */
  Decoded decode(SourceRecord record);

  /** What one read returned. */
  record Read(List<SourceRecord> records, String nextIterator, Long millisBehindLatest) {
    /** Whether the shard is closed and read to its end. */
    public boolean shardEnded() {
      return nextIterator == null;
    }
  }
}
