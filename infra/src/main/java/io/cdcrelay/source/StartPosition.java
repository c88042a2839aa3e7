package io.cdcrelay.source;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where consuming a shard starts when no checkpoint exists: the URL option {@code start}. */
public enum StartPosition {
  /** TRIM_HORIZON: the oldest record still in the stream. */
  EARLIEST("earliest", "TRIM_HORIZON"),
  /** LATEST: only records written after the consumer started. */
  LATEST("latest", "LATEST"),
  /** AT_SEQUENCE_NUMBER: the record with the given sequence number. */
  SEQNO_AT("seqno-at", "AT_SEQUENCE_NUMBER"),
  /** AFTER_SEQUENCE_NUMBER: the record after the given sequence number. */
  SEQNO_AFTER("seqno-after", "AFTER_SEQUENCE_NUMBER");

  private final String option;
  private final String iteratorType;

  StartPosition(String option, String iteratorType) {
    this.option = option;
    this.iteratorType = iteratorType;
  }

  /** The option value naming this position. */
  public String option() {
    return option;
  }

  /** The Kinesis shard iterator type. */
  public String iteratorType() {
    return iteratorType;
  }

  /** Whether this position needs a sequence number. */
  public boolean needsSequenceNumber() {
    return this == SEQNO_AT || this == SEQNO_AFTER;
  }

  /** The position named by {@code option}, if any. */
  public static Optional<StartPosition> fromOption(String option) {
    return Arrays.stream(values()).filter(p -> p.option.equals(option)).findFirst();
  }

  /** The accepted option values, for messages. */
  public static String accepted() {
    return Arrays.stream(values()).map(p -> p.option).collect(Collectors.joining(", "));
  }
}
