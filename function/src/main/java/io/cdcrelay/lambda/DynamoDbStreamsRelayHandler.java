package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.decode.DynamoDbJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * The Lambda function for a DynamoDB Streams event source mapping: the same core, response, metrics
 * and settings as {@link KinesisRelayHandler}, for the records of a table's own stream.
 *
 * <p>Lambda's DynamoDB event does not say which shard a record comes from, so a configured start
 * ({@code START_SEQUENCE_NUMBER}) skips the records of the whole stream before that sequence
 * number.
 *
 * <p>Lambda hands it the event's JSON as it was sent, which it reads itself: Lambda's own
 * deserialiser stops at attribute names of 50,000 characters, and DynamoDB takes names of up to
 * 65,535 bytes, so an item with one would fail its batch before the handler ran, time after time.
 * The template's {@code DynamoDbStreamsRelayHandler::handleRequest} names that stream method: of
 * overloads of one name, the runtime client takes the one with the most parameters (a last {@code
 * Context} counting one more), and {@code DynamoDbStreamsRuntimeContractIT} runs it under the
 * runtime interface emulator.
 */
public final class DynamoDbStreamsRelayHandler implements RequestStreamHandler {

  /** Writes the response as Lambda's serialiser writes a {@link StreamsEventResponse}. */
  private static final ObjectMapper RESPONSE = new ObjectMapper();

  private final BatchFunction function;
  private final DynamoDbChangeDecoder decoder =
      new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);
  private final FunctionConfig config;

  /** The constructor Lambda calls; fails with one sentence when the environment is incomplete. */
  public DynamoDbStreamsRelayHandler() {
    this(FunctionConfig.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
    Priming.primeDynamoDbStreams();
  }

  /** A handler for the given settings, writing its metric lines to {@code metrics}. */
  public DynamoDbStreamsRelayHandler(FunctionConfig config, Clock clock, PrintStream metrics) {
    this.function = new BatchFunction(config, clock, metrics);
    this.config = config;
  }

  /** The entry point Lambda calls: the event's JSON in, the response's JSON out. */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    output.write(
        RESPONSE.writeValueAsBytes(handleEvent(DynamoDbJson.parse(input.readAllBytes()), context)));
  }

  /** The batch of an event already parsed ({@link DynamoDbJson#parse}), as Lambda sent it. */
  public StreamsEventResponse handleEvent(JsonNode event, Context context) {
    List<SourceRecord> records = DynamoDbStreamsEvents.toSourceRecords(event);
    JsonNode first = event == null ? null : event.path("Records").path(0).get("eventSourceARN");
    return apply(records, first != null && first.isTextual() ? first.textValue() : null, context);
  }

  /**
   * The batch of an event deserialised by Lambda's own serialiser: the same records and response as
   * {@link #handleEvent} for its JSON, within that serialiser's limits.
   */
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    return apply(
        DynamoDbStreamsEvents.toSourceRecords(event),
        event.getRecords() == null || event.getRecords().isEmpty()
            ? null
            : event.getRecords().get(0).getEventSourceARN(),
        context);
  }

  private StreamsEventResponse apply(List<SourceRecord> records, String source, Context context) {
    return function.apply(
        records,
        batch -> config.start().map(start -> start.applyToEveryShard(batch)).orElse(batch),
        decoder::decode,
        source,
        context);
  }
}
