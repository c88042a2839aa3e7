package io.cdcrelay.cli;

import static io.cdcrelay.testing.Records.inTable;
import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.dynamodbstreams.FaultyDynamoDbStreams;
import io.cdcrelay.dynamodbstreams.TableWorkload;
import io.cdcrelay.kinesis.FaultyKinesis;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.tools.MotoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code relay replay-failed} against moto's SQS (the on-failure queue) and kinesis-local (the
 * stream), with a real PostgreSQL: ranges the stream holds are applied and their messages deleted;
 * a range on a shard that is gone, a range whose start is past what the stream holds, and a message
 * that is no failed batch are reported and kept, unless told to discard them.
 */
class ReplayFailedIT {

  private static MotoServer moto;
  private static SqsClient sqs;

  @BeforeAll
  static void start() {
    moto = MotoServer.start();
    sqs = moto.client(SqsClient.builder());
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void rangesTheStreamHoldsAreAppliedAndWhatItNoLongerHoldsIsReportedByRange() throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    long pid = ProcessHandle.current().pid();
    String stream = "failed-" + pid;
    kinesis.createStream(stream, 1);
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    List<Map.Entry<String, byte[]>> records = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      records.add(
          Map.entry(
              "r" + i,
              upsert("INSERT", "r" + i, now + i, "\"n\":{\"N\":\"" + i + "\"}")
                  .getBytes(StandardCharsets.UTF_8)));
    }
    List<PutRecordsResultEntry> put = kinesis.put(stream, records);
    String shard = put.get(0).shardId();
    String arn = arn(kinesis, stream);
    String queue = sqs.createQueue(r -> r.queueName("failed-batches-" + pid)).queueUrl();
    // A range the stream holds (records 2 to 4).
    send(queue, failedBatch(arn, shard, seq(put, 2), seq(put, 4)));
    // A shard the stream no longer has.
    send(queue, failedBatch(arn, "shardId-000000000009", seq(put, 5), seq(put, 6)));
    // A range that starts before the first record the stream holds (its start trimmed away).
    String beforeFirst = new BigInteger(seq(put, 1)).subtract(BigInteger.ONE).toString();
    send(queue, failedBatch(arn, shard, beforeFirst, seq(put, 1)));
    // Something else.
    send(queue, "{\"hello\":1}");

    TableName table = new TableName("public", "failed_" + pid);
    String targetUrl =
        "postgresql://postgres@127.0.0.1:"
            + PostgresDatabase.get().port()
            + "/postgres/public/"
            + table.table();
    Run run = run(queue, targetUrl, "--source", kinesis.url(stream, ""));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(ReplayFailedCommand.MISSING);
    assertThat(run.out())
        .contains(
            shard + " " + seq(put, 2) + ".." + seq(put, 4) + ": 3 records applied; message deleted")
        .contains(
            "shardId-000000000009 "
                + seq(put, 5)
                + ".."
                + seq(put, 6)
                + ": the stream no longer holds any of it")
        .contains(
            ": the stream no longer holds the records from "
                + beforeFirst
                + " up to "
                + seq(put, 1)
                + " (the first it holds); 1 records applied; message kept")
        .contains("no KinesisBatchInfo")
        .contains("1 failed batches applied, 2 that the stream no longer holds all of, 1 messages")
        .doesNotContain(KinesisLocal.SECRET_KEY);
    assertThat(TableRows.liveItems(PostgresDatabase.get(), table))
        .containsOnlyKeys(
            "{\"id\":\"r1\"}", "{\"id\":\"r2\"}", "{\"id\":\"r3\"}", "{\"id\":\"r4\"}");
    assertThat(messages(queue)).isEqualTo(3);

