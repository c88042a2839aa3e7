package io.cdcrelay.failed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SequenceNumbers;
import java.io.IOException;
import java.util.Objects;

/**
 * The range of a batch that ran out of retries, as Lambda sends it to a Kinesis event source
 * mapping's on-failure destination ({@code KinesisBatchInfo}): the records themselves stay in the
 * stream until they expire.
 *
 * @param streamArn the stream, {@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME}
 * @param shardId the shard
 * @param startSequenceNumber the batch's first record
 * @param endSequenceNumber the batch's last record
 * @param batchSize how many records the batch had
 * @see <a
 *     href="https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html">Retain
 *     discarded batch records for a Kinesis Data Streams event source</a>
 */
public record FailedBatch(
    String streamArn,
    String shardId,
    String startSequenceNumber,
    String endSequenceNumber,
    int batchSize) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public FailedBatch {
    Objects.requireNonNull(streamArn, "streamArn");
    Objects.requireNonNull(shardId, "shardId");
    SequenceNumbers.requireValid(startSequenceNumber);
    SequenceNumbers.requireValid(endSequenceNumber);
    if (!streamArn.startsWith("arn:") || !streamArn.contains(":stream/")) {
      throw new IllegalArgumentException(
          "streamArn "
              + streamArn
              + " is not a Kinesis stream ARN (arn:aws:kinesis:…:stream/NAME)");
    }
  }

  /**
   * Reads an on-failure record; the message of a failure names what is missing.
   *
   * @throws IllegalArgumentException when the text is not a Kinesis on-failure record
   */
  public static FailedBatch parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    JsonNode info = root == null ? null : root.get("KinesisBatchInfo");
    if (info == null || !info.isObject()) {
      throw new IllegalArgumentException(
          "no KinesisBatchInfo: not the on-failure record of a Kinesis event source mapping");
    }
    return new FailedBatch(
        text(info, "streamArn"),
        text(info, "shardId"),
        text(info, "startSequenceNumber"),
        text(info, "endSequenceNumber"),
        info.path("batchSize").asInt(0));
  }

  private static String text(JsonNode info, String field) {
    JsonNode value = info.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException("KinesisBatchInfo has no " + field);
    }
    return value.asText();
  }

  /** The stream's name, the last part of its ARN. */
  public String streamName() {
    return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
  }

  /** The stream's region, the fourth part of its ARN. */
  public String region() {
    String[] parts = streamArn.split(":", 6);
    return parts.length > 3 ? parts[3] : "";
  }

  /** Whether a sequence number of this shard lies in the range. */
  public boolean contains(String sequenceNumber) {
    return SequenceNumbers.ORDER.compare(sequenceNumber, startSequenceNumber) >= 0
        && SequenceNumbers.ORDER.compare(sequenceNumber, endSequenceNumber) <= 0;
  }

  @Override
  public String toString() {
    return streamName() + " " + shardId + " " + startSequenceNumber + ".." + endSequenceNumber;
  }
}
