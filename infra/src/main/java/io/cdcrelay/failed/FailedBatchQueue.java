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
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

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
  public static Optional<String> awsRegion(String host) {
    String[] labels = host.split("\\.");
    if (labels.length >= 4 && labels[0].equals("sqs") && labels[2].equals("amazonaws")) {
      return Optional.of(labels[1]);
    }
    return Optional.empty();
  }

  /**
   * How many messages the queue holds (approximately, as SQS counts them).
   *
   * @param waiting messages visible to a reader ({@code ApproximateNumberOfMessages})
   * @param inFlight messages received but neither deleted nor visible again ({@code
   *     ApproximateNumberOfMessagesNotVisible})
   */
  public record Depth(long waiting, long inFlight) {
    /** Every message in the queue. */
    public long total() {
      return waiting + inFlight;
    }
  }

  /**
   * The queue's depth.
   *
   * @throws IllegalArgumentException when there is no such queue
   */
  public Depth depth() {
    GetQueueAttributesResponse response;
    try {
      response =
          sqs.getQueueAttributes(
              r ->
                  r.queueUrl(queueUrl)
                      .attributeNames(
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    } catch (QueueDoesNotExistException e) {
      throw new IllegalArgumentException("the queue " + queueUrl + " does not exist");
    }
    return new Depth(
        count(response, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
        count(response, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static long count(GetQueueAttributesResponse response, QueueAttributeName name) {
    String value = response.attributes().get(name);
    return value == null ? 0 : Long.parseLong(value);
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