    Run discarding =
        run(queue, targetUrl, "--source", kinesis.url(stream, ""), "--discard-missing");
    assertThat(discarding.exitCode())
        .as(discarding.output())
        .isEqualTo(ReplayFailedCommand.MISSING);
    assertThat(discarding.out()).contains("message deleted (--discard-missing)");
    assertThat(messages(queue)).as("the message that is no failed batch stays").isEqualTo(1);
  }

  @Test
  void theEmbeddedTargetTakesTheFailedBatchesAsItsHelpSays(@TempDir Path dir) throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    long pid = ProcessHandle.current().pid();
    String stream = "failed-embedded-" + pid;
    kinesis.createStream(stream, 1);
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    List<PutRecordsResultEntry> put =
        kinesis.put(
            stream,
            List.of(
                Map.entry(
                    "e1",
                    upsert("INSERT", "e1", now, "\"n\":{\"N\":\"1\"}")
                        .getBytes(StandardCharsets.UTF_8))));
    String queue = sqs.createQueue(r -> r.queueName("failed-embedded-" + pid)).queueUrl();
    send(queue, failedBatch(arn(kinesis, stream), put.get(0).shardId(), seq(put, 1), seq(put, 1)));

    Run run =
        run(
            queue,
            "--target",
            "embedded",
            "--embedded-dir",
            dir.toString(),
            "--source",
            kinesis.url(stream, ""));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.out()).contains("1 records applied; message deleted");
    assertThat(messages(queue)).isZero();
    try (EmbeddedTarget embedded = EmbeddedTarget.start(dir);
        Connection c = DriverManager.getConnection(embedded.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT pk::text FROM public.demo")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("{\"id\": \"e1\"}");
    }
  }

  @Test
  void whileTheDatabaseIsDownNothingIsDeleted() throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    OneFailedRecord failed = OneFailedRecord.put(kinesis, "failed-down", "d1");
    String stream = failed.stream();
    String queue = failed.queue();
    // Nothing listens there.
    String down = "postgresql://postgres@127.0.0.1:" + MotoServer.freePort() + "/postgres/public/t";

    // A second message, received with the first: not reached once the database failed.
    send(queue, failed.batch());

    Run run = run(queue, down, "--source", kinesis.url(stream, ""));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.out()).contains("not applied, the target database failed");
    assertThat(messages(queue)).isEqualTo(2);
    assertThat(visible(queue))
        .as("both visible again at once, not after the visibility timeout")
        .isEqualTo(2);
  }

  @Test
  void aStreamThatIsNotThereFailsTheRunAndNoMessageIsTakenForARangePastRetention()
      throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    long pid = ProcessHandle.current().pid();
    String present = "failed-present-" + pid;
    kinesis.createStream(present, 1);
    String arn = arn(kinesis, present);
    String queue = sqs.createQueue(r -> r.queueName("failed-gone-" + pid)).queueUrl();
    // The batch of a stream this endpoint does not have (another region or account, say).
    send(
        queue,
        failedBatch(
            arn.replace(present, "failed-absent-" + pid),
            "shardId-000000000000",
            "49000000000000000000000000000000000000000000000000000001",
            "49000000000000000000000000000000000000000000000000000002"));
    String targetUrl =
        "postgresql://postgres@127.0.0.1:"
            + PostgresDatabase.get().port()
            + "/postgres/public/failed_gone_"
            + pid;

    Run run = run(queue, targetUrl, "--source", kinesis.url(present, ""), "--discard-missing");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("failed-absent-" + pid)
        .contains("does not exist")
        .doesNotContain("no longer holds");
    assertThat(visible(queue)).as("kept, and visible at once for the next run").isEqualTo(1);

    // A queue of messages that are not failed batches of a Kinesis stream: none applied.
    String other = sqs.createQueue(r -> r.queueName("failed-other-" + pid)).queueUrl();
    send(other, "{\"DDBStreamBatchInfo\":{}}");
    Run notBatches = run(other, targetUrl, "--source", kinesis.url(present, ""));
    assertThat(notBatches.exitCode())
        .as(notBatches.output())
        .isEqualTo(ReplayFailedCommand.NOT_FAILED_BATCHES);
  }

  @Test
  void aStreamThatKeepsThrottlingFailsTheRunInOneSentenceAndKeepsTheMessage() throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    long pid = ProcessHandle.current().pid();
    OneFailedRecord failed = OneFailedRecord.put(kinesis, "failed-throttled", "t1");
    String stream = failed.stream();
    String shard = failed.shard();
    String queue = failed.queue();
    String targetUrl =
        "postgresql://postgres@127.0.0.1:"
            + PostgresDatabase.get().port()
            + "/postgres/public/failed_throttled_"
            + pid;

    try (FaultyKinesis proxy = new FaultyKinesis(kinesis.port())) {
      // Lambda reads the same shard: GetRecords answers ProvisionedThroughputExceeded for a while.
      proxy.throttleGetRecords(1_000);
      Run run = run(queue, targetUrl, "--source", proxy.url(kinesis, stream, ""));

      assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
      assertThat(run.out())
          .contains(
              stream
                  + " "
                  + shard
                  + " "
                  + failed.sequenceNumber()
                  + ".."
                  + failed.sequenceNumber()
                  + ": not read, the stream kept throttling the reads of the shard (run again"
                  + " later): Rate exceeded")
          .contains("; kept")
          .doesNotContain(KinesisLocal.SECRET_KEY);
      assertThat(run.err()).as(run.output()).isEmpty();
      assertThat(visible(queue)).as("kept, and visible at once for the next run").isEqualTo(1);

      // Throttled a few times only: read on once the shard answers again, applied and deleted.
      proxy.throttleGetRecords(6);
      Run again = run(queue, targetUrl, "--source", proxy.url(kinesis, stream, ""));
      assertThat(again.exitCode()).as(again.output()).isZero();
      assertThat(again.out()).contains("1 records applied; message deleted");
      assertThat(messages(queue)).isZero();
    }
  }

  @Test
  void aFailedBatchOfADynamoDbStreamIsReadBackFromThatStreamAndApplied() throws Exception {
    long pid = ProcessHandle.current().pid();
    String table = "failed_ddbs_" + pid;
    try (DynamoDbClient dynamoDb = moto.client(DynamoDbClient.builder());
        DynamoDbStreamsClient streams = moto.client(DynamoDbStreamsClient.builder())) {
      String streamArn =
          TableWorkload.createTable(dynamoDb, table, StreamViewType.NEW_AND_OLD_IMAGES);
      for (int i = 1; i <= 3; i++) {
        String n = Integer.toString(i);
        dynamoDb.putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("p" + n),
                            "sk", AttributeValue.fromN(n),
                            "v", AttributeValue.fromS("v" + n))));
      }
      String shard =
          streams
              .describeStream(r -> r.streamArn(streamArn))
              .streamDescription()
              .shards()
              .get(0)
              .shardId();
      String iterator =
          streams
              .getShardIterator(
                  r ->
                      r.streamArn(streamArn)
                          .shardId(shard)
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      List<String> sequence =
          streams.getRecords(r -> r.shardIterator(iterator)).records().stream()
              .map(record -> record.dynamodb().sequenceNumber())
              .toList();
      assertThat(sequence).hasSize(3);
      String queue = sqs.createQueue(r -> r.queueName("failed-ddbs-" + pid)).queueUrl();
      TableName target = new TableName("public", table);
      String targetUrl =
          "postgresql://postgres@127.0.0.1:"
              + PostgresDatabase.get().port()
              + "/postgres/public/"
              + table;
      // A range whose start the stream no longer holds (past its 24 hours): DynamoDB Streams says
      // TrimmedDataAccessException, played by the proxy (moto trims nothing).
      String beforeFirst = new BigInteger(sequence.get(0)).subtract(BigInteger.ONE).toString();
      send(queue, failedStreamBatch(streamArn, shard, beforeFirst, sequence.get(1)));
      Run trimmed;
      try (FaultyDynamoDbStreams proxy = new FaultyDynamoDbStreams(moto.port())) {
        proxy.trimNextSequenceNumberIterator();
        trimmed =
            run(queue, targetUrl, "--source", source(proxy.port(), table), "--discard-missing");
      }

      assertThat(trimmed.exitCode()).as(trimmed.output()).isEqualTo(ReplayFailedCommand.MISSING);
      assertThat(trimmed.out())
          .contains(
              table
                  + " "
                  + shard
                  + " "
                  + beforeFirst
                  + ".."
                  + sequence.get(1)
                  + ": the stream no longer holds the records from "
                  + beforeFirst
                  + " up to "
                  + sequence.get(0)
                  + " (the first it holds); 2 records applied; message deleted (--discard-missing)");
      assertThat(TableRows.liveItems(PostgresDatabase.get(), target))
          .containsOnlyKeys("{\"pk\":\"p1\",\"sk\":1}", "{\"pk\":\"p2\",\"sk\":2}");

      // Item p3 as it was an hour before: its change in the stream is newer, and wins only if
      // read with its creation time in seconds (as a Kinesis record, it would date from 1970).
      long hourAgo = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().minusSeconds(3600));
      String older =
          inTable(upsert("INSERT", "x", hourAgo, "\"v\":{\"S\":\"old\"}"), table)
              .replace("{\"id\":{\"S\":\"x\"}", "{\"pk\":{\"S\":\"p3\"},\"sk\":{\"N\":\"3\"}");
      FunctionConfig config =
          FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", targetUrl));
      try (Relay relay =
          new Relay(
              config.openTarget(() -> null, Clock.systemUTC()),
              config.settings(),
              Clock.systemUTC())) {
        assertThat(relay.apply(List.of(record(1, older))).succeeded()).isTrue();
      }
      assertThat(
              TableRows.liveItems(PostgresDatabase.get(), target)
                  .get("{\"pk\":\"p3\",\"sk\":3}")
                  .get("v")
                  .asText())
          .isEqualTo("old");

      // Records 2 and 3 of the table's stream, as Lambda reports a DynamoDB Streams batch.
      send(queue, failedStreamBatch(streamArn, shard, sequence.get(1), sequence.get(2)));
      Run run = run(queue, targetUrl, "--source", source(moto.port(), table));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.out())
          .contains(
              table
                  + " "
                  + shard
                  + " "
                  + sequence.get(1)
                  + ".."
                  + sequence.get(2)
                  + ": 2 records applied; message deleted");
      assertThat(TableRows.liveItems(PostgresDatabase.get(), target)).hasSize(3);
      assertThat(
              TableRows.liveItems(PostgresDatabase.get(), target)
                  .get("{\"pk\":\"p3\",\"sk\":3}")
                  .get("v")
                  .asText())
          .isEqualTo("v3");
      assertThat(messages(queue)).isZero();
    }
  }

  /**
   * A stream of this process holding one record of item {@code key}, and a queue of the same name
   * holding the on-failure record of a batch of that record alone.
   */
  private record OneFailedRecord(
      String stream, String shard, String sequenceNumber, String arn, String queue) {

    static OneFailedRecord put(KinesisLocal kinesis, String name, String key) {
      String stream = name + "-" + ProcessHandle.current().pid();
      kinesis.createStream(stream, 1);
      long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
      PutRecordsResultEntry put =
          kinesis
              .put(
                  stream,
                  List.of(
                      Map.entry(
                          key, upsert("INSERT", key, now, "").getBytes(StandardCharsets.UTF_8))))
              .get(0);
      String queue = sqs.createQueue(r -> r.queueName(stream)).queueUrl();
      OneFailedRecord failed =
          new OneFailedRecord(
              stream,
              put.shardId(),
              put.sequenceNumber(),
              ReplayFailedIT.arn(kinesis, stream),
              queue);
      send(queue, failed.batch());
      return failed;
    }

    /** The on-failure record of a batch of the one record. */
    String batch() {
      return failedBatch(arn, shard, sequenceNumber, sequenceNumber);
    }
  }

  private static String source(int port, String table) {
    return "dynamodb+cdc://testing:testing@127.0.0.1:" + port + "/" + table + "?region=us-east-1";
  }

  private static String arn(KinesisLocal kinesis, String stream) {
    return kinesis
        .client()
        .describeStreamSummary(r -> r.streamName(stream))
        .streamDescriptionSummary()
        .streamARN();
  }

  private static String seq(List<PutRecordsResultEntry> put, int n) {
    return put.get(n - 1).sequenceNumber();
  }

  private static String failedBatch(String arn, String shard, String start, String end) {
    // The on-failure record of a Kinesis event source mapping, as Lambda sends it.
    return onFailureRecord(
        "KinesisBatchInfo", "MaximumRecordAgeExceeded", ".000Z", 3, arn, shard, start, end);
  }

  private static String failedStreamBatch(String arn, String shard, String start, String end) {
    // The on-failure record of a DynamoDB Streams event source mapping, as Lambda sends it.
    return onFailureRecord(
        "DDBStreamBatchInfo", "RetryAttemptsExhausted", "Z", 2, arn, shard, start, end);
  }

  /**
   * An on-failure record: {@code info} names the source's batch object, whose arrival times end
   * with {@code fraction} as that source writes them.
   */
  private static String onFailureRecord(
      String info,
      String condition,
      String fraction,
      int size,
      String arn,
      String shard,
      String start,
      String end) {
    return "{\"requestContext\":{\"requestId\":\"c9b8fa9f-5a7f-4bd5-af9c-0c604cde93a5\","
        + "\"functionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:relay\","
        + "\"condition\":\""
        + condition
        + "\",\"approximateInvokeCount\":3},"
        + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\","
        + "\"functionError\":\"Unhandled\"},\"version\":\"1.0\","
        + "\"timestamp\":\"2026-12-01T10:00:00.000Z\",\""
        + info
        + "\":{\"shardId\":\""
        + shard
        + "\",\"startSequenceNumber\":\""
        + start
        + "\",\"endSequenceNumber\":\""
        + end
        + "\",\"approximateArrivalOfFirstRecord\":\"2026-12-01T09:00:00"
        + fraction
        + "\",\"approximateArrivalOfLastRecord\":\"2026-12-01T09:00:01"
        + fraction
        + "\",\"batchSize\":"
        + size
        + ",\"streamArn\":\""
        + arn
        + "\"}}";
  }

  private static void send(String queue, String body) {
    sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body));
  }

  /** The messages a receive would see now. */
  private static int visible(String queue) {
    return Integer.parseInt(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queue)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static int messages(String queue) {
    return Integer.parseInt(
        sqs
                .getQueueAttributes(
                    r ->
                        r.queueUrl(queue)
                            .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes()
                .entrySet()
                .stream()
                .mapToInt(e -> Integer.parseInt(e.getValue()))
                .sum()
            + "");
  }

  record Run(int exitCode, String out, String err) {
    String output() {
      return out + "\n" + err;
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ReplayFailedCommand(Map.of()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
