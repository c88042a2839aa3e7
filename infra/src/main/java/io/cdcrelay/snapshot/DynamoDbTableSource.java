package io.cdcrelay.snapshot;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.source.AwsErrors;
import io.cdcrelay.source.DynamoDbTableUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The {@link TableSource} of a {@code dynamodb://} URL, over the AWS SDK: its region, custom
 * endpoint, credentials (else the default chain). The SDK does not retry on its own; the caller
 * retries what {@link SourceReadException#retryable()} says it may, and logs each attempt.
 */
public final class DynamoDbTableSource implements TableSource {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTableSource.class);

  /** Error codes that a later attempt may not get (besides throttling and server errors). */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "ExpiredTokenException",
          "RequestExpired",
          "LimitExceededException",
          "RequestLimitExceeded",
          "TransactionInProgressException");

  private final DynamoDbClient client;
  private final String table;
  // Where the table is read, for messages: " at http://localhost:4567", " in eu-central-1".
  private final String where;
  // The region asked, for a table not found at a custom endpoint (emulators keep one per region).
  private final String region;

  /** Scan pages read by {@link ScanBodyReader} rather than by the SDK. */
  private final AtomicLong pagesReadFromBody = new AtomicLong();

  public DynamoDbTableSource(DynamoDbClient client, String tableReference) {
    this(client, tableReference, "", null);
  }

  private DynamoDbTableSource(
      DynamoDbClient client, String tableReference, String where, String region) {
    this.client = client;
    this.table = tableReference;
    this.where = where;
    this.region = region;
  }

  /** A source for the URL's table. */
  public static DynamoDbTableSource from(DynamoDbTableUrl url) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build())
            .region(Region.of(url.region()))
            .credentialsProvider(credentials(url))
            .overrideConfiguration(
                c ->
                    c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new ScanBodyReader()));
    url.endpoint().ifPresent(builder::endpointOverride);
    return new DynamoDbTableSource(
        builder.build(),
        url.tableReference(),
        " " + url.where(),
        url.endpoint().isPresent() ? url.region() : null);
  }

  private static AwsCredentialsProvider credentials(DynamoDbTableUrl url) {
    if (url.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(url.accessKey().get(), url.secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public io.cdcrelay.snapshot.TableDescription describe() {
    DescribeTableResponse response;
    try {
      response = client.describeTable(r -> r.tableName(table));
    } catch (ResourceNotFoundException e) {
      throw new SourceReadException(
          "the DynamoDB table "
              + table
              + " does not exist"
              + where
              + (region == null ? "" : " in region " + region)
              + " (check its name and region; without region= in the URL it is AWS_REGION,"
              + " AWS_DEFAULT_REGION or the profile's, else us-east-1)",
          false,
          e);
    } catch (SdkClientException e) {
      // Before anything is read: a wrong endpoint or missing credentials, not an outage to wait
      // out for --give-up-after.
      throw new SourceReadException(
          "DescribeTable " + table + where + " failed: " + AwsErrors.describe(e), false, e);
    } catch (SdkException e) {
      if (AwsErrors.notAnAwsAnswer(e)) {
        // Another service's port or a web server: no wait makes it DynamoDB.
        throw new SourceReadException(
            "DescribeTable " + table + where + " failed: " + AwsErrors.describe(e), false, e);
      }
      throw failure("DescribeTable " + table + where, e);
    }
    TableDescription t = response.table();
    TimeToLive ttl = timeToLive();
    Map<String, String> types = new HashMap<>();
    for (AttributeDefinition definition : t.attributeDefinitions()) {
      types.put(definition.attributeName(), definition.attributeTypeAsString());
    }
    List<KeySchema.KeyColumn> keys = new ArrayList<>();
    for (KeyType role : List.of(KeyType.HASH, KeyType.RANGE)) {
      for (KeySchemaElement element : t.keySchema()) {
        if (element.keyType() == role) {
          String type = types.get(element.attributeName());
          keys.add(
              new KeySchema.KeyColumn(element.attributeName(), KeySchema.KeyType.valueOf(type)));
        }
      }
    }
    return new io.cdcrelay.snapshot.TableDescription(
        t.tableName(),
        t.tableArn() == null ? table : t.tableArn(),
        keys,
        t.itemCount() == null ? 0 : t.itemCount(),
        t.tableSizeBytes() == null ? 0 : t.tableSizeBytes(),
        ttl.attribute(),
        ttl.unreadable());
  }

  /** What {@code DescribeTimeToLive} says: the attribute if enabled; why, if it said nothing. */
  private record TimeToLive(Optional<String> attribute, Optional<String> unreadable) {}

  private TimeToLive timeToLive() {
    try {
      var ttl = client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
      if (ttl != null
          && (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED
              || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING)) {
        return new TimeToLive(Optional.ofNullable(ttl.attributeName()), Optional.empty());
      }
      return new TimeToLive(Optional.empty(), Optional.empty());
    } catch (SdkException e) {
      String code = e instanceof AwsServiceException service ? AwsErrors.errorCode(service) : null;
      LOG.debug("DescribeTimeToLive {}: {}", table, e.getMessage());
      // Emulators without time to live (dynalite) know no such operation: nothing expires there.
      if ("UnknownOperationException".equals(code)) {
        return new TimeToLive(Optional.empty(), Optional.empty());
      }
      return new TimeToLive(
          Optional.empty(), Optional.of(code != null ? code : e.getClass().getSimpleName()));
    }
  }

  @Override
  public ScanPage scan(
      int segment,
      int totalSegments,
      Map<String, AttributeValue> startKey,
      int limit,
      boolean consistentRead,
      boolean reportCapacity) {
    ScanRequest.Builder request =
        ScanRequest.builder().tableName(table).limit(limit).consistentRead(consistentRead);
    if (reportCapacity) {
      // Only where a budget paces the load: it costs DynamoDB nothing, but dynalite about a
      // tenth of its time per item.
      request.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    }
    if (totalSegments > 1) {
      request.segment(segment).totalSegments(totalSegments);
    }
    if (!startKey.isEmpty()) {
      request.exclusiveStartKey(SdkItems.toSdk(startKey));
    }
    // Read from the body by the client's ScanBodyReader where it has one.
    ScanBodyReader.Page body = new ScanBodyReader.Page();
    request.overrideConfiguration(c -> c.putExecutionAttribute(ScanBodyReader.PAGE, body));
    ScanResponse response;
    try {
      response = client.scan(request.build());
    } catch (SdkException e) {
      throw failure("Scan of segment " + segment + " of " + table, e);
    }
    if (body.read()) {
      pagesReadFromBody.incrementAndGet();
      return new ScanPage(
          body.items(),
          body.lastKey(),
          reportCapacity
              ? body.consumedCapacity()
              : ItemSize.readUnits(body.items(), consistentRead),
          body.bytes());
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>(response.items().size());
    response.items().forEach(item -> items.add(SdkItems.toModel(item)));
    double consumed;
    if (!reportCapacity) {
      consumed = ItemSize.readUnits(items, consistentRead);
    } else if (response.consumedCapacity() == null
        || response.consumedCapacity().capacityUnits() == null) {
      consumed = 0;
    } else {
      consumed = response.consumedCapacity().capacityUnits();
    }
    return new ScanPage(
        items,
        response.hasLastEvaluatedKey() ? SdkItems.toModel(response.lastEvaluatedKey()) : Map.of(),
        consumed);
  }

  /** How many Scan pages were read from the response body rather than by the SDK. */
  long pagesReadFromBody() {
    return pagesReadFromBody.get();
  }

  @Override
  public Optional<Map<String, AttributeValue>> getItem(Map<String, AttributeValue> key) {
    GetItemResponse response;
    try {
      response =
          client.getItem(r -> r.tableName(table).key(SdkItems.toSdk(key)).consistentRead(true));
    } catch (SdkException e) {
      throw failure("GetItem of " + table, e);
    }
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(SdkItems.toModel(response.item()))
        : Optional.empty();
  }

  /** The most keys one BatchGetItem request takes. */
  static final int BATCH_GET_KEYS = 100;

  /** How often keys DynamoDB left unprocessed are asked for again before the read fails. */
  private static final int UNPROCESSED_ATTEMPTS = 8;

  /** BatchGetItem, {@value #BATCH_GET_KEYS} keys a request, consistent reads. */
  @Override
  public List<Map<String, AttributeValue>> getItems(List<Map<String, AttributeValue>> keys) {
    List<Map<String, AttributeValue>> items = new ArrayList<>(keys.size());
    for (int from = 0; from < keys.size(); from += BATCH_GET_KEYS) {
      List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> wanted =
          new ArrayList<>();
      for (Map<String, AttributeValue> key :
          keys.subList(from, Math.min(keys.size(), from + BATCH_GET_KEYS))) {
        wanted.add(SdkItems.toSdk(key));
      }
      long pause = 50;
      for (int attempt = 1; !wanted.isEmpty(); attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) {
          throw new SourceReadException(
              "BatchGetItem of "
                  + table
                  + " left "
                  + wanted.size()
                  + " keys unprocessed "
                  + UNPROCESSED_ATTEMPTS
                  + " times (throttled)",
              true,
              null);
        }
        if (attempt > 1) {
          sleep(pause);
          pause = Math.min(pause * 2, 2_000);
        }
        KeysAndAttributes request =
            KeysAndAttributes.builder().keys(wanted).consistentRead(true).build();
        BatchGetItemResponse response;
        try {
          response = client.batchGetItem(r -> r.requestItems(Map.of(table, request)));
        } catch (SdkException e) {
          throw failure("BatchGetItem of " + table, e);
        }
        // One table asked for: its results whatever the key (its name or its ARN).
        response.responses().values().forEach(l -> l.forEach(i -> items.add(SdkItems.toModel(i))));
        wanted = new ArrayList<>();
        for (KeysAndAttributes left : response.unprocessedKeys().values()) {
          wanted.addAll(left.keys());
        }
      }
    }
    return items;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceReadException("interrupted while reading", false, e);
    }
  }

  /**
   * A failed request after {@code DescribeTable} answered (a failing one that no AWS service sent
   * is refused at once there): an answer without an AWS error type is the endpoint's own failure
   * (an emulator's bug, a proxy), not a sign of a wrong URL.
   */
  static SourceReadException failure(String what, SdkException e) {
    boolean retryable;
    if (e instanceof AwsServiceException service) {
      String code = AwsErrors.errorCode(service);
      retryable =
          service.isThrottlingException()
              || service.statusCode() >= 500
              || (code != null && RETRYABLE_CODES.contains(code));
    } else {
      retryable = e instanceof SdkClientException && !AwsErrors.noCredentials(e);
    }
    String why =
        AwsErrors.notAnAwsAnswer(e)
            ? e.getMessage()
                + " (the endpoint answered DescribeTable, then this without an AWS error type: a"
                + " failure of the service or emulator itself)"
            : AwsErrors.describe(e);
    return new SourceReadException(what + " failed: " + why, retryable, e);
  }

  @Override
  public void close() {
    client.close();
  }
}
