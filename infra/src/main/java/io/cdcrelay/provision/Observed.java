package io.cdcrelay.provision;

import java.util.List;
import java.util.Optional;

/**
 * What exists before provisioning or teardown, read without changing anything.
 *
 * @param stream the URL's stream, if it exists
 * @param destinations the DynamoDB table's streaming destinations, if a table was named
 * @param function the Lambda function, if one was named
 * @param mappings the function's event source mappings on the stream
 * @param startRecord the record a {@code seqno-at} / {@code seqno-after} URL names
 */
public record Observed(
    Optional<StreamState> stream,
    Optional<List<DestinationState>> destinations,
    Optional<FunctionState> function,
    List<MappingState> mappings,
    Optional<StartRecord> startRecord) {

  public Observed {
    destinations = destinations.map(List::copyOf);
    mappings = List.copyOf(mappings);
  }
}
