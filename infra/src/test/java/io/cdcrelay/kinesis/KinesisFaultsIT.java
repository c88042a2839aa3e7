package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.cli.RelayCli;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.Records;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The local relay against Kinesis failing as it does in production, through {@link FaultyKinesis}
 * in front of kinesis-local: throttled reads are retried with backoff, an expired iterator is
 * renewed after the last record read; nothing is lost, nothing applied twice.
 */
class KinesisFaultsIT {

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

    // The relay's client: the SDK's default, CBOR.
    try (KinesisClient cbor = client(KinesisClient.builder(), false)) {
      expectFaults(cbor);
    }
    assertThat(proxy.contentTypes()).containsExactly(FaultyKinesis.CBOR);

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

  @Test
  void throttledReadsAreRetriedWithBackoffAndNothingIsLost() throws Exception {
    kinesis.createStream(stream, 1);
    Items items = Items.mixed("t", 20);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());

    // The SDK retries a throttled call itself (3 retries by default), then the relay backs off:
    // 6 throttled calls reach the relay's own backoff whatever the SDK's retry mode.
    proxy.throttleGetRecords(6);
    Run run = load(proxy.url(kinesis, stream, "once=true&batch-size=10&idle-sleep=0.1"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(proxy.contentTypes())
        .as("the relay's client speaks CBOR")
        .containsExactly(FaultyKinesis.CBOR);
    assertThat(proxy.throttledCalls()).isEqualTo(6);
    assertThat(proxy.getRecordsCalls()).isGreaterThan(6);
    assertThat(run.output())
        .contains("throttled, backing off 200 ms")
        .doesNotContain("Kinesis failed")
        .doesNotContain("ERROR");
    assertThat(received(run.output())).as(run.output()).isEqualTo(put.size());
    assertThat(live()).isEqualTo(items.expected());
    assertThat(deadLetters()).isZero();
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
  }

  @Test
  void anExpiredIteratorIsRenewedAfterTheLastRecordRead() throws Exception {
    kinesis.createStream(stream, 1);
    Items items = Items.mixed("x", 20);
    List<PutRecordsResultEntry> put = kinesis.put(stream, items.take());
    assertThat(put.size()).isGreaterThan(15);

    // Two reads of 5 records each pass (and are applied), the third finds its iterator expired.
    proxy.expireIteratorAfter(2);
    Run run = load(proxy.url(kinesis, stream, "once=true&batch-size=5&idle-sleep=0.1"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(proxy.expiredCalls()).isEqualTo(1);
    String lastRead = put.get(9).sequenceNumber();
    assertThat(run.output())
        .contains("iterator expired, renewing it after " + lastRead)
        .doesNotContain("ERROR");
    List<Map<String, Object>> iterators = proxy.getShardIteratorRequests();
    assertThat(proxy.getShardIteratorCalls()).isEqualTo(2);
    assertThat(iterators.get(0)).containsEntry("ShardIteratorType", "TRIM_HORIZON");
    assertThat(iterators.get(1))
        .containsEntry("ShardId", put.get(0).shardId())
        .containsEntry("ShardIteratorType", "AFTER_SEQUENCE_NUMBER")
        .containsEntry("StartingSequenceNumber", lastRead);
    // Every record applied exactly once: none skipped, none read twice.
    assertThat(received(run.output())).as(run.output()).isEqualTo(put.size());
    assertThat(live()).isEqualTo(items.expected());
    assertThat(deadLetters()).isZero();
    assertThat(checkpoints()).containsExactly(Map.entry(put.get(0).shardId(), last(put)));
  }

  // --- helpers

  private KinesisClient client(KinesisClientBuilder builder, boolean json) {
    builder
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(KinesisLocal.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(KinesisLocal.ACCESS_KEY, KinesisLocal.SECRET_KEY)))
        .endpointOverride(URI.create("http://127.0.0.1:" + proxy.port()))
        .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()));
    return json ? AwsClients.buildWithJson(builder) : builder.build();
  }

