package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.source.SourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kind of a Lambda stream event, told from its records: a Kinesis event ({@code eventSource}
 * {@code aws:kinesis}, or a {@code kinesis} part) or a DynamoDB Streams event ({@code
 * aws:dynamodb}, or a {@code dynamodb} part), each run by its own handler. The {@code eventSource}
 * names are the {@link SourceType}'s.
 */
enum LambdaEventKind {
  KINESIS(SourceType.KINESIS_DATA_STREAM, "kinesis", "Kinesis"),
  DYNAMODB_STREAMS(SourceType.DYNAMODB_STREAM, "dynamodb", "DynamoDB Streams");

  private final SourceType type;
  private final String part;
  private final String label;

  LambdaEventKind(SourceType type, String part, String label) {
    this.type = type;
    this.part = part;
    this.label = label;
  }

  /** The {@code eventSource} of the kind's records: {@code aws:kinesis}, {@code aws:dynamodb}. */
  String eventSource() {
    return type.eventSource();
  }

  /** How a user names the kind: "Kinesis", "DynamoDB Streams". */
  String label() {
    return label;
  }

  /**
   * The kind of {@code event}, a Lambda event's JSON.
   *
   * @throws IllegalArgumentException naming what was found, when the event has no records, mixes
   *     both kinds, or holds a record of neither
   */
  static LambdaEventKind of(JsonNode event) {
    JsonNode records = event == null ? null : event.get("Records");
    if (records == null || !records.isArray()) {
      throw new IllegalArgumentException(
          "it has no \"Records\" array, as a Lambda Kinesis or DynamoDB Streams event has");
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException(
          "its \"Records\" array is empty: there is no record to tell a Kinesis from a DynamoDB"
              + " Streams event by");
    }
    // What each record is, by kind (or by what else it says it is), with the records' numbers.
    Map<String, List<Integer>> found = new LinkedHashMap<>();
    List<LambdaEventKind> kinds = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      LambdaEventKind kind = ofRecord(record);
      String what = kind != null ? kind.label + " records" : describeOther(record);
      found.computeIfAbsent(what, k -> new ArrayList<>()).add(i + 1);
      if (kind != null && !kinds.contains(kind)) {
        kinds.add(kind);
      }
    }
    if (found.size() == 1 && kinds.size() == 1) {
      return kinds.get(0);
    }
    List<String> parts = new ArrayList<>();
    found.forEach((what, numbers) -> parts.add(what + " (" + numbers(numbers) + ")"));
    String foundText = String.join(", ", parts);
    if (kinds.size() > 1) {
      throw new IllegalArgumentException(
          "it mixes "
              + foundText
              + ": a Lambda event holds the records of one event source, a Kinesis stream or a"
              + " DynamoDB stream; split it into one file each");
    }
    throw new IllegalArgumentException(
        "it holds "
            + foundText
            + ": invoke runs "
            + KINESIS.label
            + " records (eventSource "
            + KINESIS.eventSource()
            + ") or "
            + DYNAMODB_STREAMS.label
            + " records (eventSource "
            + DYNAMODB_STREAMS.eventSource()
            + ")");
  }

  /** The kind of one record, {@code null} when it is of neither. */
  private static LambdaEventKind ofRecord(JsonNode record) {
    if (record == null || !record.isObject()) {
      return null;
    }
    JsonNode source = record.get("eventSource");
    if (source != null && source.isTextual()) {
      for (LambdaEventKind kind : values()) {
        if (kind.eventSource().equals(source.asText())) {
          return kind;
        }
      }
      return null;
    }
    // Without an eventSource, the record's own part says what it is.
    LambdaEventKind byPart = null;
    for (LambdaEventKind kind : values()) {
      if (record.path(kind.part).isObject()) {
        if (byPart != null) {
          return null;
        }
        byPart = kind;
      }
    }
    return byPart;
  }

  private static String describeOther(JsonNode record) {
    if (record == null || !record.isObject()) {
      return "records that are not JSON objects";
    }
    JsonNode source = record.get("eventSource");
    if (source != null && source.isTextual()) {
      return "records of eventSource " + source.asText();
    }
    return "records without an eventSource nor one kinesis or dynamodb part";
  }

  /** "1", "1, 3", "1-4", "2, 5-7": the records' numbers, runs joined. */
  private static String numbers(List<Integer> numbers) {
    StringBuilder text = new StringBuilder(numbers.size() == 1 ? "record " : "records ");
    int i = 0;
    while (i < numbers.size()) {
      int j = i;
      while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
        j++;
      }
      if (i > 0) {
        text.append(", ");
      }
      text.append(numbers.get(i));
      if (j > i) {
        text.append('-').append(numbers.get(j));
      }
      i = j + 1;
    }
    return text.toString();
  }
}
