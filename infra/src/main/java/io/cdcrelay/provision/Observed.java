package io.cdcrelay.provision;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What exists before provisioning or teardown, read without changing anything.
 *
 * @param stream the URL's stream, if it exists
 * @param destinations the streaming destinations of each DynamoDB table named in the request
 * @param function the Lambda function, if one was named
 * @param mappings the function's event source mappings on the stream
 * @param startRecord the record a {@code seqno-at} / {@code seqno-after} URL names
 * @param otherTables the region's other DynamoDB tables (not named in the request) that stream into
 *     the stream; read only by a teardown that may delete the stream
 * @param tableStream the table's own stream, for a {@code dynamodb+cdc} URL whose table exists
 */
public record Observed(
    Optional<StreamState> stream,
    Map<String, List<DestinationState>> destinations,
    Optional<FunctionState> function,
    List<MappingState> mappings,
    Optional<StartRecord> startRecord,
    Optional<List<String>> otherTables,
    Optional<TableStreamState> tableStream) {

  /** What exists for a Kinesis URL. */
  public Observed(
      Optional<StreamState> stream,
      Map<String, List<DestinationState>> destinations,
      Optional<FunctionState> function,
      List<MappingState> mappings,
      Optional<StartRecord> startRecord,
      Optional<List<String>> otherTables) {
    this(stream, destinations, function, mappings, startRecord, otherTables, Optional.empty());
  }

  /** What exists for a {@code dynamodb+cdc} URL. */
  public static Observed ofTableStream(
      Optional<TableStreamState> tableStream,
      Optional<FunctionState> function,
      List<MappingState> mappings,
      Optional<StartRecord> startRecord) {
    return new Observed(
        Optional.empty(), Map.of(), function, mappings, startRecord, Optional.empty(), tableStream);
  }

  public Observed {
    destinations =
        destinations.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    mappings = List.copyOf(mappings);
    otherTables = otherTables.map(List::copyOf);
  }

  /** The streaming destinations of {@code table}, none if it was not read. */
  public List<DestinationState> destinations(String table) {
    return destinations.getOrDefault(table, List.of());
  }
}
