package io.cdcrelay.kinesis;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis API calls of the local relay for one stream, in the relay's own terms: shards,
 * positions and records, and typed errors instead of the SDK's exceptions. Holds no state of its
 * own; thread-safe like the client.
 */
public final class KinesisStream implements ShardReader {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisStream.class);
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(5);

  private final KinesisClient client;
  private final String name;
  private volatile String streamArn;
  private volatile java.time.Instant createdAt;

  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS);

  public KinesisStream(KinesisClient client, String name) {
    this.client = client;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int readLimit() {
    return BatchBuffer.READ_LIMIT;
  }

  @Override
  public boolean readsFromTimestamp() {
    return true;
  }

  @Override
  public Decoded decode(SourceRecord record) {
    return decoder.decode(record);
  }

  /** The stream does not exist (and was not to be created). */
  public static final class StreamMissingException extends RuntimeException {
    StreamMissingException(String message) {
      super(message);
    }
  }

  /**
   * Makes sure the stream exists and can be read: creates it with {@code shards} shards when it is
   * missing and {@code create} is set, then waits until it is ACTIVE (or UPDATING, which reads).
   */
  @Override
  public void ensureReady(boolean create, int shards, BooleanSupplier stopped) {
    StreamDescriptionSummary summary = describe().orElse(null);
    if (summary == null) {
      if (!create) {
        throw new StreamMissingException(
            "the stream \""
                + name
                + "\" does not exist; create it, or add create=true to the source URL");
      }
      LOG.info("creating stream {} with {} shards", name, shards);
      try {
        client.createStream(r -> r.streamName(name).shardCount(shards));
      } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException e) {
        LOG.info("stream {} is being created by someone else", name);
      }
    }
    long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
    while (true) {
      summary = describe().orElse(null);
      StreamStatus status = summary == null ? null : summary.streamStatus();
      if (status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING) {
        streamArn = summary.streamARN();
        createdAt = summary.streamCreationTimestamp();
        return;
      }
      if (status == StreamStatus.DELETING) {
        throw new StreamMissingException("the stream \"" + name + "\" is being deleted");
      }
      if (System.nanoTime() > deadline || stopped.getAsBoolean()) {
        throw new StreamMissingException(
            "the stream \"" + name + "\" did not become ACTIVE (status " + status + ")");
      }
      LOG.info("waiting for stream {} to become ACTIVE (status {})", name, status);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StreamMissingException("interrupted while waiting for stream " + name);
      }
    }
  }

  /**
   * The stream's ARN, which keys its checkpoints: known once the stream is ready, and asked for
   * only before that (not once per shard and lane, where a failed call would fail the shard).
   */
  @Override
  public String arn() {
    String known = streamArn;
    if (known != null) {
      return known;
    }
    known =
        describe()
            .map(StreamDescriptionSummary::streamARN)
            .orElseThrow(
                () -> new StreamMissingException("the stream \"" + name + "\" does not exist"));
    streamArn = known;
    return known;
  }

  @Override
  public Optional<java.time.Instant> createdAt() {
    return Optional.ofNullable(createdAt);
  }

  private Optional<StreamDescriptionSummary> describe() {
    try {
      return Optional.of(
          client.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (LimitExceededException e) {
      // DescribeStreamSummary allows 20 calls a second an account: a wait cures it (the SDK does
      // not retry this code by itself).
      throw new ShardReadException(ShardReadException.Kind.THROTTLED, e.getMessage(), e);
    }
  }

  @Override
  public List<Shard> shards() {
    return typed(this::listShards);
  }

  private List<Shard> listShards() {
    List<Shard> shards = new ArrayList<>();
    String token = null;
    do {
      ListShardsRequest request =
          token == null
              ? ListShardsRequest.builder().streamName(name).build()
              : ListShardsRequest.builder().nextToken(token).build();
      ListShardsResponse response = client.listShards(request);
      for (software.amazon.awssdk.services.kinesis.model.Shard shard : response.shards()) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != null) {
          parents.add(shard.parentShardId());
        }
        if (shard.adjacentParentShardId() != null) {
          parents.add(shard.adjacentParentShardId());
        }
        boolean closed =
            shard.sequenceNumberRange() != null
                && shard.sequenceNumberRange().endingSequenceNumber() != null;
        shards.add(new Shard(shard.shardId(), parents, closed));
      }
      token = response.nextToken();
    } while (token != null);
    return shards;
  }

  @Override
  public String iterator(String shardId, ShardPosition position) {
    try {
      return typed(() -> getShardIterator(shardId, position));
    } catch (ShardReadException e) {
      // At no sequence number, not found is the shard itself: removed from the stream once its
      // records passed the retention, after the relay listed it.
      if (position.sequenceNumber().isEmpty()
          && e.getCause() instanceof ResourceNotFoundException) {
        throw ShardReadException.gone("Kinesis", e.getCause());
      }
      throw e;
    }
  }

  private String getShardIterator(String shardId, ShardPosition position) {
    GetShardIteratorRequest.Builder request =
        GetShardIteratorRequest.builder()
            .streamName(name)
            .shardId(shardId)
            .shardIteratorType(position.iteratorType());
    position.sequenceNumber().ifPresent(request::startingSequenceNumber);
    position.timestamp().ifPresent(request::timestamp);
    return client.getShardIterator(request.build()).shardIterator();
  }

  @Override
  public Read read(String shardId, String iterator, int limit) {
    GetRecordsResponse response =
        typed(() -> client.getRecords(r -> r.shardIterator(iterator).limit(Math.max(1, limit))));
    List<SourceRecord> records = new ArrayList<>(response.records().size());
    for (Record record : response.records()) {
      records.add(toSourceRecord(shardId, record));
    }
    return new Read(records, response.nextShardIterator(), response.millisBehindLatest());
  }

  /**
   * The call's result, or its SDK exception as a {@link ShardReadException}.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html">GetRecords
   *     errors</a>
   */
  static <T> T typed(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (ExpiredIteratorException e) {
      throw new ShardReadException(ShardReadException.Kind.ITERATOR_EXPIRED, e.getMessage(), e);
    } catch (ProvisionedThroughputExceededException
        | LimitExceededException
        | software.amazon.awssdk.services.kinesis.model.KmsThrottlingException e) {
      // KMS throttling (an encrypted stream's key): HTTP 400, but a wait cures it as any other.
      throw new ShardReadException(ShardReadException.Kind.THROTTLED, e.getMessage(), e);
    } catch (InvalidArgumentException | ResourceNotFoundException e) {
      // A sequence number not of this shard: AWS says InvalidArgument, kinesis-local (LocalStack's
      // engine) says ResourceNotFound.
      throw new ShardReadException(ShardReadException.Kind.NOT_IN_SHARD, e.getMessage(), e);
    } catch (SdkClientException e) {
      throw new ShardReadException(
          ShardReadException.Kind.RETRYABLE, "Kinesis not reachable: " + e.getMessage(), e);
    } catch (KinesisException e) {
      throw new ShardReadException(
          e.statusCode() >= 500 ? ShardReadException.Kind.RETRYABLE : ShardReadException.Kind.FATAL,
          "Kinesis failed: " + e.getMessage(),
          e);
    }
  }

  static SourceRecord toSourceRecord(String shardId, Record record) {
    return new SourceRecord(
        shardId,
        record.sequenceNumber(),
        record.data().asByteArray(),
        record.approximateArrivalTimestamp() == null
            ? Instant.EPOCH
            : record.approximateArrivalTimestamp());
  }
}
