package io.cdcrelay.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The one log line per batch: counts, duration and the age of the oldest record, as CloudWatch
 * Embedded Metric Format (so that Lambda's log line is also a set of metrics) or as plain text.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF
 *     specification</a>
 */
public final class BatchLog {

  /** The CloudWatch namespace of the relay's metrics. */
  public static final String NAMESPACE = "CdcRelay";

  private static final JsonFactory JSON = new JsonFactory();

  private BatchLog() {}

  /**
   * The batch as EMF JSON lines, one per target table (dimension {@code Table}), and one for the
   * table {@code -} with what reached no table (poison records, records without a route, skipped
   * ones) or when nothing did.
   */
  public static String emf(BatchResult result, Instant now) {
    StringBuilder lines = new StringBuilder();
    int received = result.received();
    int deadLettered = result.deadLettered();
    for (BatchResult.TableCounts table : result.tables()) {
      received -= table.received();
      deadLettered -= table.deadLettered();
    }
    if (result.tables().isEmpty() || received > 0 || deadLettered > 0) {
      lines.append(
          emfLine(
              new BatchResult.TableCounts("-", received, 0, 0, 0, 0, deadLettered, 0),
              result,
              now));
    }
    for (BatchResult.TableCounts table : result.tables()) {
      if (lines.length() > 0) {
        lines.append('\n');
      }
      lines.append(emfLine(table, result, now));
    }
    return lines.toString();
  }

  private static String emfLine(BatchResult.TableCounts table, BatchResult result, Instant now) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", now.toEpochMilli());
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", NAMESPACE);
      json.writeArrayFieldStart("Dimensions");
      json.writeStartArray();
      json.writeString("Table");
      json.writeEndArray();
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      for (String name :
          new String[] {
            "Received",
            "Upserted",
            "Deleted",
            "Expired",
            "Coalesced",
            "DeadLettered",
            "Rerouted",
            "Skipped",
            "Failed"
          }) {
        metric(json, name, "Count");
      }
      metric(json, "DurationMs", "Milliseconds");
      metric(json, "OldestRecordAgeMs", "Milliseconds");
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("Table", table.table());
      json.writeNumberField("Received", table.received());
      json.writeNumberField("Upserted", table.upserted());
      json.writeNumberField("Deleted", table.deleted());
      json.writeNumberField("Expired", table.expired());
      json.writeNumberField("Coalesced", table.coalesced());
      json.writeNumberField("DeadLettered", table.deadLettered());
      json.writeNumberField("Rerouted", table.rerouted());
      json.writeNumberField("Skipped", result.skipped());
      json.writeNumberField("Failed", result.succeeded() ? 0 : 1);
      json.writeNumberField("DurationMs", result.duration().toMillis());
      json.writeNumberField("OldestRecordAgeMs", result.oldestRecordAge().toMillis());
      if (result.failedFrom().isPresent()) {
        json.writeStringField("FailedFrom", result.failedFrom().get());
        json.writeStringField("Failure", result.failure().orElse(""));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The batch as a plain log line, with a part per target table when there are several. */
  public static String text(BatchResult result) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                "batch %s: received=%d upserted=%d deleted=%d expired=%d coalesced=%d"
                    + " dead-lettered=%d rerouted=%d skipped=%d duration=%dms"
                    + " oldest-record-age=%dms",
                result.tables().isEmpty()
                    ? "-"
                    : String.join(
                        ",", result.tables().stream().map(BatchResult.TableCounts::table).toList()),
                result.received(),
                result.upserted(),
                result.deleted(),
                result.expired(),
                result.coalesced(),
                result.deadLettered(),
                result.rerouted(),
                result.skipped(),
                result.duration().toMillis(),
                result.oldestRecordAge().toMillis()));
    for (BatchResult.TableCounts table :
        result.tables().size() > 1 ? result.tables() : List.<BatchResult.TableCounts>of()) {
      line.append(
          String.format(
              " [%s: received=%d upserted=%d deleted=%d expired=%d dead-lettered=%d]",
              table.table(),
              table.received(),
              table.upserted(),
              table.deleted(),
              table.expired(),
              table.deadLettered()));
    }
    if (!result.succeeded()) {
      line.append(" FAILED from ")
          .append(result.failedFrom().get())
          .append(": ")
          .append(result.failure().orElse(""));
    }
    return line.toString();
  }

  private static void metric(JsonGenerator json, String name, String unit) throws IOException {
    json.writeStartObject();
    json.writeStringField("Name", name);
    json.writeStringField("Unit", unit);
    json.writeEndObject();
  }
}
