package io.cdcrelay.provision;

import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@code template.yaml} parameters that a source URL sets, for {@code sam deploy}. */
public final class SamParameters {

  private SamParameters() {}

  /**
   * The parameters of {@code template.yaml} that the URL determines. With {@code create=true} the
   * stack creates the stream ({@code StreamName}, {@code ShardCount}); otherwise it consumes the
   * existing {@code streamArn}. For a {@code dynamodb+cdc} URL, {@code SourceType=DynamoDBStream}
   * and {@code streamArn} is the table's stream ({@code TableStreamArn}). A seqno start needs the
   * record it names, found in the stream.
   */
  public static Map<String, String> from(
      SourceUrl source, Optional<String> streamArn, Optional<StartRecord> start) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (source.type() == SourceType.DYNAMODB_STREAM) {
      parameters.put("SourceType", source.type().templateValue());
      parameters.put(
          "TableStreamArn",
          streamArn.orElseThrow(
              () -> new IllegalArgumentException("the table's stream ARN is needed")));
    } else if (source.create()) {
      parameters.put("StreamName", source.stream());
      parameters.put("ShardCount", Integer.toString(source.createShards()));
    } else {
      parameters.put(
          "StreamArn",
          streamArn.orElseThrow(
              () -> new IllegalArgumentException("the stream ARN is needed with create=false")));
    }
    MappingSettings mapping = MappingSettings.from(source, start, Optional.empty());
    parameters.put("BatchSize", Integer.toString(mapping.batchSize()));
    parameters.put("StartingPosition", mapping.startingPosition());
    mapping
        .startingPositionTimestamp()
        .ifPresent(
            t -> parameters.put("StartingPositionTimestamp", Long.toString(t.getEpochSecond())));
    start.ifPresent(
        s -> {
          parameters.put("StartShardId", s.shardId());
          parameters.put("StartSequenceNumber", s.sequenceNumber());
          parameters.put("StartMode", s.mode());
        });
    parameters.put(
        "MaximumBatchingWindowInSeconds",
        Integer.toString(mapping.maximumBatchingWindowInSeconds()));
    // The parameters this URL does not use, cleared: on a stack deployed before, sam deploy keeps
    // the previous value of every parameter not given (the source of another URL, a start filter).
    parameters.putIfAbsent("SourceType", source.type().templateValue());
    for (String unused : CLEARED) {
      parameters.putIfAbsent(unused, "");
    }
    return parameters;
  }

  /** The parameters a URL sets or else clears. */
  private static final java.util.List<String> CLEARED =
      java.util.List.of(
          "StreamArn",
          "StreamName",
          "TableStreamArn",
          "StartingPositionTimestamp",
          "StartShardId",
          "StartSequenceNumber",
          "StartMode");

  /**
   * {@code KEY=VALUE KEY=VALUE}, as {@code sam deploy --parameter-overrides} takes them; an empty
   * value as {@code KEY=""}, which it reads as empty (a bare {@code KEY=} it drops).
   */
  public static String overrides(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(e -> e.getKey() + "=" + (e.getValue().isEmpty() ? "\"\"" : e.getValue()))
        .collect(Collectors.joining(" "));
  }

  /** The ARN of a stream in {@code account}, in the URL's region and its partition. */
  public static String streamArn(SourceUrl source, String account) {
    if (!account.matches("\\d{12}")) {
      throw new IllegalArgumentException(
          "--account-id " + account + " is not a 12-digit AWS account id");
    }
    return "arn:"
        + partition(source.region())
        + ":kinesis:"
        + source.region()
        + ":"
        + account
        + ":stream/"
        + source.stream();
  }

  /** The ARN partition of a region. */
  static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }
}
