package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@link FaultyKinesis} in front of kinesis-local answers its injected faults as Kinesis does, in
 * the protocol the client speaks, so that the local relay's fault tests ({@code
 * LocalRelayContract}) see the typed exceptions production raises.
 */
class FaultyKinesisIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Pattern RECEIVED = Pattern.compile("batch \\S+: received=(\\d+)");

  private KinesisLocal kinesis;
  private TargetDatabase database;
  private FaultyKinesis proxy;
  private TableName table;
  private String stream;

  @BeforeEach
  void setUp() throws Exception {
    kinesis = KinesisLocal.get();
    database = PostgresDatabase.get();
    proxy = new FaultyKinesis(kinesis.port());
    int n = NAMES.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    table = new TableName(database.schema(), "faults_" + pid + "_" + n);
    stream = "faults-" + pid + "-" + n;
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  @Test
  void faultsAreAnsweredInTheProtocolOfTheClientCborByDefaultOrJson() {
    kinesis.createStream(stream, 1);
    kinesis.put(stream, List.of(Map.entry("k", "{}".getBytes(StandardCharsets.UTF_8))));

    // A client for AWS itself: the SDK's default, CBOR.
    try (KinesisClient cbor = client(KinesisClient.builder(), false)) {
      expectFaults(cbor);
    }
    assertThat(proxy.contentTypes()).containsExactly(FaultyKinesis.CBOR);

    // The relay's client for a custom endpoint (an emulator): JSON.
    try (KinesisClient json = client(KinesisClient.builder(), true)) {
      expectFaults(json);
    }
    assertThat(proxy.contentTypes()).contains(FaultyKinesis.JSON);
  }

  private void expectFaults(KinesisClient client) {
    String shard = client.listShards(r -> r.streamName(stream)).shards().get(0).shardId();
    String iterator =
        client
            .getShardIterator(
                r ->
                    r.streamName(stream)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();

    proxy.throttleGetRecords(1);
    assertThatThrownBy(() -> client.getRecords(r -> r.shardIterator(iterator)))
        .isInstanceOfSatisfying(
            ProvisionedThroughputExceededException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode())
                  .isEqualTo("ProvisionedThroughputExceededException");
            });

    proxy.expireIteratorAfter(0);
    assertThatThrownBy(() -> client.getRecords(r -> r.shardIterator(iterator)))
        .isInstanceOfSatisfying(
            ExpiredIteratorException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Iterator expired"));

    assertThat(client.getRecords(r -> r.shardIterator(iterator)).records()).hasSize(1);
  }

  private KinesisClient client(KinesisClientBuilder builder, boolean json) {
    builder
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(KinesisLocal.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(KinesisLocal.ACCESS_KEY, KinesisLocal.SECRET_KEY)))
        .endpointOverride(URI.create("http://127.0.0.1:" + proxy.port()))
        .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()));
    return json ? KinesisClients.buildWithJson(builder) : builder.build();
  }
}
