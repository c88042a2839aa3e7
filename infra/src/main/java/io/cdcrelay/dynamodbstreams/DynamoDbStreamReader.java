package io.cdcrelay.dynamodbstreams;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.kinesis.Shard;
import io.cdcrelay.kinesis.ShardPosition;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.kinesis.ShardReader;
import io.cdcrelay.source.AwsErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB Streams API calls of the local relay for one table's stream, in the relay's terms
 * (shards with their lineage, positions, records) and with typed errors. DynamoDB Streams has no
 * {@code AT_TIMESTAMP} iterator, returns at most 1,000 records a read, and closes and opens shards
 * every few hours.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html">DynamoDB
 *     Streams</a>
 */
public final class DynamoDbStreamReader implements ShardReader {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamReader.class);

  /** The most records one GetRecords returns. */
  public static final int READ_LIMIT = 1_000;

  private final DynamoDbClient dynamoDb;
  private final DynamoDbStreamsClient streams;
  private final String table;
  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);
  private volatile String streamArn;

  public DynamoDbStreamReader(
      DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table) {
    this.dynamoDb = dynamoDb;
    this.streams = streams;
    this.table = table;
  }

  /**
   * A reader of one given stream of {@code table}, which need not be its latest (the stream of a
   * failed batch, say): no DynamoDB client, as the table is never described.
   */
  public static DynamoDbStreamReader ofStream(
      DynamoDbStreamsClient streams, String table, String streamArn) {
    DynamoDbStreamReader reader = new DynamoDbStreamReader(null, streams, table);
    reader.streamArn = streamArn;
    return reader;
  }

  /** The table has no stream, or one that cannot feed the relay. */
  public static final class StreamUnusableException extends RuntimeException {
    StreamUnusableException(String message) {
      super(message);
    }
  }

  @Override
  public String name() {
    return table;
  }

  @Override
  public int readLimit() {
    return READ_LIMIT;
  }

  @Override
  public boolean readsFromTimestamp() {
    return false;
  }

  @Override
  public Decoded decode(SourceRecord record) {
    return decoder.decode(record);
  }

  /**
   * Checks that the table has a stream with new images and remembers its ARN. {@code create} does
   * not apply: the source URL refuses it for DynamoDB streams.
   */
  @Override
  public void ensureReady(boolean create, int shards, BooleanSupplier stopped) {
    streamArn = requireUsableStream(describeTable());
  }

  /** The ARN of the table's stream, which keys its checkpoints. */
  @Override
  public String arn() {
    if (streamArn == null) {
      streamArn = requireUsableStream(describeTable());
    }
    return streamArn;
  }

  @Override
  public Optional<String> lineage() {
    String arn = arn();
    int at = arn.lastIndexOf("/stream/");
    return at < 0 ? Optional.empty() : Optional.of(arn.substring(0, at + "/stream/".length()));
  }

  @Override
  public Optional<String> successor() {
    String arn = arn();
    try {
      TableDescription described = describeTable();
      StreamSpecification stream = described.streamSpecification();
      String latest = described.latestStreamArn();
      if (stream != null
          && Boolean.TRUE.equals(stream.streamEnabled())
          && latest != null
          && !latest.equals(arn)) {
        return Optional.of(latest);
      }
    } catch (RuntimeException e) {
      LOG.debug("asking whether the stream of {} was replaced: {}", table, e.getMessage());
    }
    return Optional.empty();
  }

  private TableDescription describeTable() {
    try {
      return typed(() -> dynamoDb.describeTable(d -> d.tableName(table)).table());
    } catch (ShardReadException e) {
      if (e.getCause() instanceof ResourceNotFoundException) {
        throw new StreamUnusableException("the DynamoDB table \"" + table + "\" does not exist");
      }
      throw e;
    }
  }

  /** The stream ARN of the table, if its stream can feed the relay; else one sentence why not. */
  static String requireUsableStream(TableDescription table) {
    StreamSpecification stream = table.streamSpecification();
    String fix =
        "; enable it with NEW_AND_OLD_IMAGES: relay provision 'dynamodb+cdc://…/"
            + table.tableName()
            + "' --function FUNCTION --on-failure-arn QUEUE_ARN";
    if (stream == null
        || !Boolean.TRUE.equals(stream.streamEnabled())
        || table.latestStreamArn() == null) {
      throw new StreamUnusableException(
          "the DynamoDB table \"" + table.tableName() + "\" has no stream" + fix);
    }
    StreamViewType view = stream.streamViewType();
    if (view != StreamViewType.NEW_AND_OLD_IMAGES && view != StreamViewType.NEW_IMAGE) {
      throw new StreamUnusableException(
          "the stream of DynamoDB table \""
              + table.tableName()
              + "\" has view type "
              + stream.streamViewTypeAsString()
              + ", which carries no new images of the items"
              + fix);
    }
    return table.latestStreamArn();
  }

  @Override
  public List<Shard> shards() {
    String arn = arn();
    List<Shard> shards = new ArrayList<>();
    String last = null;
    do {
      String from = last;
      DescribeStreamResponse response =
          typed(() -> streams.describeStream(d -> d.streamArn(arn).exclusiveStartShardId(from)));
      for (software.amazon.awssdk.services.dynamodb.model.Shard shard :
          response.streamDescription().shards()) {
        boolean closed =
            shard.sequenceNumberRange() != null
                && shard.sequenceNumberRange().endingSequenceNumber() != null;
        shards.add(
            new Shard(
                shard.shardId(),
                shard.parentShardId() == null ? List.of() : List.of(shard.parentShardId()),
                closed));
      }
      last = response.streamDescription().lastEvaluatedShardId();
    } while (last != null);
    return shards;
  }

  @Override
  public String iterator(String shardId, ShardPosition position) {
    if (position.timestamp().isPresent()) {
      throw new IllegalArgumentException("DynamoDB Streams has no AT_TIMESTAMP iterator");
    }
    GetShardIteratorRequest.Builder request =
        GetShardIteratorRequest.builder()
            .streamArn(arn())
            .shardId(shardId)
            .shardIteratorType(position.iteratorType());
    position.sequenceNumber().ifPresent(request::sequenceNumber);
    return ofShard(() -> streams.getShardIterator(request.build()).shardIterator());
  }

  @Override
  public Read read(String shardId, String iterator, int limit) {
    int capped = Math.max(1, Math.min(READ_LIMIT, limit));
    GetRecordsResponse response =
        ofShard(() -> streams.getRecords(r -> r.shardIterator(iterator).limit(capped)));
    String arn = arn();
    List<SourceRecord> records = new ArrayList<>(response.records().size());
    for (Record record : response.records()) {
      records.add(StreamRecordJson.toSourceRecord(record, arn, shardId));
    }
    // DynamoDB Streams does not say how far behind the head a read is.
    return new Read(records, response.nextShardIterator(), null);
  }

  /**
   * The result of a call on one shard (an iterator, a read): as {@link #typed}, and a shard that
   * DynamoDB Streams no longer knows ({@code ResourceNotFoundException}: its records all passed the
   * retention, between the listing and this call) is {@link ShardReadException.Kind#SHARD_GONE}, as
   * AWS's own DynamoDB Streams Kinesis Adapter takes it for the end of the shard.
   */
  static <T> T ofShard(Supplier<T> call) {
    try {
      return typed(call);
    } catch (ShardReadException e) {
      if (e.getCause() instanceof ResourceNotFoundException) {
        throw ShardReadException.gone("DynamoDB Streams", e.getCause());
      }
      throw e;
    }
  }

  /**
   * The call's result, or its SDK exception as a {@link ShardReadException}.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html">GetRecords
   *     errors</a>
   */
  static <T> T typed(Supplier<T> call) {
    try {
      return call.get();
    } catch (ExpiredIteratorException e) {
      throw new ShardReadException(ShardReadException.Kind.ITERATOR_EXPIRED, e.getMessage(), e);
    } catch (TrimmedDataAccessException e) {
      throw new ShardReadException(ShardReadException.Kind.TRIMMED, e.getMessage(), e);
    } catch (LimitExceededException | ProvisionedThroughputExceededException e) {
      throw new ShardReadException(ShardReadException.Kind.THROTTLED, e.getMessage(), e);
    } catch (SdkClientException e) {
      throw new ShardReadException(
          ShardReadException.Kind.RETRYABLE,
          "DynamoDB Streams not reachable: " + e.getMessage(),
          e);
    } catch (DynamoDbException e) {
      ShardReadException.Kind kind;
      String code = AwsErrors.errorCode(e);
      if (e.statusCode() >= 500 || "ThrottlingException".equals(code)) {
        kind =
            e.statusCode() >= 500
                ? ShardReadException.Kind.RETRYABLE
                : ShardReadException.Kind.THROTTLED;
      } else if ("ValidationException".equals(code)) {
        // A sequence number that is not one of the shard's.
        kind = ShardReadException.Kind.NOT_IN_SHARD;
      } else {
        kind = ShardReadException.Kind.FATAL;
      }
      throw new ShardReadException(kind, "DynamoDB Streams failed: " + e.getMessage(), e);
    }
  }
}
