package io.cdcrelay.kinesis;

/** Why a call of a {@link ShardReader} failed, typed by what the shard worker does about it. */
public final class ShardReadException extends RuntimeException {

  /** What the caller does about it. */
  public enum Kind {
    /** Unreachable, a server error: retry with backoff. */
    RETRYABLE,
    /** Throttled: back off, then retry. */
    THROTTLED,
    /** The iterator expired: get a new one after the last record read. */
    ITERATOR_EXPIRED,
    /** The position is past the stream's retention: the records there are gone. */
    TRIMMED,
    /** The sequence number is not one of this shard's. */
    NOT_IN_SHARD,
    /**
     * The shard is no longer in the stream: DynamoDB Streams, and Kinesis for a closed shard,
     * remove a shard once every record of it passed the stream's retention, and answer {@code
     * ResourceNotFoundException} for it from then on. Nothing is left to read in it.
     */
    SHARD_GONE,
    /** Anything else: the relay stops with this message. */
    FATAL
  }

  private final Kind kind;

  public ShardReadException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The shard {@code service} (DynamoDB Streams, Kinesis) answered {@code
   * ResourceNotFoundException} for: {@link Kind#SHARD_GONE}, in the service's words.
   */
  public static ShardReadException gone(String service, Throwable notFound) {
    return new ShardReadException(
        Kind.SHARD_GONE, service + " no longer has the shard: " + notFound.getMessage(), notFound);
  }

  /** Whether the position or the whole shard is not (or no longer) in the stream. */
  public boolean notThere() {
    return kind == Kind.NOT_IN_SHARD || kind == Kind.TRIMMED || kind == Kind.SHARD_GONE;
  }
}
