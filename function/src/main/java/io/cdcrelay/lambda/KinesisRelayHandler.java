package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.deadletter.DeadLetterRetention;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The Lambda function: decodes the Kinesis batch, applies it with the relay core, and answers with
 * the first record not applied so that Lambda retries from there. Configured from the environment
 * ({@link FunctionConfig}); the database connection is opened on the first batch and kept.
 */
public final class KinesisRelayHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(KinesisRelayHandler.class);

  private final Relay relay;
  private final Clock clock;
  private final PrintStream metrics;
  private final Optional<StartFilter> start;
  private final DeadLetterRetention retention;
  private final java.util.function.Supplier<io.cdcrelay.sink.DeadLetterStore> deadLetters;

  /** The constructor Lambda calls; fails with one sentence when the environment is incomplete. */
  public KinesisRelayHandler() {
    this(FunctionConfig.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
  }

  /** A handler for the given settings, writing its metric lines to {@code metrics}. */
  public KinesisRelayHandler(FunctionConfig config, Clock clock, PrintStream metrics) {
    java.util.function.Supplier<String> password = config.passwordSource(clock);
    JdbcTarget writer = config.openTarget(password, clock);
    this.relay = new Relay(writer, config.settings(), clock);
    this.deadLetters = () -> config.openDeadLetters(writer, password);
    this.retention = new DeadLetterRetention(config.deadLetterRetention(), clock);
    this.clock = clock;
    this.metrics = metrics;
    this.start = config.start();
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<SourceRecord> records = KinesisEvents.toSourceRecords(event);
    if (start.isPresent()) {
      records = start.get().apply(records);
    }
    BatchResult result;
    try {
      result = relay.apply(records);
    } catch (BadTargetException e) {
      // A setting disagrees with the target: nothing of the batch is applied; Lambda retries
      // until the configuration is fixed, and the log says what to fix.
      LOG.error("bad configuration, batch not applied: {}", e.getMessage());
      result = BatchResult.failed(records, e.getMessage());
    }
    // The function's own dimension set, which the template's alarms use.
    String functionName = context == null ? null : context.getFunctionName();
    metrics.println(BatchLog.emf(result, clock.instant(), functionName));
    if (result.succeeded()) {
      // Not while the database fails: the batch is retried, and the retention can wait.
      retention.applyIfDue(deadLetters);
    }
    return KinesisEvents.toResponse(result);
  }
}
