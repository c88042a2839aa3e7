package io.cdcrelay.failed;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The on-failure SQS queue of an event source mapping: receives its messages, a few at a time and
 * hidden from other readers while they are replayed, and deletes each once its range is applied.
 */
public final class FailedBatchQueue implements AutoCloseable {

  /** How long a received message stays hidden from other readers. */
  static final Duration VISIBILITY = Duration.ofMinutes(15);

  private final SqsClient sqs;
  private final String queueUrl;

  FailedBatchQueue(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /**
   * The queue at a URL: an AWS queue ({@code https://sqs.REGION.amazonaws.com/ACCOUNT/NAME}) in its
   * region; any other host a custom endpoint (an emulator) in {@code region}.
   */
  public static FailedBatchQueue open(
      String queueUrl, String region, AwsCredentialsProvider credentials) {
    URI uri;
    try {
      uri = URI.create(queueUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("QUEUE_URL " + queueUrl + " is not a URL");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().split("/").length < 3) {
      throw new IllegalArgumentException(
          "QUEUE_URL "
              + queueUrl
              + " is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
    }
    SqsClientBuilder builder =
        SqsClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .credentialsProvider(credentials);
    Optional<String> awsRegion = awsRegion(uri.getHost());
    if (awsRegion.isPresent()) {
      builder.region(Region.of(awsRegion.get()));
    } else {
      builder
          .region(Region.of(region))
          .endpointOverride(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
    }
    return new FailedBatchQueue(builder.build(), queueUrl);
  }

  /** {@code sqs.REGION.amazonaws.com} (or {@code .amazonaws.com.cn}) gives its region. */
  static Optional<String> awsRegion(String host) {
    String[] labels = host.split("\\.");
    if (labels.length >= 4 && labels[0].equals("sqs") && labels[2].equals("amazonaws")) {
      return Optional.of(labels[1]);
    }
    return Optional.empty();
  }

  /** Up to ten messages; none when the queue has nothing visible. */
  public List<Message> receive() {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(1)
                    .visibilityTimeout((int) VISIBILITY.toSeconds()))
        .messages();
  }

  /** Deletes a received message. */
  public void delete(Message message) {
    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
  }

  /** Makes a message visible again at once, for a later run. */
  public void release(Message message) {
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
  }

  @Override
  public void close() {
    sqs.close();
  }
}
