package io.cdcrelay.snapshot;

import io.cdcrelay.tools.Dynalite;
import io.cdcrelay.tools.MotoServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A DynamoDB emulator on a loopback port (moto_server, dynalite): the {@code dynamodb://} URL of a
 * table, and what a test does to the table with its own client.
 */
public abstract class DynamoDbEmulator implements AutoCloseable {

  public static final String REGION = "us-east-1";
  public static final String ACCESS_KEY = "AKIADYNAMODBTEST0001";
  public static final String SECRET_KEY = "dynamo/secret+key";

  private DynamoDbClient client;

  /** A short name for test output. */
  public abstract String name();

  /** The plain HTTP port on 127.0.0.1. */
  public abstract int port();

  /** Whether {@code ConsumedCapacity} is computed as DynamoDB does (moto always says 1.0). */
  public abstract boolean computesCapacity();

  /**
   * Whether the emulator has time to live ({@code UpdateTimeToLive}, {@code DescribeTimeToLive}).
   */
  public abstract boolean supportsTimeToLive();

  /** The {@code dynamodb://} URL of a table, with credentials and {@code options}. */
  public String url(String table, String options) {
    return url(port(), table, options);
  }

  /** The URL reaching the emulator through another port (a proxy). */
  public String url(int port, String table, String options) {
    return "dynamodb://"
        + ACCESS_KEY
        + ":"
        + SECRET_KEY.replace("/", "%2F").replace("+", "%2B")
        + "@127.0.0.1:"
        + port
        + "/"
        + table
        + "?region="
        + REGION
        + (options.isEmpty() ? "" : "&" + options);
  }

  /** A client of the emulator. */
  public synchronized DynamoDbClient client() {
    if (client == null) {
      client =
          DynamoDbClient.builder()
              .httpClient(UrlConnectionHttpClient.create())
              .region(Region.of(REGION))
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
              .endpointOverride(URI.create("http://127.0.0.1:" + port()))
              .build();
    }
    return client;
  }

  /**
   * Creates an on-demand table with a partition key and, if {@code sortKey} is not null, a sort key
   * ({@code name:S|N|B}), and waits until it is ACTIVE.
   */
  public void createTable(String table, String partitionKey, String sortKey) {
    List<KeySchemaElement> keys = new ArrayList<>();
    List<AttributeDefinition> definitions = new ArrayList<>();
    add(partitionKey, KeyType.HASH, keys, definitions);
    if (sortKey != null) {
      add(sortKey, KeyType.RANGE, keys, definitions);
    }
    client()
        .createTable(
            r ->
                r.tableName(table)
                    .keySchema(keys)
                    .attributeDefinitions(definitions)
                    .billingMode(BillingMode.PAY_PER_REQUEST));
    waitUntil(
        () ->
            client().describeTable(r -> r.tableName(table)).table().tableStatus()
                == TableStatus.ACTIVE,
        "table " + table + " did not become ACTIVE");
  }

  /**
   * Deletes the table and waits until it is gone: dynalite deletes a table some time after it
   * answers, and a table of the same name created meanwhile is refused (ResourceInUseException, in
   * a CI run on a loaded machine).
   */
  public void deleteTable(String table) {
    client().deleteTable(r -> r.tableName(table));
    waitUntil(
        () -> {
          try {
            client().describeTable(r -> r.tableName(table));
            return false;
          } catch (ResourceNotFoundException gone) {
            return true;
          }
        },
        "table " + table + " was not deleted");
  }

  /** Polls {@code done} every 20 ms for up to 30 s; fails with {@code failure} after that. */
  private static void waitUntil(java.util.function.BooleanSupplier done, String failure) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(failure);
  }

  private static void add(
      String spec, KeyType role, List<KeySchemaElement> keys, List<AttributeDefinition> defs) {
    String[] parts = spec.split(":");
    keys.add(KeySchemaElement.builder().attributeName(parts[0]).keyType(role).build());
    defs.add(AttributeDefinition.builder().attributeName(parts[0]).attributeType(parts[1]).build());
  }

  /** Writes the items, 25 per BatchWriteItem, retrying what the emulator leaves unprocessed. */
  public void put(String table, List<Map<String, AttributeValue>> items) {
    for (int i = 0; i < items.size(); i += 25) {
      List<WriteRequest> requests = new ArrayList<>();
      for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
        requests.add(
            WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      }
      Map<String, List<WriteRequest>> pending = Map.of(table, requests);
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> request = pending;
        pending = client().batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
      }
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  /** A fresh moto_server, stopped by {@link #close}. */
  public static DynamoDbEmulator moto() {
    return moto(MotoServer.start(), "moto", true);
  }

  /**
   * The DynamoDB of a moto_server, named {@code name}; {@code owned}: stopped by {@link #close}.
   */
  public static DynamoDbEmulator moto(MotoServer server, String name, boolean owned) {
    return new DynamoDbEmulator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int port() {
        return server.port();
      }

      @Override
      public boolean computesCapacity() {
        return false;
      }

      @Override
      public boolean supportsTimeToLive() {
        return true;
      }

      @Override
      public synchronized void close() {
        super.close();
        if (owned) {
          server.close();
        }
      }
    };
  }

  /** The shared dynalite of this JVM (stopped when the JVM exits). */
  public static DynamoDbEmulator dynalite() {
    Dynalite server = Dynalite.get();
    return new DynamoDbEmulator() {
      @Override
      public String name() {
        return "dynalite";
      }

      @Override
      public int port() {
        return server.port();
      }

      @Override
      public boolean computesCapacity() {
        return true;
      }

      @Override
      public boolean supportsTimeToLive() {
        return false;
      }
    };
  }
}
