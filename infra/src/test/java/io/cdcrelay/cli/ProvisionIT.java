package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.provision.MappingSettings;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.tools.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ApproximateCreationDateTimePrecision;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DestinationStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KinesisDataStreamDestination;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * {@code relay provision}, {@code teardown} and {@code sam-params} against moto's Lambda, Kinesis
 * and DynamoDB control planes ({@code moto_server}, started for this class, with DynamoDB's Kinesis
 * streaming destination API added by {@code moto/streaming_destination.py}).
 */
class ProvisionIT {

  private static final String FUNCTION = "relay-fn";
  private static final String FAILED_QUEUE = "arn:aws:sqs:us-east-1:123456789012:failed-batches";

  private static MotoServer moto;
  private static KinesisClient kinesis;
  private static LambdaClient lambda;
  private static DynamoDbClient dynamoDb;
  private static String role;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() throws IOException {
    moto = MotoServer.start();
    kinesis = moto.kinesis();
    lambda = moto.client(LambdaClient.builder());
    dynamoDb = moto.client(DynamoDbClient.builder());
    try (IamClient iam = moto.client(IamClient.builder(), Region.AWS_GLOBAL)) {
      role =
          iam.createRole(
                  r ->
                      r.roleName("relay-fn-role")
                          .assumeRolePolicyDocument(
                              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                  + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},"
                                  + "\"Action\":\"sts:AssumeRole\"}]}"))
              .role()
              .arn();
    }
    createFunction(FUNCTION);
  }

  /** Creates a function in moto (which needs one for a mapping); moto accepts any zip. */
  private static String createFunction(String name) throws IOException {
    return createFunction(name, SourceType.KINESIS_DATA_STREAM);
  }

  /** A function running the relay's handler for {@code type}, as the template deploys it. */
  private static String createFunction(String name, SourceType type) throws IOException {
    SdkBytes code = SdkBytes.fromByteArray(zip());
    lambda.createFunction(
        r ->
            r.functionName(name)
                .runtime(Runtime.JAVA21)
                .role(role)
                .handler(type.handlerClass() + "::handleRequest")
                .code(c -> c.zipFile(code))
                .environment(
                    e ->
                        e.variables(
                            Map.of(
                                "CRATEDB_SQLALCHEMY_URL",
                                "crate://crate@localhost:4200/doc/demo"))));
    return name;
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      kinesis.close();
      lambda.close();
      dynamoDb.close();
      moto.close();
    }
  }

  @Test
  void firstRunCreatesSecondFindsEverythingPresentTeardownRemoves() {
    String url = url("created", "create=true");
    ok("provision", url, "--function", FUNCTION, "--on-failure-arn", FAILED_QUEUE);
    assertThat(out.toString())
        .containsPattern("stream +created +created")
        .containsPattern("event source mapping +created +relay-fn ← created")
        .contains("Done: 2 changed");
    assertThat(
            kinesis
                .describeStreamSummary(r -> r.streamName("created"))
                .streamDescriptionSummary()
                .streamStatusAsString())
        .isEqualTo("ACTIVE");
    assertThat(kinesis.listTagsForStream(r -> r.streamName("created")).tags())
        .anyMatch(t -> t.key().equals("cdc-relay:created-by"));
    EventSourceMappingConfiguration mapping = onlyMapping("created");
    assertThat(mapping.batchSize()).isEqualTo(100);
    assertThat(mapping.startingPositionAsString()).isEqualTo("TRIM_HORIZON");
    assertThat(mapping.maximumBatchingWindowInSeconds()).isEqualTo(1);
    assertThat(mapping.functionResponseTypesAsStrings()).containsExactly("ReportBatchItemFailures");
    assertThat(mapping.bisectBatchOnFunctionError()).isTrue();
    assertThat(mapping.maximumRetryAttempts()).isEqualTo(10_000);
    assertThat(mapping.maximumRecordAgeInSeconds())
        .isEqualTo(MappingSettings.MAXIMUM_RECORD_AGE_IN_SECONDS);
    assertThat(mapping.parallelizationFactor()).isEqualTo(1);
    assertThat(mapping.destinationConfig().onFailure().destination()).isEqualTo(FAILED_QUEUE);

    ok("provision", url, "--function", FUNCTION, "--on-failure-arn", FAILED_QUEUE);
    assertThat(stepLines()).hasSize(2).allMatch(l -> l.contains("already present"));
    assertThat(out.toString()).contains("Nothing changed: everything already present.");
    assertThat(onlyMapping("created")).isEqualTo(mapping);

    ok("provision", url + "&batch-size=500&buffer-time=2.5", "--function", FUNCTION);
    assertThat(out.toString())
        .containsPattern(
            "event source mapping +updated .*BatchSize 100 → 500, MaximumBatchingWindowInSeconds 1 → 3");
    assertThat(onlyMapping("created").batchSize()).isEqualTo(500);
    ok("provision", url + "&batch-size=500&buffer-time=2.5", "--function", FUNCTION);
    assertThat(out.toString()).contains("Nothing changed");

    ok("teardown", url, "--function", FUNCTION);
    assertThat(out.toString())
        .containsPattern("event source mapping +deleted")
        .containsPattern("stream +deleted +created: created by relay provision");
    assertThat(mappings("created")).isEmpty();
    assertThat(streamExists("created")).isFalse();
    ok("teardown", url, "--function", FUNCTION);
    assertThat(out.toString()).contains("Nothing to remove.");
  }

  @Test
  void aFunctionWithTheTemplatesAliasIsInvokedThroughIt() throws IOException {
    // template.yaml publishes versions under the alias "live" (SnapStart runs published versions
    // only): the mapping must invoke the alias, not the unpublished $LATEST.
    String function = createFunction("relay-snapstart");
    String version = lambda.publishVersion(r -> r.functionName(function)).version();
    lambda.createAlias(r -> r.functionName(function).name("live").functionVersion(version));
    String url = url("aliased", "create=true");

    ok("provision", url, "--function", function);

    EventSourceMappingConfiguration mapping = onlyMapping("aliased");
    String functionArn =
        lambda.getFunction(r -> r.functionName(function)).configuration().functionArn();
    // AWS reports the alias's ARN; moto the version the alias points at.
    assertThat(mapping.functionArn())
        .isIn(
            lambda.getAlias(r -> r.functionName(function).name("live")).aliasArn(),
            functionArn + ":" + version);
    ok("provision", url, "--function", function);
    assertThat(out.toString()).contains("Nothing changed: everything already present.");

    // New settings run under the alias once published: a version that is ready, the alias on it.
    createTable("aliased-table");
    ok("provision", url, "--dynamodb-table", "aliased-table", "--function", function);
    String moved = lambda.getAlias(r -> r.functionName(function).name("live")).functionVersion();
    assertThat(moved).isNotEqualTo(version);
    assertThat(
            lambda
                .getFunctionConfiguration(r -> r.functionName(function).qualifier(moved))
                .environment()
                .variables())
        .containsEntry("CRATEDB_SOURCE_TABLE", "aliased-table");
    ok("teardown", url, "--dynamodb-table", "aliased-table", "--function", function);
    assertThat(mappings("aliased")).isEmpty();
  }

  @Test
  void settingsOnLatestButNotPublishedArePublishedUnderTheAlias() throws IOException {
    // A run that updated $LATEST, then stopped before PublishVersion: the alias still runs the
    // version without the table filter, which the next run must see and publish.
    String function = createFunction("relay-unpublished");
    String version = lambda.publishVersion(r -> r.functionName(function)).version();
    lambda.createAlias(r -> r.functionName(function).name("live").functionVersion(version));
    createTable("unpublished-table");
    Map<String, String> latest = new java.util.HashMap<>(environment(function));
    latest.put("CRATEDB_SOURCE_TABLE", "unpublished-table");
    lambda.updateFunctionConfiguration(
        r -> r.functionName(function).environment(e -> e.variables(latest)));

    ok(
        "provision",
        url("unpublished", "create=true"),
        "--dynamodb-table",
        "unpublished-table",
        "--function",
        function);

    assertThat(out.toString()).containsPattern("function environment +updated");
    String moved = lambda.getAlias(r -> r.functionName(function).name("live")).functionVersion();
    assertThat(moved).isNotEqualTo(version);
    assertThat(
            lambda
                .getFunctionConfiguration(r -> r.functionName(function).qualifier("live"))
                .environment()
                .variables())
        .containsEntry("CRATEDB_SOURCE_TABLE", "unpublished-table");
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() {
    String url = url("dry", "create=true&create-shards=3&start=latest");
    ok("provision", url, "--function", FUNCTION, "--dry-run");
    assertThat(out.toString())
        .startsWith("Plan for kinesis+dynamodb+cdc://")
        .containsPattern("stream +create +dry: 3 shards in us-east-1")
        .containsPattern(
            "event source mapping +create +relay-fn ← dry: BatchSize 100, StartingPosition LATEST")
        .contains("Dry run: nothing changed.");
    assertThat(streamExists("dry")).isFalse();

    ok("provision", url, "--function", FUNCTION);
    assertThat(out.toString()).startsWith("Provisioning kinesis+dynamodb+cdc://");
    ok("teardown", url, "--function", FUNCTION, "--dry-run");
    assertThat(out.toString())
        .startsWith("Teardown plan for kinesis+dynamodb+cdc://")
        .containsPattern("stream +delete +dry")
        .contains("Dry run: nothing changed.");
    assertThat(streamExists("dry")).isTrue();
    assertThat(mappings("dry")).hasSize(1);
    ok("teardown", url, "--function", FUNCTION);
    assertThat(out.toString()).startsWith("Tearing down kinesis+dynamodb+cdc://").contains("Done.");
  }

  @Test
  void teardownKeepsAStreamThatProvisionDidNotCreate() {
    kinesis.createStream(r -> r.streamName("theirs").shardCount(1));
    for (String options : List.of("region=us-east-1", "create=true")) {
      String url = url("theirs", options);
      ok("provision", url, "--function", FUNCTION);
      assertThat(out.toString())
          .containsPattern("stream +already present +theirs: ACTIVE, 1 shard");
      ok("teardown", url, "--function", FUNCTION);
      assertThat(out.toString()).containsPattern("stream +kept +theirs");
      assertThat(streamExists("theirs")).isTrue();
      assertThat(mappings("theirs")).isEmpty();
    }
  }

  @Test
  void seqnoStartBeginsAtTheRecordsTimeAndFiltersEarlierRecords() throws IOException {
    String replayFunction = createFunction("relay-replay");
    kinesis.createStream(r -> r.streamName("replay").shardCount(2));
    List<PutRecordResponse> puts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String key = "item-" + i;
      puts.add(
          kinesis.putRecord(
              r ->
                  r.streamName("replay")
                      .partitionKey(key)
                      .data(
                          SdkBytes.fromString(
                              "{\"n\":" + key.length() + "}", StandardCharsets.UTF_8))));
    }
    PutRecordResponse start = puts.get(3);
    String url = url("replay", "start=seqno-after&seqno=" + start.sequenceNumber());

    ok("provision", url, "--function", replayFunction);
    assertThat(out.toString())
        .containsPattern(
            "function environment +updated +relay-replay: START_SHARD_ID=" + start.shardId())
        .containsPattern("event source mapping +created .*StartingPosition AT_TIMESTAMP");
    assertThat(out.toString().indexOf("function environment"))
        .isLessThan(out.toString().indexOf("event source mapping"));
    Map<String, String> env =
        lambda
            .getFunctionConfiguration(r -> r.functionName(replayFunction))
            .environment()
            .variables();
    assertThat(env)
        .containsEntry("START_SHARD_ID", start.shardId())
        .containsEntry("START_SEQUENCE_NUMBER", start.sequenceNumber())
        .containsEntry("START_MODE", "after")
        .containsEntry("CRATEDB_SQLALCHEMY_URL", "crate://crate@localhost:4200/doc/demo");
    assertThat(onlyMapping("replay").startingPositionAsString()).isEqualTo("AT_TIMESTAMP");

    ok("provision", url, "--function", replayFunction);
    assertThat(out.toString()).contains("Nothing changed");

    ok("sam-params", url);
    assertThat(out.toString().trim())
        .startsWith("StreamArn=arn:aws:kinesis:us-east-1:123456789012:stream/replay BatchSize=100")
        .containsPattern("StartingPosition=AT_TIMESTAMP StartingPositionTimestamp=\\d{10} ")
        .contains(
            "StartShardId=" + start.shardId(),
            "StartSequenceNumber=" + start.sequenceNumber(),
            "StartMode=after");

    ok("teardown", url, "--function", replayFunction);
    assertThat(out.toString())
        .containsPattern(
            "function environment +updated +relay-replay: remove START_SHARD_ID,"
                + " START_SEQUENCE_NUMBER, START_MODE");
    assertThat(
            lambda
                .getFunctionConfiguration(r -> r.functionName(replayFunction))
                .environment()
                .variables())
        .doesNotContainKeys("START_SHARD_ID", "START_SEQUENCE_NUMBER", "START_MODE")
        .containsKey("CRATEDB_SQLALCHEMY_URL");
  }

  @Test
  void sequenceNumberInNoShardFailsBeforeAnyChange() {
    kinesis.createStream(r -> r.streamName("empty").shardCount(1));
    String url =
        url(
            "empty",
            "start=seqno-at&seqno=49656709367126341276484543186423045812698406329470730242");
    assertThat(run("provision", url, "--function", FUNCTION)).isEqualTo(1);
    assertThat(err.toString())
        .contains("Provisioning failed:")
        .contains("in no shard of the stream empty");
    assertThat(mappings("empty")).isEmpty();
  }

  @Test
  void missingFunctionOrTableFailsBeforeAnyChange() {
    assertThat(run("provision", url("nofn", "create=true"), "--function", "no-such-function"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("the Lambda function no-such-function does not exist in us-east-1");
    assertThat(run("provision", url("nofn", "create=true"), "--dynamodb-table", "no-such-table"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("the DynamoDB table no-such-table does not exist in us-east-1");
    assertThat(streamExists("nofn")).isFalse();
  }

  @Test
  void destinationIsEnabledAtMicrosecondPrecisionUpdatedAndDisabled() {
    createTable("orders");
    String url = url("orders-cdc", "create=true");
    ok("provision", url, "--dynamodb-table", "orders", "--function", FUNCTION, "--dry-run");
    assertThat(out.toString())
        .containsPattern(
            "streaming destination +create +orders → the new stream: enable with"
                + " ApproximateCreationDateTimePrecision MICROSECOND")
        .contains("Dry run: nothing changed.");
    assertThat(streamExists("orders-cdc")).isFalse();
    assertThat(destinations("orders")).isEmpty();

    ok("provision", url, "--dynamodb-table", "orders", "--function", FUNCTION);
    assertThat(resources())
        .containsExactly(
            "stream", "function environment", "event source mapping", "streaming destination");
    assertThat(out.toString())
        .containsPattern("function environment +updated +relay-fn: CRATEDB_SOURCE_TABLE=orders")
        .containsPattern(
            "streaming destination +created +orders → the new stream: enable with"
                + " ApproximateCreationDateTimePrecision MICROSECOND")
        .contains("Done: 4 changed");
    assertThat(environment(FUNCTION))
        .containsEntry("CRATEDB_SOURCE_TABLE", "orders")
        .containsKey("CRATEDB_SQLALCHEMY_URL");
    String arn = streamArn("orders-cdc");
    assertThat(destinations("orders"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.streamArn()).isEqualTo(arn);
              assertThat(d.destinationStatus()).isEqualTo(DestinationStatus.ACTIVE);
              assertThat(d.approximateCreationDateTimePrecision())
                  .isEqualTo(ApproximateCreationDateTimePrecision.MICROSECOND);
            });

    ok("provision", url, "--dynamodb-table", "orders", "--function", FUNCTION);
    assertThat(stepLines()).hasSize(4).allMatch(l -> l.contains("already present"));
    assertThat(out.toString())
        .containsPattern(
            "streaming destination +already present +orders → orders-cdc: ACTIVE, MICROSECOND"
                + " precision")
        .contains("Nothing changed: everything already present.");

    // Someone set the default precision: provision puts MICROSECOND back, a dry run does not.
    dynamoDb.updateKinesisStreamingDestination(
        r ->
            r.tableName("orders")
                .streamArn(arn)
                .updateKinesisStreamingConfiguration(
                    c ->
                        c.approximateCreationDateTimePrecision(
                            ApproximateCreationDateTimePrecision.MILLISECOND)));
    ok("provision", url, "--dynamodb-table", "orders", "--dry-run");
    assertThat(out.toString())
        .containsPattern(
            "streaming destination +update +orders → orders-cdc:"
                + " ApproximateCreationDateTimePrecision MILLISECOND → MICROSECOND");
    assertThat(precision("orders")).isEqualTo(ApproximateCreationDateTimePrecision.MILLISECOND);
    ok("provision", url, "--dynamodb-table", "orders");
    assertThat(out.toString())
        .containsPattern("streaming destination +updated +orders → orders-cdc")
        .contains("Done: 1 changed, 1 already present.");
    assertThat(precision("orders")).isEqualTo(ApproximateCreationDateTimePrecision.MICROSECOND);

    ok("teardown", url, "--dynamodb-table", "orders", "--function", FUNCTION, "--dry-run");
    assertThat(out.toString())
        .containsPattern("streaming destination +delete +orders → orders-cdc: disable");
    assertThat(destinations("orders"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.ACTIVE);

    ok("teardown", url, "--dynamodb-table", "orders", "--function", FUNCTION);
    assertThat(out.toString())
        .containsPattern("event source mapping +deleted")
        .containsPattern("function environment +updated +relay-fn: remove CRATEDB_SOURCE_TABLE")
        .containsPattern("streaming destination +deleted +orders → orders-cdc: disable")
        .containsPattern("stream +deleted +orders-cdc");
    assertThat(resources())
        .containsExactly(
            "event source mapping", "function environment", "streaming destination", "stream");
    assertThat(environment(FUNCTION))
        .doesNotContainKey("CRATEDB_SOURCE_TABLE")
        .containsKey("CRATEDB_SQLALCHEMY_URL");
    assertThat(destinations("orders"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.DISABLED);
    assertThat(streamExists("orders-cdc")).isFalse();
    ok("teardown", url, "--dynamodb-table", "orders", "--function", FUNCTION);
    assertThat(out.toString()).contains("Nothing to remove.");

    // A disabled destination is enabled again.
    ok("provision", url, "--dynamodb-table", "orders");
    assertThat(out.toString())
        .containsPattern("stream +created +orders-cdc")
        .containsPattern("streaming destination +created +orders → the new stream");
    assertThat(destinations("orders"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.ACTIVE);
    ok("teardown", url, "--dynamodb-table", "orders");
    assertThat(destinations("orders"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.DISABLED);
  }

  @Test
  void startLatestEnablesTheTablesDestinationOnlyOnceTheMappingIsEnabled() throws IOException {
    // AWS's new mapping is Creating, then Enabling: LATEST is where the stream is once it is
    // Enabled, so what the table wrote before would be skipped.
    createTable("latest_wait");
    String function = createFunction("relay-latest");
    try (MappingStateProxy proxy = new MappingStateProxy(moto.port())) {
      proxy.answerStates("Creating", "Enabling");
      ok(
          "provision",
          url("latest-wait", "create=true&start=latest")
              .replace(":" + moto.port(), ":" + proxy.port()),
          "--dynamodb-table",
          "latest_wait",
          "--function",
          function);
      assertThat(proxy.answered()).containsExactly("Creating", "Enabling", "Enabled");
      assertThat(resources()).containsSubsequence("event source mapping", "streaming destination");
      assertThat(destinations("latest_wait")).hasSize(1);
      assertThat(onlyMapping("latest-wait").startingPositionAsString()).isEqualTo("LATEST");
    }
  }

  @Test
  void startLatestStopsBeforeTheDestinationWhenTheMappingIsDisabled() throws IOException {
    createTable("latest_disabled");
    String function = createFunction("relay-latest-disabled");
    try (MappingStateProxy proxy = new MappingStateProxy(moto.port())) {
      proxy.answerStates("Creating", "Disabled");
      String url =
          url("latest-disabled", "create=true&start=latest")
              .replace(":" + moto.port(), ":" + proxy.port());
      assertThat(
              run("provision", url, "--dynamodb-table", "latest_disabled", "--function", function))
          .isEqualTo(1);
      assertThat(err.toString())
          .contains("is Disabled instead of Enabled (scripted by the test); nothing further");
      assertThat(destinations("latest_disabled")).isEmpty();
    }
  }

  @Test
  void startTrimHorizonDoesNotWaitForTheMapping() throws IOException {
    String function = createFunction("relay-trim");
    try (MappingStateProxy proxy = new MappingStateProxy(moto.port())) {
      proxy.answerStates("Creating");
      ok(
          "provision",
          url("trim-nowait", "create=true").replace(":" + moto.port(), ":" + proxy.port()),
          "--function",
          function);
      assertThat(proxy.answered()).isEmpty();
    }
  }

  @Test
  void twoTablesShareTheStreamAndTeardownOfOneKeepsIt() throws IOException {
    createTable("left");
    createTable("right");
    String function = createFunction("relay-two");
    String url = url("shared", "create=true");
    ok("provision", url, "--dynamodb-table", "left", "--function", function);
    assertThat(environment(function)).containsEntry("CRATEDB_SOURCE_TABLE", "left");

    String[] both = {"--dynamodb-table", "left", "--dynamodb-table", "right"};
    ok(args("provision", url, both, "--function", function));
    assertThat(out.toString())
        .containsPattern("function environment +updated +relay-two: remove CRATEDB_SOURCE_TABLE")
        .containsPattern("streaming destination +already present +left → shared")
        .containsPattern("streaming destination +created +right → shared")
        .contains("Done: 2 changed, 3 already present.");
    assertThat(environment(function))
        .doesNotContainKey("CRATEDB_SOURCE_TABLE")
        .containsKey("CRATEDB_SQLALCHEMY_URL");
    String arn = streamArn("shared");
    for (String table : List.of("left", "right")) {
      assertThat(destinations(table))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.streamArn()).isEqualTo(arn);
                assertThat(d.destinationStatus()).isEqualTo(DestinationStatus.ACTIVE);
              });
    }
    ok(args("provision", url, both, "--function", function));
    assertThat(stepLines()).hasSize(4).allMatch(l -> l.contains("already present"));
    assertThat(out.toString()).contains("Nothing changed: everything already present.");

    ok(args("sam-params", url, both));
    assertThat(out.toString().trim()).startsWith("StreamName=shared ShardCount=1 BatchSize=100");

    ok("teardown", url, "--dynamodb-table", "left");
    assertThat(out.toString())
        .containsPattern("streaming destination +deleted +left → shared: disable")
        .containsPattern("stream +kept +shared: the DynamoDB table right still streams into it");
    assertThat(streamExists("shared")).isTrue();
    assertThat(destinations("left"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.DISABLED);
    assertThat(destinations("right"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.ACTIVE);

    ok("teardown", url, "--dynamodb-table", "right", "--function", function);
    assertThat(out.toString())
        .containsPattern("streaming destination +deleted +right → shared: disable")
        .containsPattern("stream +deleted +shared: created by relay provision");
    assertThat(streamExists("shared")).isFalse();
  }

  @Test
  void tableStreamingToAnotherStreamFailsBeforeAnyChange() {
    // DynamoDB streams a table to one Kinesis stream at a time.
    createTable("busy");
    kinesis.createStream(r -> r.streamName("busy-other").shardCount(1));
    String other = streamArn("busy-other");
    dynamoDb.enableKinesisStreamingDestination(r -> r.tableName("busy").streamArn(other));
    String url = url("busy-mine", "region=us-east-1&create=true");

    assertThat(run("provision", url, "--dynamodb-table", "busy", "--dry-run")).isEqualTo(1);
    assertThat(run("provision", url, "--dynamodb-table", "busy")).isEqualTo(1);
    assertThat(err.toString())
        .contains("the DynamoDB table busy already streams its changes to " + other);
    assertThat(kinesis.listStreams().streamNames()).doesNotContain("busy-mine");
    assertThat(destinations("busy"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.streamArn()).isEqualTo(other);
              assertThat(d.destinationStatus()).isEqualTo(DestinationStatus.ACTIVE);
              assertThat(d.approximateCreationDateTimePrecision())
                  .isEqualTo(ApproximateCreationDateTimePrecision.MILLISECOND);
            });
    kinesis.createStream(r -> r.streamName("busy-mine").shardCount(1));

    // Teardown leaves the other stream's destination alone.
    ok("teardown", url, "--dynamodb-table", "busy");
    assertThat(out.toString())
        .containsPattern("streaming destination +absent +busy → busy-mine")
        .containsPattern("stream +kept +busy-mine");
    assertThat(destinations("busy"))
        .singleElement()
        .extracting(KinesisDataStreamDestination::destinationStatus)
        .isEqualTo(DestinationStatus.ACTIVE);
  }

  @Test
  void samParamsReadsTheArnOfAnExistingStream() {
    kinesis.createStream(r -> r.streamName("existing").shardCount(1));
    ok("sam-params", url("existing", "batch-size=250&buffer-time=0"));
    assertThat(out.toString().trim())
        .isEqualTo(
            "StreamArn=arn:aws:kinesis:us-east-1:123456789012:stream/existing BatchSize=250"
                + " StartingPosition=TRIM_HORIZON MaximumBatchingWindowInSeconds=0"
                + " SourceType=KinesisDataStream StreamName=\"\" TableStreamArn=\"\""
                + " StartingPositionTimestamp=\"\" StartShardId=\"\" StartSequenceNumber=\"\""
                + " StartMode=\"\"");
    assertThat(run("sam-params", url("absent", "region=us-east-1"))).isEqualTo(1);
    assertThat(err.toString()).contains("the stream absent does not exist");
  }

  @Test
  void tableStreamIsTurnedOnAndMappedTeardownLeavesItOnUnlessAsked() throws IOException {
    String function = createFunction("relay-ddb", SourceType.DYNAMODB_STREAM);
    createTable("ddb-orders");
    String url = tableUrl("ddb-orders", "region=us-east-1");
    ok("provision", url, "--function", function, "--dry-run");
    assertThat(out.toString())
        .containsPattern("table stream +create +ddb-orders: turn on with StreamViewType")
        .containsPattern(
            "event source mapping +create +relay-ddb ← the DynamoDB stream of ddb-orders")
        .contains("Dry run: nothing changed.");
    assertThat(dynamoDb.describeTable(r -> r.tableName("ddb-orders")).table().latestStreamArn())
        .isNull();
    assertThat(environment(function)).doesNotContainKey("CRATEDB_SOURCE_TABLE");

    ok("provision", url, "--function", function, "--on-failure-arn", FAILED_QUEUE);
    assertThat(out.toString())
        .containsPattern(
            "table stream +created +ddb-orders: turn on with StreamViewType NEW_AND_OLD_IMAGES")
        .containsPattern(
            "function environment +updated +relay-ddb: CRATEDB_SOURCE_TABLE=ddb-orders")
        .containsPattern(
            "event source mapping +created +relay-ddb ← the DynamoDB stream of ddb-orders")
        .contains("Done: 3 changed");
    assertThat(resources())
        .containsExactly("table stream", "function environment", "event source mapping");
    TableDescription table = dynamoDb.describeTable(r -> r.tableName("ddb-orders")).table();
    assertThat(table.streamSpecification().streamEnabled()).isTrue();
    assertThat(table.streamSpecification().streamViewType())
        .isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
    String streamArn = table.latestStreamArn();
    EventSourceMappingConfiguration mapping = onlyMappingOn(streamArn);
    assertThat(mapping.startingPositionAsString()).isEqualTo("TRIM_HORIZON");
    assertThat(mapping.batchSize()).isEqualTo(100);
    assertThat(mapping.functionResponseTypesAsStrings()).containsExactly("ReportBatchItemFailures");
    assertThat(mapping.bisectBatchOnFunctionError()).isTrue();
    assertThat(mapping.maximumRecordAgeInSeconds())
        .isEqualTo(MappingSettings.MAXIMUM_RECORD_AGE_IN_SECONDS);
    assertThat(mapping.destinationConfig().onFailure().destination()).isEqualTo(FAILED_QUEUE);
    assertThat(environment(function)).containsEntry("CRATEDB_SOURCE_TABLE", "ddb-orders");

    ok("provision", url, "--function", function, "--on-failure-arn", FAILED_QUEUE);
    assertThat(stepLines()).hasSize(3).allMatch(l -> l.contains("already present"));
    assertThat(out.toString())
        .containsPattern(
            "table stream +already present +ddb-orders: NEW_AND_OLD_IMAGES, " + streamArn)
        .contains("Nothing changed: everything already present.");
    ok("provision", url + "&batch-size=10000", "--function", function);
    assertThat(out.toString())
        .containsPattern("event source mapping +updated .*BatchSize 100 → 10000");
    assertThat(onlyMappingOn(streamArn).batchSize()).isEqualTo(10_000);

    ok("sam-params", url + "&batch-size=10000");
    assertThat(out.toString().trim())
        .isEqualTo(
            "SourceType=DynamoDBStream TableStreamArn="
                + streamArn
                + " BatchSize=10000 StartingPosition=TRIM_HORIZON MaximumBatchingWindowInSeconds=1"
                + " StreamArn=\"\" StreamName=\"\" StartingPositionTimestamp=\"\""
                + " StartShardId=\"\" StartSequenceNumber=\"\" StartMode=\"\"");

    ok("teardown", url, "--function", function);
    assertThat(out.toString())
        .containsPattern(
            "event source mapping +deleted +relay-ddb ← the DynamoDB stream of ddb-orders")
        .containsPattern("function environment +updated +relay-ddb: remove CRATEDB_SOURCE_TABLE")
        .containsPattern("table stream +kept +ddb-orders: left on for its other readers");
    assertThat(
            lambda.listEventSourceMappings(r -> r.eventSourceArn(streamArn)).eventSourceMappings())
        .isEmpty();
    assertThat(environment(function)).doesNotContainKey("CRATEDB_SOURCE_TABLE");
    assertThat(
            dynamoDb
                .describeTable(r -> r.tableName("ddb-orders"))
                .table()
                .streamSpecification()
                .streamEnabled())
        .isTrue();

    ok("teardown", url, "--function", function, "--disable-table-stream");
    assertThat(out.toString())
        .containsPattern("event source mapping +absent")
        .containsPattern("table stream +deleted +ddb-orders: turn off");
    StreamSpecification off =
        dynamoDb.describeTable(r -> r.tableName("ddb-orders")).table().streamSpecification();
    assertThat(off == null || !Boolean.TRUE.equals(off.streamEnabled())).isTrue();
    assertThat(run("sam-params", url)).isEqualTo(1);
    assertThat(err.toString())
        .contains("the DynamoDB table \"ddb-orders\" has no stream")
        .contains("relay provision");
  }

  @Test
  void aFunctionReadingTheOtherKindOfEventIsRefusedBeforeAnyChange() throws IOException {
    // The template deploys the Kinesis handler unless told SourceType=DynamoDBStream: a DynamoDB
    // stream's mapping on it would fail on every batch.
    String kinesisReader = createFunction("relay-reads-kinesis");
    createTable("ddb-wrong-fn");
    assertThat(
            run(
                "provision",
                tableUrl("ddb-wrong-fn", "region=us-east-1"),
                "--function",
                kinesisReader))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "the Lambda function relay-reads-kinesis runs the handler"
                + " io.cdcrelay.lambda.KinesisRelayHandler::handleRequest, which reads the events of"
                + " SourceType=KinesisDataStream")
        .contains("deploy it with SourceType=DynamoDBStream");
    assertThat(dynamoDb.describeTable(r -> r.tableName("ddb-wrong-fn")).table().latestStreamArn())
        .as("the table's stream is not turned on")
        .isNull();
    assertThat(
            lambda
                .listEventSourceMappings(r -> r.functionName(kinesisReader))
                .eventSourceMappings())
        .isEmpty();

    String streamsReader = createFunction("relay-reads-ddb", SourceType.DYNAMODB_STREAM);
    assertThat(
            run("provision", url("kinesis-wrong-fn", "create=true"), "--function", streamsReader))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("which reads the events of SourceType=DynamoDBStream")
        .contains("deploy it with SourceType=KinesisDataStream");
    assertThatThrownBy(() -> kinesis.describeStreamSummary(r -> r.streamName("kinesis-wrong-fn")))
        .as("the stream is not created")
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(
            lambda
                .listEventSourceMappings(r -> r.functionName(streamsReader))
                .eventSourceMappings())
        .isEmpty();
  }

  @Test
  void tableStreamWithoutNewImagesFailsBeforeAnyChange() throws IOException {
    String function = createFunction("relay-ddb-keys", SourceType.DYNAMODB_STREAM);
    createTable("ddb-keys", StreamViewType.KEYS_ONLY);
    String arn = dynamoDb.describeTable(r -> r.tableName("ddb-keys")).table().latestStreamArn();
    assertThat(run("provision", tableUrl("ddb-keys", "region=us-east-1"), "--function", function))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("the stream of the DynamoDB table ddb-keys is on with view type KEYS_ONLY")
        .contains(
            "aws dynamodb update-table --table-name ddb-keys"
                + " --stream-specification StreamEnabled=false");
    assertThat(lambda.listEventSourceMappings(r -> r.eventSourceArn(arn)).eventSourceMappings())
        .isEmpty();
    assertThat(environment(function)).doesNotContainKey("CRATEDB_SOURCE_TABLE");
    assertThat(run("provision", tableUrl("absent-table", "region=us-east-1"))).isEqualTo(1);
    assertThat(err.toString()).contains("the DynamoDB table absent-table does not exist");
    assertThat(
            run("provision", tableUrl("ddb-keys", "region=us-east-1"), "--dynamodb-table", "other"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--dynamodb-table is for Kinesis URLs");
  }

  @Test
  void tableStreamSeqnoStartIsTrimHorizonWithTheFilterOnItsShard() throws IOException {
    String function = createFunction("relay-ddb-replay", SourceType.DYNAMODB_STREAM);
    createTable("ddb-replay", StreamViewType.NEW_AND_OLD_IMAGES);
    for (int i = 0; i < 4; i++) {
      String id = "item-" + i;
      dynamoDb.putItem(
          r ->
              r.tableName("ddb-replay")
                  .item(
                      Map.of(
                          "id",
                          software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                              id))));
    }
    String arn = dynamoDb.describeTable(r -> r.tableName("ddb-replay")).table().latestStreamArn();
    Shard shard;
    software.amazon.awssdk.services.dynamodb.model.Record third;
    try (DynamoDbStreamsClient streams = moto.client(DynamoDbStreamsClient.builder())) {
      shard = streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards().get(0);
      String iterator =
          streams
              .getShardIterator(
                  r ->
                      r.streamArn(arn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      third = streams.getRecords(r -> r.shardIterator(iterator)).records().get(2);
    }
    String seqno = third.dynamodb().sequenceNumber();
    String url = tableUrl("ddb-replay", "start=seqno-after&seqno=" + seqno);

    ok("provision", url, "--function", function);
    assertThat(out.toString())
        .containsPattern("table stream +already present +ddb-replay: NEW_AND_OLD_IMAGES")
        .containsPattern(
            "function environment +updated +relay-ddb-replay: START_SHARD_ID=" + shard.shardId());
    assertThat(environment(function))
        .containsEntry("START_SHARD_ID", shard.shardId())
        .containsEntry("START_SEQUENCE_NUMBER", seqno)
        .containsEntry("START_MODE", "after")
        .containsEntry("CRATEDB_SOURCE_TABLE", "ddb-replay");
    // template.yaml's StartShardId takes DynamoDB Streams shard ids too.
    assertThat(shard.shardId()).matches("shardId-[0-9]{20}-[0-9a-f]{8}");
    EventSourceMappingConfiguration mapping = onlyMappingOn(arn);
    assertThat(mapping.startingPositionAsString()).isEqualTo("TRIM_HORIZON");
    assertThat(mapping.startingPositionTimestamp()).isNull();

    ok("sam-params", url);
    assertThat(out.toString().trim())
        .isEqualTo(
            "SourceType=DynamoDBStream TableStreamArn="
                + arn
                + " BatchSize=100 StartingPosition=TRIM_HORIZON StartShardId="
                + shard.shardId()
                + " StartSequenceNumber="
                + seqno
                + " StartMode=after MaximumBatchingWindowInSeconds=1 StreamArn=\"\""
                + " StreamName=\"\" StartingPositionTimestamp=\"\"");

    String absent = tableUrl("ddb-replay", "start=seqno-at&seqno=" + seqno + "0");
    assertThat(run("provision", absent, "--function", function)).isEqualTo(1);
    assertThat(err.toString()).contains("which is in no shard of the stream of the DynamoDB table");
    ok("teardown", url, "--function", function);
    assertThat(environment(function))
        .doesNotContainKeys("START_SHARD_ID", "START_SEQUENCE_NUMBER", "START_MODE");
  }

  @Test
  void anUnreachableTableStreamEndpointFailsWithoutPrintingTheSecret() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    // The secret holds / @ % #, percent-encoded in the URL.
    String url = "dynamodb+cdc://AKIDEXAMPLE:a%2Fb%40c%25d%23e@127.0.0.1:" + port + "/orders";
    for (List<String> args :
        List.of(
            List.of("provision", url, "--function", "f"),
            List.of("teardown", url, "--function", "f"),
            List.of("sam-params", url))) {
      assertThat(run(args.toArray(String[]::new))).as(args.toString()).isEqualTo(1);
      assertThat(err.toString()).as(args.toString()).contains("127.0.0.1:" + port);
      assertThat(out.toString() + err.toString())
          .doesNotContain("a/b@c%d#e")
          .doesNotContain("a%2Fb%40c%25d%23e");
    }
  }

  private static String tableUrl(String table, String options) {
    return "dynamodb+cdc://testing:testing@127.0.0.1:" + moto.port() + "/" + table + "?" + options;
  }

  private static EventSourceMappingConfiguration onlyMappingOn(String arn) {
    List<EventSourceMappingConfiguration> mappings =
        lambda.listEventSourceMappings(r -> r.eventSourceArn(arn)).eventSourceMappings();
    assertThat(mappings).hasSize(1);
    return mappings.get(0);
  }

  private static void createTable(String name, StreamViewType view) {
    dynamoDb.createTable(
        r ->
            r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(view)));
  }

  /** Runs the command line and expects exit code 0. */
  @Test
  void aMappingWithoutAnOnFailureDestinationIsRefused() throws Exception {
    String function = createFunction("relay-no-queue");
    String url = url("no-queue", "create=true");

    assertThat(runAsGiven("provision", url, "--function", function)).isEqualTo(1);

    assertThat(err.toString())
        .contains("would have no on-failure destination")
        .contains("give --on-failure-arn");
    assertThat(lambda.listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings())
        .isEmpty();
  }

  private void ok(String... args) {
    assertThat(run(args)).as(String.join(" ", args) + "\n" + out + err).isZero();
  }

  private static String[] args(String command, String url, String[] tables, String... more) {
    List<String> args = new ArrayList<>(List.of(command, url));
    args.addAll(List.of(tables));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /**
   * Runs the command; a {@code provision} of a function names the on-failure queue unless it names
   * one itself, as a mapping needs one ({@link #aMappingWithoutAnOnFailureDestinationIsRefused}).
   */
  private int run(String... args) {
    List<String> given = List.of(args);
    if (given.get(0).equals("provision")
        && given.contains("--function")
        && !given.contains("--on-failure-arn")) {
      List<String> withQueue = new ArrayList<>(given);
      withQueue.addAll(List.of("--on-failure-arn", FAILED_QUEUE));
      return runAsGiven(withQueue.toArray(String[]::new));
    }
    return runAsGiven(args);
  }

  private int runAsGiven(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine command = new CommandLine(new RelayCli());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  private List<String> stepLines() {
    return out.toString()
        .lines()
        .filter(
            l ->
                l.matches(
                    "^(stream|function environment|event source mapping|streaming destination|table stream) .*"))
        .toList();
  }

  /** The resource of each step line, in order. */
  private List<String> resources() {
    return stepLines().stream().map(l -> l.substring(0, l.indexOf("  "))).toList();
  }

  private static String url(String stream, String options) {
    return "kinesis+dynamodb+cdc://testing:testing@127.0.0.1:"
        + moto.port()
        + "/"
        + stream
        + "?"
        + options;
  }

  private static void createTable(String name) {
    dynamoDb.createTable(
        r ->
            r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));
  }

  private static List<KinesisDataStreamDestination> destinations(String table) {
    return dynamoDb
        .describeKinesisStreamingDestination(r -> r.tableName(table))
        .kinesisDataStreamDestinations();
  }

  private static ApproximateCreationDateTimePrecision precision(String table) {
    List<KinesisDataStreamDestination> destinations = destinations(table);
    assertThat(destinations).hasSize(1);
    return destinations.get(0).approximateCreationDateTimePrecision();
  }

  private static Map<String, String> environment(String function) {
    return lambda.getFunctionConfiguration(r -> r.functionName(function)).environment().variables();
  }

  private static String streamArn(String stream) {
    return kinesis
        .describeStreamSummary(r -> r.streamName(stream))
        .streamDescriptionSummary()
        .streamARN();
  }

  private static List<EventSourceMappingConfiguration> mappings(String stream) {
    if (!streamExists(stream)) {
      return List.of();
    }
    String arn =
        kinesis
            .describeStreamSummary(r -> r.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    return lambda.listEventSourceMappings(r -> r.eventSourceArn(arn)).eventSourceMappings();
  }

  private static EventSourceMappingConfiguration onlyMapping(String stream) {
    List<EventSourceMappingConfiguration> mappings = mappings(stream);
    assertThat(mappings).hasSize(1);
    return mappings.get(0);
  }

  private static boolean streamExists(String stream) {
    try {
      kinesis.describeStreamSummary(r -> r.streamName(stream));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private static byte[] zip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("README"));
      zip.write("placeholder code for moto".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}
