package io.cdcrelay.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

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

  /** The batch as one EMF JSON line, its dimension the target table. */
  public static String emf(String table, BatchResult result, Instant now) {
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
      metric(json, "Received", "Count");
      metric(json, "Upserted", "Count");
      metric(json, "Deleted", "Count");
      metric(json, "Coalesced", "Count");
      metric(json, "DeadLettered", "Count");
      metric(json, "Rerouted", "Count");
      metric(json, "Failed", "Count");
      metric(json, "DurationMs", "Milliseconds");
      metric(json, "OldestRecordAgeMs", "Milliseconds");
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("Table", table);
      json.writeNumberField("Received", result.received());
      json.writeNumberField("Upserted", result.upserted());
      json.writeNumberField("Deleted", result.deleted());
      json.writeNumberField("Coalesced", result.coalesced());
      json.writeNumberField("DeadLettered", result.deadLettered());
      json.writeNumberField("Rerouted", result.rerouted());
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

  /** The batch as a plain log line. */
  public static String text(String table, BatchResult result) {
    String line =
        String.format(
            "batch %s: received=%d upserted=%d deleted=%d coalesced=%d dead-lettered=%d"
                + " rerouted=%d duration=%dms oldest-record-age=%dms",
            table,
            result.received(),
            result.upserted(),
            result.deleted(),
            result.coalesced(),
            result.deadLettered(),
            result.rerouted(),
            result.duration().toMillis(),
            result.oldestRecordAge().toMillis());
    return result.succeeded()
        ? line
        : line + " FAILED from " + result.failedFrom().get() + ": " + result.failure().orElse("");
  }

  private static void metric(JsonGenerator json, String name, String unit) throws IOException {
    json.writeStartObject();
    json.writeStringField("Name", name);
    json.writeStringField("Unit", unit);
    json.writeEndObject();
  }
}
