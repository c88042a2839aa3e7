package io.cdcrelay.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Kinesis emulator running on a loopback port (kinesis-local, moto_server): the source URL of a
 * stream, and what a test does to the stream with its own client.
 */
public interface KinesisEmulator {

  String REGION = "us-east-1";

  /** The emulator's plain HTTP port on 127.0.0.1. */
  int port();

  /** A client of the emulator, in a protocol it reads. */
  KinesisClient client();

  String accessKey();

  String secretKey();

  /** The source URL of a stream of this emulator, with its credentials and {@code options}. */
  default String url(String stream, String options) {
    return "kinesis+dynamodb+cdc://"
        + accessKey()
        + ":"
        + secretKey().replace("/", "%2F").replace("+", "%2B")
        + "@127.0.0.1:"
        + port()
        + "/"
        + stream
        + "?region="
        + REGION
        + (options.isEmpty() ? "" : "&" + options);
  }

  /** Creates a stream and waits until it is ACTIVE. */
  default void createStream(String stream, int shards) {
    client().createStream(r -> r.streamName(stream).shardCount(shards));
    awaitActive(stream);
  }

  /** Waits until the stream is ACTIVE. */
  default void awaitActive(String stream) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      StreamStatus status =
          client()
              .describeStreamSummary(r -> r.streamName(stream))
              .streamDescriptionSummary()
              .streamStatus();
      if (status == StreamStatus.ACTIVE) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
  }

  /** Whether a stream of that name exists. */
  default boolean exists(String stream) {
    return client().listStreams().streamNames().contains(stream);
  }

  /**
   * Puts the records in order, each with its partition key, and returns where each landed (shard
   * and sequence number); one PutRecords request per 100 records.
   */
  default List<PutRecordsResultEntry> put(String stream, List<Map.Entry<String, byte[]>> records) {
    List<PutRecordsResultEntry> results = new ArrayList<>();
    for (int from = 0; from < records.size(); from += 100) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (Map.Entry<String, byte[]> record :
          records.subList(from, Math.min(records.size(), from + 100))) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey(record.getKey())
                .data(SdkBytes.fromByteArray(record.getValue()))
                .build());
      }
      PutRecordsResponse response = client().putRecords(r -> r.streamName(stream).records(entries));
      if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
        throw new IllegalStateException("the emulator rejected records: " + response);
      }
      results.addAll(response.records());
    }
    return results;
  }
}
