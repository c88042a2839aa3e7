package io.cdcrelay.kinesis;

import io.cdcrelay.change.SourceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis API calls of the local relay for one stream, in the relay's own terms: shards,
 * positions and records. Holds no state of its own; thread-safe like the client.
 */
public final class KinesisStream {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisStream.class);
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(5);

  private final KinesisClient client;
  private final String name;

  public KinesisStream(KinesisClient client, String name) {
    this.client = client;
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** What one read returned. */
  public record Read(List<SourceRecord> records, String nextIterator, Long millisBehindLatest) {
    /** Whether the shard is closed and read to its end. */
    public boolean shardEnded() {
      return nextIterator == null;
    }
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

  /** The stream's ARN, which keys its checkpoints. */
  public String arn() {
    return describe()
        .map(StreamDescriptionSummary::streamARN)
        .orElseThrow(
            () -> new StreamMissingException("the stream \"" + name + "\" does not exist"));
  }

  private Optional<StreamDescriptionSummary> describe() {
    try {
      return Optional.of(
          client.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Every shard of the stream still within its retention, open and closed. */
  public List<Shard> shards() {
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

  /** A shard iterator at {@code position}. */
  public String iterator(String shardId, ShardPosition position) {
    GetShardIteratorRequest.Builder request =
        GetShardIteratorRequest.builder()
            .streamName(name)
            .shardId(shardId)
            .shardIteratorType(position.iteratorType());
    position.sequenceNumber().ifPresent(request::startingSequenceNumber);
    position.timestamp().ifPresent(request::timestamp);
    return client.getShardIterator(request.build()).shardIterator();
  }

  /** Reads at most {@code limit} records at {@code iterator}. */
  public Read read(String shardId, String iterator, int limit) {
    GetRecordsResponse response =
        client.getRecords(r -> r.shardIterator(iterator).limit(Math.max(1, limit)));
    List<SourceRecord> records = new ArrayList<>(response.records().size());
    for (Record record : response.records()) {
      records.add(toSourceRecord(shardId, record));
    }
    return new Read(records, response.nextShardIterator(), response.millisBehindLatest());
  }

  /**
   * Finds the shard that holds {@code sequenceNumber} and when that record arrived: the anchor of a
   * {@code seqno-*} start.
   */
  public Optional<ShardPosition.Anchor> locate(List<Shard> shards, String sequenceNumber) {
    for (Shard shard : shards) {
      try {
        String iterator = iterator(shard.shardId(), ShardPosition.at(sequenceNumber));
        GetRecordsResponse response = client.getRecords(r -> r.shardIterator(iterator).limit(1));
        if (!response.records().isEmpty()
            && response.records().get(0).sequenceNumber().equals(sequenceNumber)) {
          Instant arrived = response.records().get(0).approximateArrivalTimestamp();
          return Optional.of(
              new ShardPosition.Anchor(shard.shardId(), arrived == null ? Instant.EPOCH : arrived));
        }
      } catch (InvalidArgumentException | ResourceNotFoundException e) {
        // The sequence number is not one of this shard's: AWS says InvalidArgument, kinesis-local
        // (LocalStack's engine) says ResourceNotFound.
        LOG.debug("sequence number {} is not in {}: {}", sequenceNumber, shard, e.getMessage());
      }
    }
    return Optional.empty();
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
