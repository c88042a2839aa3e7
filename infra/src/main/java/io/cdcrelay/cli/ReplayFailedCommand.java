package io.cdcrelay.cli;

import io.cdcrelay.dynamodbstreams.DynamoDbStreamReader;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.failed.FailedBatch;
import io.cdcrelay.failed.FailedBatchQueue;
import io.cdcrelay.failed.FailedBatchReplay;
import io.cdcrelay.failed.StreamRanges;
import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.kinesis.KinesisStream;
import io.cdcrelay.kinesis.ShardReader;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Redaction;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code relay replay-failed QUEUE_URL [TARGET]}: applies the batches the event source mapping gave
 * up on (its on-failure queue names their ranges) by reading them back from the stream.
 */
@Command(
    name = "replay-failed",
    mixinStandardHelpOptions = true,
    description =
        "Reads the on-failure queue of the event source mapping, reads each failed batch's range"
            + " back from the stream, applies it, and deletes the message; reports by range what"
            + " the stream no longer holds.")
final class ReplayFailedCommand implements Callable<Integer> {

  /** Exit code when the stream no longer held all of some range. */
  static final int MISSING = 3;

  /**
   * Exit code when some messages are not failed batches of a Kinesis stream or a DynamoDB stream:
   * kept in the queue, not applied.
   */
  static final int NOT_FAILED_BATCHES = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUEUE_URL", description = "The on-failure SQS queue")
  String queueUrl;

  @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  @Mixin TargetOptions target;

  @Option(
      names = "--source",
      paramLabel = "URL",
      description =
          "kinesis+dynamodb+cdc://[KEY:SECRET@]HOST[:PORT]/STREAM?region=R (or dynamodb+cdc://…):"
              + " the Kinesis (or DynamoDB Streams) endpoint and credentials (default: AWS in the region of each message's stream ARN, the"
              + " default credential chain); its credentials serve the queue too, and its region"
              + " a queue at a custom endpoint (default us-east-1): an AWS queue's region is its"
              + " URL's")
  String source;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "500",
      description = "Records applied at once (1 to 10000, default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--discard-missing",
      description =
          "Delete the message of a range the stream no longer holds all of, after reporting it"
              + " (default: keep it)")
  boolean discardMissing;

  private final Map<String, String> processEnvironment;

  ReplayFailedCommand() {
    this(ProcessEnvironment.get());
  }

  ReplayFailedCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!target.configured(positionalTarget, processEnvironment, err)) {
      return 2;
    }
    if (batchSize < 1 || batchSize > 10_000) {
      err.println("--batch-size " + batchSize + " is out of range: 1 to 10000");
      return 2;
    }
    Optional<SourceUrl> sourceUrl;
    try {
      sourceUrl = source == null ? Optional.empty() : Optional.of(SourceUrl.parse(source));
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return 2;
    }
    return EmbeddedTarget.runWith(
        target,
        err,
        embeddedUrl -> {
          FunctionConfig config;
          try {
            config =
                FunctionConfig.fromEnvironment(target.environment(processEnvironment, embeddedUrl));
          } catch (IllegalArgumentException e) {
            err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
            return 2;
          }
          return replay(sourceUrl, config, out, err);
        });
  }

  private int replay(
      Optional<SourceUrl> sourceUrl, FunctionConfig config, PrintWriter out, PrintWriter err) {
    Clock clock = Clock.systemUTC();
    Supplier<String> password = config.passwordSource(clock);
    Map<String, KinesisClient> clients = new HashMap<>();
    Map<String, AwsClients> aws = new HashMap<>();
    Map<String, ShardReader> tableStreams = new HashMap<>();
    try (FailedBatchQueue queue =
            FailedBatchQueue.open(
                queueUrl,
                sourceUrl.map(SourceUrl::region).orElse("us-east-1"),
                credentials(sourceUrl));
        JdbcTarget writer = config.openTarget(password, clock)) {
      Relay relay = new Relay(writer, config.settings(), clock);
      FailedBatchReplay replay =
          new FailedBatchReplay(
              queue,
              batch -> new StreamRanges(stream(batch, sourceUrl, clients, aws, tableStreams)),
              relay,
              batchSize,
              discardMissing);
      FailedBatchReplay.Summary summary = replay.run(out::println);
      out.println(
          summary.applied()
              + " failed batches applied, "
              + summary.missing()
              + " that the stream no longer holds all of, "
              + summary.unreadable()
              + " messages that are not failed batches");
      out.flush();
      if (summary.failed()) {
        return 1;
      }
      if (summary.missing() > 0) {
        return MISSING;
      }
      // Kept in the queue, not applied: not "all applied".
      return summary.unreadable() > 0 ? NOT_FAILED_BATCHES : 0;
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return 2;
    } catch (BadTargetException e) {
      err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
      return 2;
    } catch (io.cdcrelay.kinesis.KinesisStream.StreamMissingException e) {
      err.println(Redaction.urlsIn(e.getMessage()) + "; the messages not yet applied are kept");
      return 1;
    } catch (SdkException e) {
      err.println("AWS failed: " + Redaction.urlsIn(String.valueOf(e.getMessage())));
      return 1;
    } finally {
      clients.values().forEach(KinesisClient::close);
      aws.values().forEach(AwsClients::close);
    }
  }

  /** The stream a failed batch names, through the source URL's endpoint or AWS in its region. */
  private static ShardReader stream(
      FailedBatch batch,
      Optional<SourceUrl> source,
      Map<String, KinesisClient> clients,
      Map<String, AwsClients> aws,
      Map<String, ShardReader> tableStreams) {
    SourceType type =
        batch.fromDynamoDbStream() ? SourceType.DYNAMODB_STREAM : SourceType.KINESIS_DATA_STREAM;
    SourceUrl url =
        source
            // On AWS itself the stream is in its ARN's region, whatever the URL's default says.
            .map(s -> s.endpoint().isPresent() ? s : s.withRegion(batch.region()))
            .orElseGet(
                () ->
                    SourceUrl.parse(
                        type.scheme()
                            + "://aws/"
                            + batch.streamName()
                            + "?region="
                            + batch.region()));
    String key = url.endpoint().map(Object::toString).orElse("aws") + " " + url.region();
    if (batch.fromDynamoDbStream()) {
      // Described once, so that a stream that is not there fails the run rather than passing
      // for shards past the retention.
      return tableStreams.computeIfAbsent(
          key + " " + batch.streamArn(),
          k -> {
            DynamoDbStreamReader reader =
                DynamoDbStreamReader.ofStream(
                    aws.computeIfAbsent(key, a -> new AwsClients(url)).dynamoDbStreams(),
                    batch.streamName(),
                    batch.streamArn());
            reader.shards();
            return reader;
          });
    }
    KinesisClient client = clients.computeIfAbsent(key, k -> KinesisClients.from(url));
    return new KinesisStream(client, batch.streamName());
  }

  /** The source URL's credentials, else the default credential chain (also for relay status). */
  static AwsCredentialsProvider credentials(Optional<SourceUrl> source) {
    if (source.isPresent() && source.get().accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(
              source.get().accessKey().get(), source.get().secretKey().orElse("")));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
