package io.cdcrelay.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the manifests of a DynamoDB export to S3 say: {@code manifest-summary.json} (the table, the
 * export time, the format) and {@code manifest-files.json} (one JSON object per line, one per data
 * file). The layout is AWS's: <a
 * href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html">DynamoDB
 * table export output format</a>.
 *
 * @param exportArn the export's ARN
 * @param tableArn the exported table's ARN
 * @param exportTime the point in time the export shows the table at
 * @param itemCount the items in the export
 * @param files the data files, in the manifest's order
 */
public record ExportManifest(
    String exportArn, String tableArn, Instant exportTime, long itemCount, List<DataFile> files) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TABLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):\\d{12}:table/([a-zA-Z0-9_.-]+)");

  /**
   * One data file.
   *
   * @param key its S3 key in the bucket ({@code dataFileS3Key})
   * @param itemCount the items it holds
   */
  public record DataFile(String key, long itemCount) {}

  public ExportManifest {
    files = List.copyOf(files);
  }

  /** The table name in {@link #tableArn}. */
  public Optional<String> tableName() {
    Matcher m = TABLE_ARN.matcher(tableArn);
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
  }

  /** The region in {@link #tableArn}. */
  public Optional<String> region() {
    Matcher m = TABLE_ARN.matcher(tableArn);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Reads both manifests; a failure is an {@link IllegalArgumentException} naming the file and the
   * field.
   */
  public static ExportManifest parse(byte[] summary, byte[] files) {
    JsonNode s = tree(summary, "manifest-summary.json");
    String format = optionalText(s, "outputFormat").orElse("DYNAMODB_JSON");
    if (!format.equals("DYNAMODB_JSON")) {
      throw new IllegalArgumentException(
          "the export is in "
              + format
              + ": only DYNAMODB_JSON exports can be loaded (export the table again with"
              + " ExportFormat=DYNAMODB_JSON)");
    }
    String type = optionalText(s, "exportType").orElse("FULL_EXPORT");
    if (!type.equals("FULL_EXPORT")) {
      throw new IllegalArgumentException(
          "the export is an " + type + ": only a FULL_EXPORT holds every item of the table");
    }
    // exportTime is the point in time the items show; startTime is when the export was asked for.
    String at =
        optionalText(s, "exportTime")
            .or(() -> optionalText(s, "startTime"))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "manifest-summary.json has neither exportTime nor startTime"));
    Instant exportTime;
    try {
      exportTime = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "manifest-summary.json: exportTime \"" + at + "\" is not an ISO-8601 instant");
    }
    List<DataFile> dataFiles = new ArrayList<>();
    java.util.Set<String> listed = new java.util.HashSet<>();
    String[] lines = new String(files, StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      JsonNode entry =
          tree(line.getBytes(StandardCharsets.UTF_8), "manifest-files.json line " + (i + 1));
      String key = text(entry, "dataFileS3Key", "manifest-files.json line " + (i + 1));
      // Read twice, its items would be counted twice: an export lists each file once.
      if (!listed.add(key)) {
        throw new IllegalArgumentException(
            "manifest-files.json line " + (i + 1) + " lists the data file " + key + " again");
      }
      JsonNode count = entry.get("itemCount");
      dataFiles.add(
          new DataFile(key, count == null || !count.canConvertToLong() ? -1 : count.asLong()));
    }
    JsonNode total = s.get("itemCount");
    return new ExportManifest(
        optionalText(s, "exportArn").orElse(""),
        text(s, "tableArn"),
        exportTime,
        total != null && total.canConvertToLong()
            ? total.asLong()
            : dataFiles.stream().mapToLong(f -> Math.max(0, f.itemCount())).sum(),
        dataFiles);
  }

  private static JsonNode tree(byte[] json, String what) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, "manifest-summary.json");
  }

  private static String text(JsonNode node, String field, String what) {
    return optionalText(node, field)
        .orElseThrow(() -> new IllegalArgumentException(what + " has no " + field));
  }

  private static Optional<String> optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isEmpty()
        ? Optional.empty()
        : Optional.of(value.asText());
  }
}
