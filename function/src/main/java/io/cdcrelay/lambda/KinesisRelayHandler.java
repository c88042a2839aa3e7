package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The Lambda function for a Kinesis event source mapping ("Kinesis Data Streams for DynamoDB"):
 * decodes the batch, applies it with the relay core, and answers with the first record not applied
 * so that Lambda retries from there. Configured from the environment ({@link FunctionConfig}).
 */
public final class KinesisRelayHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private final BatchFunction function;
  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.KINESIS_DATA_STREAMS);
  private final FunctionConfig config;

  /** The constructor Lambda calls; fails with one sentence when the environment is incomplete. */
  public KinesisRelayHandler() {
    this(FunctionConfig.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
    Priming.prime();
  }

  /** A handler for the given settings, writing its metric lines to {@code metrics}. */
  public KinesisRelayHandler(FunctionConfig config, Clock clock, PrintStream metrics) {
    this.function = new BatchFunction(config, clock, metrics);
    this.config = config;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    return function.apply(
        KinesisEvents.toSourceRecords(event),
        records -> config.start().map(start -> start.apply(records)).orElse(records),
        decoder::decode,
        event.getRecords() == null || event.getRecords().isEmpty()
            ? null
            : event.getRecords().get(0).getEventSourceARN(),
        context);
  }
}
