package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What every stream handler does with a batch, whatever its event type: skip the records before a
 * configured start, decode, apply with the relay core, print the EMF line, and answer with the
 * first record not applied. The database connection is opened on the first batch and kept.
 */
final class BatchFunction {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BatchFunction.class);

  private final Relay relay;
  private final Clock clock;
  private final PrintStream metrics;
  private final SnapStartHook snapStart;

  BatchFunction(FunctionConfig config, Clock clock, PrintStream metrics) {
    java.util.function.Supplier<String> password = config.passwordSource(clock);
    io.cdcrelay.sink.Target target = config.openTarget(password, clock);
    this.relay = new Relay(target, config.settings(), clock);
    this.clock = clock;
    this.metrics = metrics;
    // Kept in a field: CRaC's context holds registered hooks weakly.
    this.snapStart = new SnapStartHook(target, password).register();
  }

  /**
   * Applies one batch, given in stream order.
   *
   * @param records the event's records
   * @param skip drops the records before a configured start (identity when none is)
   * @param decoder the decoder of the event's record format; never throws
   */
  StreamsEventResponse apply(
      List<SourceRecord> records,
      UnaryOperator<List<SourceRecord>> skip,
      Function<SourceRecord, Decoded> decoder) {
    List<SourceRecord> kept = skip.apply(records);
    List<Decoded> decoded = new ArrayList<>(kept.size());
    kept.forEach(record -> decoded.add(decoder.apply(record)));
    BatchResult result;
    try {
      result = relay.applyDecoded(decoded);
    } catch (BadTargetException e) {
      // A setting disagrees with the target: nothing of the batch is applied; Lambda retries
      // until the configuration is fixed, and the log says what to fix.
      LOG.error("bad configuration, batch not applied: {}", e.getMessage());
      result = BatchResult.failed(kept, e.getMessage());
    }
    metrics.println(BatchLog.emf(result, clock.instant()));
    return response(result);
  }

  /**
   * The partial batch response: empty when everything was applied, otherwise the first record not
   * applied, from which Lambda retries.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html">Reporting
   *     batch item failures</a>
   */
  static StreamsEventResponse response(BatchResult result) {
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    result
        .failedFrom()
        .ifPresent(seq -> failures.add(new StreamsEventResponse.BatchItemFailure(seq)));
    return new StreamsEventResponse(failures);
  }
}
