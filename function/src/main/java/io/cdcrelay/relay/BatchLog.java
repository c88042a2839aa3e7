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

  /** The dimension of the per-table lines. */
  public static final String TABLE = "Table";

  /** The dimension of the function's lines, which the template's alarms use. */
  public static final String FUNCTION_NAME = "FunctionName";

  /** The count metrics of every line; {@code DurationMs} and {@code OldestRecordAgeMs} follow. */
  public static final List<String> COUNTS =
      List.of(
          "Received",
          "Upserted",
          "Deleted",
          "Expired",
          "Coalesced",
          "DeadLettered",
          "Rerouted",
          "Stale",
          "Skipped",
          "Failed");

  private static final JsonFactory JSON = new JsonFactory();

  private BatchLog() {}

  /**
   * The batch as EMF JSON lines, one per target table (dimension {@code Table}), and one for the
   * table {@code -} with what reached no table (poison records, records without a route, skipped
   * ones) or when nothing did.
   */
  public static String emf(BatchResult result, Instant now) {
    return emf(result, now, null);
  }

  /**
   * The batch as EMF JSON lines: one per target table as {@link #emf(BatchResult, Instant)} writes
   * them, and, given the function's name, the same under the dimension set {@code FunctionName,
   * Table}, plus one line of the whole batch's counts under {@code FunctionName} alone. The {@code
   * CdcRelay} namespace is shared by every stack of an account and a template cannot know table
   * names: its alarms use the function's dimension set.
   *
   * @param functionName the Lambda function's name, or {@code null} outside Lambda
   */
  public static String emf(BatchResult result, Instant now, String functionName) {
    StringBuilder lines = new StringBuilder();
    int received = result.received();
    int deadLettered = result.deadLettered();
    for (BatchResult.TableCounts table : result.tables()) {
      received -= table.received();
      deadLettered -= table.deadLettered();
    }
    List<List<String>> tableDimensions =
        functionName == null
            ? List.of(List.of(TABLE))
            : List.of(List.of(TABLE), List.of(FUNCTION_NAME, TABLE));
    // Skipped records and a failure are the batch's, of no table: on the "-" line and the
    // total, so that the table lines add up to the total for every count.
    if (result.tables().isEmpty()
        || received > 0
        || deadLettered > 0
        || result.skipped() > 0
        || !result.succeeded()) {
      lines.append(
          emfLine(
              new BatchResult.TableCounts("-", received, 0, 0, 0, 0, deadLettered, 0, 0),
              result,
              true,
              now,
              tableDimensions,
              functionName));
    }
    for (BatchResult.TableCounts table : result.tables()) {
      if (lines.length() > 0) {
        lines.append('\n');
      }
      lines.append(emfLine(table, result, false, now, tableDimensions, functionName));
    }
    if (functionName != null) {
      BatchResult.TableCounts total =
          new BatchResult.TableCounts(
              null,
              result.received(),
              result.upserted(),
              result.deleted(),
              result.expired(),
              result.coalesced(),
              result.deadLettered(),
              result.rerouted(),
              result.stale());
      lines
          .append('\n')
          .append(emfLine(total, result, true, now, List.of(List.of(FUNCTION_NAME)), functionName));
    }
    return lines.toString();
  }

  private static String emfLine(
      BatchResult.TableCounts table,
      BatchResult result,
      boolean batchWide,
      Instant now,
      List<List<String>> dimensionSets,
      String functionName) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", now.toEpochMilli());
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", NAMESPACE);
      json.writeArrayFieldStart("Dimensions");
      for (List<String> set : dimensionSets) {
        json.writeStartArray();
        for (String dimension : set) {
          json.writeString(dimension);
        }
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      for (String name : COUNTS) {
        metric(json, name, "Count");
      }
      metric(json, "DurationMs", "Milliseconds");
      metric(json, "OldestRecordAgeMs", "Milliseconds");
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      if (table.table() != null) {
        json.writeStringField(TABLE, table.table());
      }
      if (functionName != null) {
        json.writeStringField(FUNCTION_NAME, functionName);
      }
      json.writeNumberField("Received", table.received());
      json.writeNumberField("Upserted", table.upserted());
      json.writeNumberField("Deleted", table.deleted());
      json.writeNumberField("Expired", table.expired());
      json.writeNumberField("Coalesced", table.coalesced());
      json.writeNumberField("DeadLettered", table.deadLettered());
      json.writeNumberField("Rerouted", table.rerouted());
      json.writeNumberField("Stale", table.stale());
      json.writeNumberField("Skipped", batchWide ? result.skipped() : 0);
      json.writeNumberField("Failed", batchWide && !result.succeeded() ? 1 : 0);
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
                    + " dead-lettered=%d rerouted=%d stale=%d skipped=%d duration=%dms"
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
                result.stale(),
                result.skipped(),
                result.duration().toMillis(),
                result.oldestRecordAge().toMillis()));
    for (BatchResult.TableCounts table :
        result.tables().size() > 1 ? result.tables() : List.<BatchResult.TableCounts>of()) {
      line.append(
          String.format(
              " [%s: received=%d upserted=%d deleted=%d expired=%d dead-lettered=%d stale=%d]",
              table.table(),
              table.received(),
              table.upserted(),
              table.deleted(),
              table.expired(),
              table.deadLettered(),
              table.stale()));
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
