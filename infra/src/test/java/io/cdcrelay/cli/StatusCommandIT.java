package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.remove;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.tools.MotoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** {@code relay status}: the status table the relay writes with each batch, as text and JSON. */
class StatusCommandIT {

  private static final String STREAM = "arn:aws:kinesis:eu-central-1:123456789012:stream/cdc";

  private final PostgresDatabase postgres = PostgresDatabase.get();
  private final long pid = ProcessHandle.current().pid();
  private final TableName table = new TableName("public", "status_cmd_" + pid);
  private final String stateSchema = "status_state_" + pid;

  private String target() {
    return "postgresql://postgres@"
        + postgres.host()
        + ":"
        + postgres.port()
        + "/postgres/"
        + table.schema()
        + "/"
        + table.table();
  }

  private String run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand(Map.of(), Clock.systemUTC()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as(out + "\n" + err).isEqualTo(expectedExit);
    return out + err.toString();
  }

  /** A relay writing {@code into}, hard deletes, its state in {@code state}. */
  private Relay relay(TableName into, String state) {
    return new Relay(
        new JdbcTarget(
            postgres.url(postgres.host(), postgres.port(), into),
            () -> null,
            Clock.systemUTC(),
            30,
            state),
        new RelaySettings(
            TableRoutes.single(into.schema(), into.table()),
            DeleteMode.HARD,
            TtlPolicy.SAME,
            state,
            RelaySettings.DEFAULT_TOMBSTONE_RETENTION,
            false),
        Clock.systemUTC());
  }

