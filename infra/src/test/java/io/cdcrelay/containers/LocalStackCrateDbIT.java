package io.cdcrelay.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.cli.RelayCli;
import io.cdcrelay.dynamodbstreams.TableWorkload;
import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TableRows;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.cratedb.CrateDBContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DestinationStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Kinesis path from real table writes into a real CrateDB, in containers (Testcontainers):
 * LocalStack's DynamoDB forwards every write of a table into a Kinesis stream through the table's
 * Kinesis streaming destination, as AWS does — the one emulator that does — and {@code relay load
 * table 'kinesis+dynamodb+cdc://…'} applies the stream to CrateDB, whose rows must equal the table
 * read back with {@code Scan}.
 *
 * <p>Skipped with a message where no Docker engine is found, and where the LocalStack image needs
 * {@code LOCALSTACK_AUTH_TOKEN} and it is not set ({@link LocalStackImage}). Never the only proof
 * of a behaviour: the same path runs on moto and PostgreSQL in every build.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackCrateDbIT {

  /** The CrateDB release the relay's CrateDB tests have been run against. */
  static final String CRATEDB_IMAGE = "crate:6.4.3";

  private static LocalStackContainer localStack;
  private static CrateDBContainer crateDb;
  private static CrateDbDatabase database;

  @BeforeAll
  static void start() {
    LocalStackImage image = LocalStackImage.from(System.getenv());
    image
        .unusable()
        .ifPresent(
            why -> {
              System.err.println(why);
              Assumptions.abort(why);
            });
    localStack =
        new LocalStackContainer(
                DockerImageName.parse(image.name())
                    .asCompatibleSubstituteFor("localstack/localstack"))
            .withServices("dynamodb", "kinesis");
    image.authToken().ifPresent(token -> localStack.withEnv(LocalStackImage.AUTH_TOKEN, token));
    crateDb =
        new CrateDBContainer(DockerImageName.parse(CRATEDB_IMAGE))
            .withEnv("CRATE_HEAP_SIZE", "512m");
    localStack.start();
    crateDb.start();
    database =
        CrateDbDatabase.at(
            "jdbc:postgresql://"
                + crateDb.getHost()
                + ":"
                + crateDb.getMappedPort(5432)
                + "/doc?user=crate");
  }

  @AfterAll
  static void stop() {
    if (crateDb != null) {
      crateDb.stop();
    }
    if (localStack != null) {
      localStack.stop();
    }
  }

  @Test
  void realWritesReachCrateDbThroughTheTablesKinesisStreamingDestination() throws Exception {
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(localStack.getAccessKey(), localStack.getSecretKey()));
    Region region = Region.of(localStack.getRegion());
    URI endpoint = localStack.getEndpoint();
    String table = "orders";
    String stream = "orders-cdc";
    try (DynamoDbClient dynamoDb =
            DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        KinesisClient kinesis =
            KinesisClients.buildWithJson(
                KinesisClient.builder()
                    .endpointOverride(endpoint)
                    .region(region)
                    .credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.create()))) {
      kinesis.createStream(r -> r.streamName(stream).shardCount(1));
      kinesis.waiter().waitUntilStreamExists(r -> r.streamName(stream));
      String streamArn =
          kinesis
              .describeStreamSummary(r -> r.streamName(stream))
              .streamDescriptionSummary()
              .streamARN();
      TableWorkload.createTable(dynamoDb, table, null);
      dynamoDb.enableKinesisStreamingDestination(r -> r.tableName(table).streamArn(streamArn));
      awaitActive(dynamoDb, table);

      new TableWorkload(dynamoDb, table, 5L).run(300);
      Map<String, JsonNode> items = TableWorkload.scan(dynamoDb, table);

      TableName target = new TableName("doc", table);
      String source =
          "kinesis+dynamodb+cdc://"
              + localStack.getAccessKey()
              + ":"
              + localStack.getSecretKey()
              + "@"
              + endpoint.getHost()
              + ":"
              + endpoint.getPort()
              + "/"
              + stream
              + "?region="
              + region.id()
              + "&once=true";
      String targetUrl =
          "jdbc:postgresql://"
              + crateDb.getHost()
              + ":"
              + crateDb.getMappedPort(5432)
              + "/doc?user=crate&table=doc."
              + table;
      // LocalStack forwards the writes asynchronously: drain the stream until they are all there.
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      Map<String, JsonNode> rows = Map.of();
      while (!rows.equals(items) && System.nanoTime() < deadline) {
        assertThat(RelayCli.run("load", "table", source, "--target", targetUrl)).isZero();
        rows = TableWorkload.canonicalKeys(TableRows.liveItems(database, target, Set.of("sk")));
      }
      assertThat(rows).isEqualTo(items);
    }
  }

  private static void awaitActive(DynamoDbClient dynamoDb, String table)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (dynamoDb
          .describeKinesisStreamingDestination(r -> r.tableName(table))
          .kinesisDataStreamDestinations()
          .stream()
          .anyMatch(d -> d.destinationStatus() == DestinationStatus.ACTIVE)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the streaming destination of " + table + " is not ACTIVE");
  }
}
