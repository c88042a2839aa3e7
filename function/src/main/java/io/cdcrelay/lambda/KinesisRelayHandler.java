package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.JdbcTarget;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Lambda function: decodes the Kinesis batch, applies it with the relay core, and answers with
 * the first record not applied so that Lambda retries from there. Configured from the environment
 * ({@link FunctionConfig}); the database connection is opened on the first batch and kept.
 */
public final class KinesisRelayHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private final Relay relay;
  private final String table;
  private final Clock clock;
  private final PrintStream metrics;
  private final Optional<StartFilter> start;

  /** The constructor Lambda calls; fails with one sentence when the environment is incomplete. */
  public KinesisRelayHandler() {
    this(FunctionConfig.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
  }

  /** A handler for the given settings, writing its metric lines to {@code metrics}. */
  public KinesisRelayHandler(FunctionConfig config, Clock clock, PrintStream metrics) {
    Supplier<String> password =
        config
            .passwordSecretArn()
            .<Supplier<String>>map(arn -> new SecretsManagerPassword(arn, clock))
            .orElse(() -> null);
    this.relay =
        new Relay(
            new JdbcTarget(config.target(), password, clock, config.socketTimeoutSeconds()), clock);
    this.table =
        (config.target().schema() == null ? "" : config.target().schema() + ".")
            + config.target().table();
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
    BatchResult result = relay.apply(records);
    metrics.println(BatchLog.emf(table, result, clock.instant()));
    return KinesisEvents.toResponse(result);
  }
}
