package io.cdcrelay.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.deadletter.DeadLetterRetention;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Target;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What every stream handler does with a batch, whatever its event type: skip the records before a
 * configured start, decode, apply with the relay core, print the EMF line, and answer with the
 * first record not applied. The database connections are opened on the first batch and kept.
 *
 * <p>A batch of more than {@link FunctionConfig#PART} records is applied in parts of about that
 * many, {@code CRATEDB_PARTS_IN_FLIGHT} at once (each on its own connection), taken in stream
 * order: while one part is written, the next is decoded and planned. The ordering guard makes the
 * parts' writes commutative, as for the local relay's batches in flight. Once a part fails, no
 * further part starts; the answer names the first record not applied of all parts, and every part
 * after it was either not started or is applied again by the retry, changing nothing.
 */
final class BatchFunction {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BatchFunction.class);

  private final List<Relay> relays = new ArrayList<>();
  private final PartsInFlight partsInFlight;
  private final Clock clock;
  private final PrintStream metrics;
  private final DeadLetterRetention retention;
  private final Supplier<DeadLetterStore> deadLetters;
  private final SnapStartHook snapStart;

  BatchFunction(FunctionConfig config, Clock clock, PrintStream metrics) {
    Supplier<String> password = config.passwordSource(clock);
    List<JdbcTarget> writers = new ArrayList<>();
    Relay.Shared shared = Relay.sharedState();
    for (int i = 0; i < config.partsInFlight(); i++) {
      JdbcTarget writer = config.openTarget(password, clock);
      writers.add(writer);
      relays.add(new Relay(writer, config.settings(), clock, shared));
    }
    this.partsInFlight = new PartsInFlight(writers.size(), clock);
    this.deadLetters = () -> config.openDeadLetters(writers.get(0), password);
    this.retention = new DeadLetterRetention(config.deadLetterRetention(), clock);
    this.clock = clock;
    this.metrics = metrics;
    // Kept in a field: CRaC's context holds registered hooks weakly.
    this.snapStart = new SnapStartHook(writers, password).register();
  }

  /**
   * Applies one batch, given in stream order.
   *
   * @param records the event's records
   * @param skip drops the records before a configured start (identity when none is)
   * @param decoder the decoder of the event's record format; never throws
   * @param source the event source's ARN (the stream), under which the status table keeps the
   *     batch; {@code null} when the event names none
   * @param context the invocation's context (null outside Lambda): the EMF line also carries the
   *     function's name, the dimension set the template's alarms use
   */
  StreamsEventResponse apply(
      List<SourceRecord> records,
      UnaryOperator<List<SourceRecord>> skip,
      Function<SourceRecord, Decoded> decoder,
      String source,
      Context context) {
    List<SourceRecord> kept = skip.apply(records);
    int parts =
        relays.size() == 1 ? 1 : (kept.size() + FunctionConfig.PART - 1) / FunctionConfig.PART;
    BatchResult result;
    if (parts <= 1) {
      Relay relay = relays.get(0);
      result = applyPart(relay, kept, decoder, source, relay::recordStatus);
    } else {
      // The status rows of the applied parts are stored at the end, in one statement rather than
      // one per part beside each part's writes.
      List<Target.Status> status = java.util.Collections.synchronizedList(new ArrayList<>());
      List<PartsInFlight.Lane> lanes = new ArrayList<>(relays.size());
      relays.forEach(
          relay -> lanes.add(part -> applyPart(relay, part, decoder, source, status::addAll)));
      result = partsInFlight.apply(lanes, kept, parts);
      relays.get(0).recordStatus(Target.Status.merge(status));
    }
    String functionName = context == null ? null : context.getFunctionName();
    metrics.println(BatchLog.emf(result, clock.instant(), functionName));
    if (result.succeeded()) {
      // Not while the database fails: the batch is retried, and the retention can wait.
      retention.applyIfDue(deadLetters);
    }
    return response(result);
  }

  /**
   * Decodes and applies records with one relay, handing their status rows to {@code status}; a bad
   * setting fails them all.
   */
  private static BatchResult applyPart(
      Relay relay,
      List<SourceRecord> records,
      Function<SourceRecord, Decoded> decoder,
      String source,
      Consumer<List<Target.Status>> status) {
    List<Decoded> decoded = new ArrayList<>(records.size());
    records.forEach(record -> decoded.add(decoder.apply(record)));
    try {
      return relay.applyDecoded(decoded, source, status);
    } catch (BadTargetException e) {
      // A setting disagrees with the target: nothing of the batch is applied; Lambda retries
      // until the configuration is fixed, and the log says what to fix.
      LOG.error("bad configuration, batch not applied: {}", e.getMessage());
      return BatchResult.failed(records, e.getMessage());
    }
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
