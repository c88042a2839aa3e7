package io.cdcrelay.failed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.io.IOException;
import java.util.Objects;

/**
 * The range of a batch that ran out of retries, as Lambda sends it to the on-failure destination of
 * a Kinesis event source mapping ({@code KinesisBatchInfo}) or of a DynamoDB Streams one ({@code
 * DDBStreamBatchInfo}): the records themselves stay in the stream until they expire.
 *
 * @param streamArn the stream, {@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME} or {@code
 *     arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL}
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
    if (!streamArn.startsWith("arn:")
        || !(streamArn.contains(":stream/") || isDynamoDbStreamArn(streamArn))) {
      throw new IllegalArgumentException(
          "streamArn "
              + streamArn
              + " is not a Kinesis stream ARN (arn:aws:kinesis:…:stream/NAME) nor a DynamoDB"
              + " stream ARN (arn:aws:dynamodb:…:table/TABLE/stream/LABEL)");
    }
  }

  /**
   * Reads an on-failure record; the message of a failure names what is missing.
   *
   * @throws IllegalArgumentException when the text is not the on-failure record of a Kinesis or
   *     DynamoDB Streams event source mapping
   */
  public static FailedBatch parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    String kind = "KinesisBatchInfo";
    JsonNode info = root == null ? null : root.get(kind);
    if (info == null && root != null && root.has("DDBStreamBatchInfo")) {
      kind = "DDBStreamBatchInfo";
      info = root.get(kind);
    }
    if (info == null || !info.isObject()) {
      throw new IllegalArgumentException(
          "no KinesisBatchInfo nor DDBStreamBatchInfo: not the on-failure record of a Kinesis or"
              + " DynamoDB Streams event source mapping");
    }
    FailedBatch batch =
        new FailedBatch(
            text(kind, info, "streamArn"),
            text(kind, info, "shardId"),
            text(kind, info, "startSequenceNumber"),
            text(kind, info, "endSequenceNumber"),
            info.path("batchSize").asInt(0));
    if (batch.fromDynamoDbStream() != kind.equals("DDBStreamBatchInfo")) {
      throw new IllegalArgumentException(
          kind + " names the stream " + batch.streamArn() + ", which is not of its kind");
    }
    return batch;
  }

  private static String text(String kind, JsonNode info, String field) {
    JsonNode value = info.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(kind + " has no " + field);
    }
    return value.asText();
  }

  /** Whether the stream is a DynamoDB table's stream rather than a Kinesis data stream. */
  public boolean fromDynamoDbStream() {
    return isDynamoDbStreamArn(streamArn);
  }

  private static boolean isDynamoDbStreamArn(String arn) {
    return DynamoDbChangeDecoder.tableOfDynamoDbStream(arn).isPresent();
  }

  /** The stream's name, the last part of its ARN; a DynamoDB stream's: its table's name. */
  public String streamName() {
    return DynamoDbChangeDecoder.tableOfDynamoDbStream(streamArn)
        .orElseGet(() -> streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length()));
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
