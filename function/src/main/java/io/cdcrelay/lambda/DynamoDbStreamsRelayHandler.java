package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The Lambda function for a DynamoDB Streams event source mapping: the same core, response, metrics
 * and settings as {@link KinesisRelayHandler}, for the records of a table's own stream.
 *
 * <p>Lambda's DynamoDB event does not say which shard a record comes from, so a configured start
 * ({@code START_SEQUENCE_NUMBER}) skips the records of the whole stream before that sequence
 * number.
 */
public final class DynamoDbStreamsRelayHandler
    implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  private final BatchFunction function;
  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);
  private final FunctionConfig config;

  /** The constructor Lambda calls; fails with one sentence when the environment is incomplete. */
  public DynamoDbStreamsRelayHandler() {
    this(FunctionConfig.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
    Priming.prime();
  }

  /** A handler for the given settings, writing its metric lines to {@code metrics}. */
  public DynamoDbStreamsRelayHandler(FunctionConfig config, Clock clock, PrintStream metrics) {
    this.function = new BatchFunction(config, clock, metrics);
    this.config = config;
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    return function.apply(
        DynamoDbStreamsEvents.toSourceRecords(event),
        records -> config.start().map(start -> start.applyToEveryShard(records)).orElse(records),
        decoder::decode,
        event.getRecords() == null || event.getRecords().isEmpty()
            ? null
            : event.getRecords().get(0).getEventSourceARN(),
        context);
  }
}