  /** The records the relay's batches received, summed over its batch lines. */
  private static int received(String output) {
    int sum = 0;
    Matcher m = RECEIVED.matcher(output);
    while (m.find()) {
      sum += Integer.parseInt(m.group(1));
    }
    return sum;
  }

  private static String last(List<PutRecordsResultEntry> put) {
    return put.get(put.size() - 1).sequenceNumber();
  }

  private Map<String, JsonNode> live() throws Exception {
    return TableRows.liveItems(database, table);
  }

  private long deadLetters() throws Exception {
    TableName deadLetters = table.sibling("_dead_letters");
    return tableExists(deadLetters) ? TableRows.count(database, deadLetters) : 0;
  }

  private boolean tableExists(TableName name) throws Exception {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema = ? AND table_name = ?")) {
      s.setString(1, name.schema());
      s.setString(2, name.table());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** The checkpoints of this test's stream and table, by shard. */
  private Map<String, String> checkpoints() throws Exception {
    TableName checkpoints = new TableName(table.schema(), "cdc_relay_checkpoints");
    Map<String, String> result = new TreeMap<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT shard_id, sequence_number FROM "
                    + checkpoints.quoted()
                    + " WHERE target_table = ? AND stream = ?")) {
      s.setString(1, table.toString());
      s.setString(2, stream);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return result;
  }

  private String target() {
    TargetUrl url = database.url(database.host(), database.port(), table);
    StringBuilder text =
        new StringBuilder(url.jdbcUrl())
            .append(url.jdbcUrl().contains("?") ? '&' : '?')
            .append("table=")
            .append(encode(table.schema() + "." + table.table()));
    if (url.user() != null) {
      text.append("&user=").append(encode(url.user()));
    }
    if (url.password() != null) {
      text.append("&password=").append(encode(url.password()));
    }
    return text.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private record Run(int exitCode, String output) {}

  /** {@code relay load table SOURCE --target TARGET} in this JVM, standard error captured. */
  private Run load(String source) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      int code =
          new CommandLine(new RelayCli()).execute("load", "table", source, "--target", target());
      return new Run(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  /** DynamoDB changes as CDC records, and the live items they leave. */
  private static final class Items {
    private final Map<String, Map<String, AttributeValue>> live = new TreeMap<>();
    private final List<Map.Entry<String, byte[]>> records = new ArrayList<>();
    private long micros = 1_720_740_233_000_000L;

    static Items mixed(String prefix, int n) {
      Items items = new Items();
      for (int i = 0; i < n; i++) {
        items.upsert("INSERT", prefix + i, i);
      }
      for (int i = 0; i < n; i += 3) {
        items.upsert("MODIFY", prefix + i, i * 10);
      }
      for (int i = 0; i < n; i += 5) {
        items.remove(prefix + i);
      }
      return items;
    }

    private void upsert(String event, String id, int value) {
      Map<String, AttributeValue> item = new LinkedHashMap<>();
      item.put("id", new AttributeValue.S(id));
      item.put("value", new AttributeValue.N(BigDecimal.valueOf(value)));
      live.put(id, item);
      add(id, Records.upsert(event, id, micros++, "\"value\":{\"N\":\"" + value + "\"}"));
    }

    private void remove(String id) {
      live.remove(id);
      add(id, Records.remove(id, micros++));
    }

    private void add(String id, String json) {
      records.add(new AbstractMap.SimpleEntry<>(id, json.getBytes(StandardCharsets.UTF_8)));
    }

    List<Map.Entry<String, byte[]>> take() {
      List<Map.Entry<String, byte[]>> taken = new ArrayList<>(records);
      records.clear();
      return taken;
    }

    Map<String, JsonNode> expected() {
      Map<String, JsonNode> expected = new TreeMap<>();
      live.forEach((id, item) -> expected.put("{\"id\":\"" + id + "\"}", TableRows.plain(item)));
      return expected;
    }
  }
}
