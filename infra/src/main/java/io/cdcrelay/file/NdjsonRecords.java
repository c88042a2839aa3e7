package io.cdcrelay.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SourceRecord;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads one line of an NDJSON dump in either form the reference tool reads, told apart per line: a
 * Lambda Kinesis event record ({@code kinesis.data} base64, {@code kinesis.sequenceNumber}, {@code
 * eventID} {@code shardId-…:seq}), or anything else, taken as one DynamoDB CDC record (a line that
 * is not a valid record, or not UTF-8, becomes a dead letter in the relay core with its exact
 * bytes, like a poison record from the stream).
 */
public final class NdjsonRecords {

  private static final ObjectMapper JSON = io.cdcrelay.decode.DynamoDbJson.plainMapper();

  private NdjsonRecords() {}

  /**
   * The shard of the plain CDC lines of {@code file}, whose sequence numbers are their line
   * numbers: {@code file:} and the file's absolute path, so that the records of two files, and
   * their dead letters (keyed by shard and sequence number), never share a key.
   */
  public static String fileShard(Path file) {
    return "file:" + file.toAbsolutePath().normalize();
  }

  /**
   * The record of line {@code lineNumber} (from 1) of the file whose {@link #fileShard} is {@code
   * fileShard}; the line is not blank.
   */
  public static SourceRecord parse(byte[] line, long lineNumber, String fileShard) {
    String text = utf8(line);
    JsonNode event = text == null ? null : lambdaRecordOf(text);
    if (event != null) {
      JsonNode kinesis = event.get("kinesis");
      byte[] data;
      try {
        data = Base64.getDecoder().decode(kinesis.get("data").asText());
      } catch (IllegalArgumentException e) {
        data = null;
      }
      String sequenceNumber = kinesis.path("sequenceNumber").asText("");
      if (data != null && io.cdcrelay.change.SequenceNumbers.isValid(sequenceNumber)) {
        return new SourceRecord(
            shardOf(event.path("eventID").asText(null), fileShard),
            sequenceNumber,
            data,
            arrival(kinesis.get("approximateArrivalTimestamp")));
      }
    }
    return new SourceRecord(fileShard, Long.toString(lineNumber), line, Instant.EPOCH);
  }

  /** The line as text, or {@code null} if it is not valid UTF-8. */
  private static String utf8(byte[] line) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The line as a Lambda Kinesis event record, or {@code null} if it is not one. */
  private static JsonNode lambdaRecordOf(String line) {
    String trimmed = line.trim();
    if (!trimmed.startsWith("{") || !trimmed.contains("\"kinesis\"")) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(trimmed);
      JsonNode kinesis = root.get("kinesis");
      if (kinesis != null && kinesis.isObject() && kinesis.path("data").isTextual()) {
        return root;
      }
    } catch (java.io.IOException e) {
      // Not JSON: a poison line, relayed as such.
    }
    return null;
  }

  /** Lambda's event ID is {@code shardId-…:sequenceNumber}. */
  private static String shardOf(String eventId, String fileShard) {
    if (eventId == null || eventId.isEmpty()) {
      return fileShard;
    }
    int colon = eventId.indexOf(':');
    return colon < 0 ? eventId : eventId.substring(0, colon);
  }

  /** Lambda gives the arrival time as epoch seconds with a fraction. */
  private static Instant arrival(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isNumber()) {
      return Instant.EPOCH;
    }
    BigDecimal seconds = timestamp.decimalValue();
    return Instant.ofEpochSecond(0, seconds.movePointRight(9).longValue());
  }
}