  @Test
  void printsEachSourceShardAndTableWithItsPositionLagAndCounts() throws Exception {
    assertThat(run(0, target(), "--state-schema", stateSchema))
        .contains(
            "no status yet: no relay has recorded a batch in state schema "
                + stateSchema
                + " ("
                + stateSchema
                + ".cdc_relay_status is absent or empty)")
        .contains("pass that as --state-schema")
        .contains("Dead letters: none");
    assertThat(schemaExists(stateSchema)).as("a status read creates nothing").isFalse();

    try (Relay relay = relay(table, stateSchema)) {
      relay.apply(
          List.of(
              record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, "")),
              record(2, remove("a", 1_720_000_001_000_000L)),
              record(3, upsert("INSERT", "b", 1_720_000_002_000_000L, ""))),
          STREAM);
    }

    String text = run(0, target(), "--state-schema", stateSchema);
    assertThat(text.lines().findFirst().orElseThrow())
        .startsWith("TARGET TABLE")
        .contains("LAST SEQUENCE NUMBER", "LAG", "DEAD");
    String row = text.lines().filter(l -> l.startsWith(table.toString())).findFirst().orElseThrow();
    assertThat(row)
        .contains(STREAM, "shardId-000000000000", sequenceNumber(3), "2024-07-03T09:46:42Z")
        .matches(".*\\s3\\s+1\\s+1\\s+0\\s+0\\s+0\\s+0$");

    JsonNode json =
        new ObjectMapper().readTree(run(0, target(), "--state-schema", stateSchema, "--json"));
    JsonNode tables = json.get("tables");
    assertThat(tables).hasSize(1);
    assertThat(json.has("event_source_mappings")).as("only when asked for").isFalse();
    assertThat(tables.get(0).get("target_table").asText()).isEqualTo(table.toString());
    assertThat(tables.get(0).get("last_sequence_number").asText()).isEqualTo(sequenceNumber(3));
    assertThat(tables.get(0).get("received").asLong()).isEqualTo(3);
    assertThat(tables.get(0).get("deleted").asLong()).isEqualTo(1);
    assertThat(tables.get(0).get("stale").asLong()).isZero();
    assertThat(tables.get(0).get("lag_ms").asLong()).isPositive();
  }

  @Test
  void aTargetNamingOneTableShowsThatTableOnly() {
    String schema = "status_scope_" + pid;
    TableName other = new TableName(table.schema(), table.table() + "_other");
    for (TableName written : List.of(table, other)) {
      try (Relay relay = relay(written, schema)) {
        relay.apply(List.of(record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, ""))), STREAM);
      }
    }

    String one = run(0, target(), "--state-schema", schema);
    assertThat(one).contains(table + " ").doesNotContain(other.toString());
    String all =
        run(
            0,
            "postgresql://postgres@"
                + postgres.host()
                + ":"
                + postgres.port()
                + "/postgres?schema="
                + table.schema(),
            "--state-schema",
            schema);
    assertThat(all).contains(table + " ", other.toString());
  }

  @Test
  void deadLettersOfTheTargetsScopeAreCountedByStageThoseThatNeverDecodedToo() throws Exception {
    // A schema of its own: a schema-only target counts every dead-letter table in it.
    String schema = "status_dl_" + pid;
    TableName orders = new TableName(schema, "orders");
    TableName users = new TableName(schema, "users");
    String ordersUrl =
        "postgresql://postgres@"
            + postgres.host()
            + ":"
            + postgres.port()
            + "/postgres/"
            + schema
            + "/orders";
    try (Relay relay = relay(orders, schema)) {
      // Nothing decodes: no status row, only dead letters of no table.
      relay.apply(List.of(record(1, "not json"), record(2, "{\"truncated\":")), STREAM);
    }
    try (JdbcTarget target =
        new JdbcTarget(
            postgres.url(postgres.host(), postgres.port(), orders),
            () -> null,
            Clock.systemUTC(),
            30,
            schema)) {
      target.deadLetter(orders, List.of(new DeadLetter(record(3, "{}"), "write", "rejected")));
      target.deadLetter(users, List.of(new DeadLetter(record(4, "{}"), "write", "rejected")));
    }

    String text = run(0, ordersUrl);
    assertThat(text)
        .contains("no status yet")
        .contains("Dead letters: 3 (decode: 2, write: 1)")
        .containsPattern("(?m)^-\\s+decode\\s+2$")
        .containsPattern("(?m)^" + schema + "\\.orders\\s+write\\s+1$")
        .contains(schema + ".cdc_relay_dead_letters")
        .doesNotContain(users.toString());

    JsonNode json = new ObjectMapper().readTree(run(0, ordersUrl, "--json"));
    JsonNode letters = json.get("dead_letters");
    assertThat(letters.get("total").asLong()).isEqualTo(3);
    assertThat(letters.get("by_stage").get("decode").asLong()).isEqualTo(2);
    assertThat(letters.get("by_table").get(0).get("target_table").isNull()).isTrue();
    assertThat(json.get("tables")).isEmpty();

    String all =
        run(
            0,
            "postgresql://postgres@"
                + postgres.host()
                + ":"
                + postgres.port()
                + "/postgres?schema="
                + schema);
    assertThat(all).contains("Dead letters: 4 (decode: 2, write: 2)").contains(users + " ");
  }

  @Test
  void theEmbeddedDatabaseALoadLeftIsReadAndStoppedAgain(@TempDir Path dir) throws Exception {
    try (EmbeddedTarget embedded = EmbeddedTarget.start(dir)) {
      FunctionConfig config =
          FunctionConfig.fromEnvironment(
              Map.of("CRATEDB_SQLALCHEMY_URL", embedded.url(), "CRATEDB_TABLE", "demo"));
      try (Relay relay =
          new Relay(
              config.openTarget(() -> null, Clock.systemUTC()),
              config.settings(),
              Clock.systemUTC())) {
        relay.apply(
            List.of(
                record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, "")),
                record(2, "not json")),
            STREAM);
      }
    }

    String text = run(0, "--target", "embedded", "--embedded-dir", dir.toString());

    assertThat(text)
        .containsPattern("(?m)^public\\.demo\\s+" + java.util.regex.Pattern.quote(STREAM))
        .contains("Dead letters: 1 (decode: 1)");
    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(run(0, "--target", "embedded", "--embedded-dir", dir.toString(), "--json"));
    assertThat(json.get("database_found").asBoolean()).as(json.toString()).isTrue();
    assertThat(json.get("tables")).hasSize(1);
    assertThat(json.get("dead_letters").get("total").asLong()).isEqualTo(1);
    // Stopped: a load can start it again.
    try (EmbeddedTarget again = EmbeddedTarget.start(dir)) {
      assertThat(again.jdbcUrl()).isNotEmpty();
    }
  }

  @Test
  void aUserWhoMayOnlyReadTheStatusTableGetsIt() throws Exception {
    String reader = "status_reader_" + pid;
    String schema = "status_ro_" + pid;
    try (Relay relay = relay(table, schema)) {
      relay.apply(List.of(record(1, upsert("INSERT", "a", 1_720_000_000_000_000L, ""))), STREAM);
    }
    try (java.sql.Connection c = postgres.connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + reader + " LOGIN");
      s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + reader);
      s.execute("GRANT SELECT ON " + schema + ".cdc_relay_status TO " + reader);
    }

    String text =
        run(
            0,
            "postgresql://"
                + reader
                + "@"
                + postgres.host()
                + ":"
                + postgres.port()
                + "/postgres/"
                + table.table(),
            "--state-schema",
            schema);

    assertThat(text).contains(table + " ").contains(STREAM);
  }

  private boolean schemaExists(String schema) throws Exception {
    try (java.sql.Connection c = postgres.connect();
        java.sql.PreparedStatement q =
            c.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
      q.setString(1, schema);
      try (java.sql.ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Test
  void withoutATargetItSaysHowToNameOne() {
    assertThat(run(2)).contains("No target database: pass TARGET or --target");
  }

  // A secret holding the characters a URL must encode; it must never be printed.
  private static final String SECRET = "se/cr@t%x#y";
  private static final String ENCODED_SECRET = "se%2Fcr%40t%25x%23y";

  private static MotoServer moto;
  private static LambdaClient lambda;
  private static SqsClient sqs;
  private static KinesisClient kinesis;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    lambda = moto.client(LambdaClient.builder());
    sqs = moto.client(SqsClient.builder());
    kinesis = moto.kinesis();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      lambda.close();
      sqs.close();
      kinesis.close();
      moto.close();
    }
  }

  /** Lambda and SQS through moto, with credentials whose secret must not be printed. */
  private static String source() {
    return "kinesis+dynamodb+cdc://AKIDSTATUS:"
        + ENCODED_SECRET
        + "@127.0.0.1:"
        + moto.port()
        + "/status?region=us-east-1";
  }

  @Test
  void withFunctionAndQueueItPrintsTheMappingsStateAndResultAndTheQueueDepth() throws Exception {
    String stream = "status-stream-" + pid;
    kinesis.createStream(r -> r.streamName(stream).shardCount(1));
    String streamArn =
        kinesis
            .describeStreamSummary(r -> r.streamName(stream))
            .streamDescriptionSummary()
            .streamARN();
    String queue = sqs.createQueue(r -> r.queueName("status-failed-" + pid)).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String function = createFunction("status-fn-" + pid);
    lambda.createEventSourceMapping(
        r ->
            r.functionName(function)
                .eventSourceArn(streamArn)
                .startingPosition("TRIM_HORIZON")
                .destinationConfig(d -> d.onFailure(f -> f.destination(queueArn))));
    for (int i = 0; i < 3; i++) {
      int n = i;
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("{\"failed\":" + n + "}"));
    }
    // One message received and not deleted: in flight.
    assertThat(
            sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1).visibilityTimeout(600))
                .messages())
        .hasSize(1);

    String text =
        run(
            0,
            target(),
            "--state-schema",
            stateSchema,
            "--function",
            function,
            "--queue-url",
            queue,
            "--source",
            source());
    assertThat(text)
        .contains("Event source mappings of " + function + ":")
        .containsPattern("SOURCE +STATE +LAST PROCESSING RESULT +STATE TRANSITION REASON +UUID")
        .containsPattern(java.util.regex.Pattern.quote(streamArn) + " +Enabled +- +User initiated")
        .contains("On-failure queue " + queue + ": 3 messages (2 waiting, 1 in flight)")
        .doesNotContain(SECRET)
        .doesNotContain(ENCODED_SECRET);

    JsonNode json = withFunction(function, "--json", "--queue-url", queue);
    JsonNode mapping = json.get("event_source_mappings").get(0);
    assertThat(json.get("event_source_mappings")).hasSize(1);
    assertThat(mapping.get("source_arn").asText()).isEqualTo(streamArn);
    assertThat(mapping.get("state").asText()).isEqualTo("Enabled");
    assertThat(mapping.get("state_transition_reason").asText()).isEqualTo("User initiated");
    assertThat(mapping.get("last_processing_result").isNull()).isTrue();
    assertThat(mapping.get("on_failure").asText()).isEqualTo(queueArn);
    assertThat(json.get("on_failure_queue").get("messages").asLong()).isEqualTo(3);
    assertThat(json.get("on_failure_queue").get("waiting").asLong()).isEqualTo(2);
    assertThat(json.get("on_failure_queue").get("in_flight").asLong()).isEqualTo(1);
    assertThat(json.get("tables").isArray()).isTrue();
  }

  @Test
  void aMappingOnATableStreamThatWasReplacedIsToldWithTheCommandThatMapsTheNewOne()
      throws Exception {
    String table = "status-table-" + pid;
    try (software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb =
        moto.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder())) {
      String old =
          io.cdcrelay.dynamodbstreams.TableWorkload.createTable(
              dynamoDb,
              table,
              software.amazon.awssdk.services.dynamodb.model.StreamViewType.NEW_AND_OLD_IMAGES);
      String function = createFunction("status-fn-ddb-" + pid);
      lambda.createEventSourceMapping(
          r -> r.functionName(function).eventSourceArn(old).startingPosition("TRIM_HORIZON"));

      String current = textWithFunction(function);
      assertThat(current).contains(old).doesNotContain("replaced stream");

      dynamoDb.deleteTable(r -> r.tableName(table));
      String now =
          io.cdcrelay.dynamodbstreams.TableWorkload.createTable(
              dynamoDb,
              table,
              software.amazon.awssdk.services.dynamodb.model.StreamViewType.NEW_AND_OLD_IMAGES);

      String text = textWithFunction(function);
      assertThat(text)
          .contains(
              " reads a replaced stream of DynamoDB table "
                  + table
                  + " (its stream is now "
                  + now
                  + "), which gets no more changes: relay provision 'dynamodb+cdc://…/"
                  + table
                  + "' --function "
                  + function
                  + " --on-failure-arn QUEUE_ARN maps the new one")
          .doesNotContain(SECRET);
      JsonNode json = withFunction(function, "--json");
      assertThat(json.get("event_source_mappings").get(0).get("source_replaced_by").asText())
          .isEqualTo(now);
    }
  }

  /** What status says of this target with --function, through moto, and {@code more}, as JSON. */
  private JsonNode withFunction(String function, String... more) throws Exception {
    return new ObjectMapper().readTree(textWithFunction(function, more));
  }

  /** What status says of this target with --function, through moto, and {@code more}. */
  private String textWithFunction(String function, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(target(), "--state-schema", stateSchema, "--function", function, "--source"));
    args.add(source());
    args.addAll(List.of(more));
    return run(0, args.toArray(String[]::new));
  }

  @Test
  void anUnknownFunctionOrQueueIsNamedWithoutTheCredentialsAndTheTableStillPrints() {
    String missingQueue = moto.endpoint() + "/123456789012/no-such-queue-" + pid;
    String output =
        run(
            2,
            target(),
            "--state-schema",
            stateSchema,
            "--function",
            "no-such-function",
            "--queue-url",
            missingQueue,
            "--source",
            source());
    assertThat(output)
        .contains("the function no-such-function does not exist")
        .contains("the queue " + missingQueue + " does not exist")
        .contains("no status yet")
        .doesNotContain(SECRET)
        .doesNotContain(ENCODED_SECRET)
        .doesNotContain("AKIDSTATUS:");
  }

  @Test
  void withoutARegionItSaysHowToGiveOne() {
    assertThat(run(2, target(), "--state-schema", stateSchema, "--function", "relay"))
        .contains("no AWS region for --function/--queue-url");
  }

  /** Creates a function in moto (which needs one for a mapping); moto accepts any zip. */
  private static String createFunction(String name) throws Exception {
    String role;
    try (IamClient iam = moto.client(IamClient.builder(), Region.AWS_GLOBAL)) {
      role =
          iam.createRole(
                  r ->
                      r.roleName(name + "-role")
                          .assumeRolePolicyDocument(
                              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                  + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},"
                                  + "\"Action\":\"sts:AssumeRole\"}]}"))
              .role()
              .arn();
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("README"));
      zip.write("placeholder code for moto".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    SdkBytes code = SdkBytes.fromByteArray(bytes.toByteArray());
    lambda.createFunction(
        r ->
            r.functionName(name)
                .runtime(Runtime.JAVA21)
                .role(role)
                .handler("io.cdcrelay.lambda.KinesisRelayHandler::handleRequest")
                .code(c -> c.zipFile(code)));
    return name;
  }
}
