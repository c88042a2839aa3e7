package io.cdcrelay.provision;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.ListEventSourceMappingsResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * What Lambda says of one event source mapping of the relay function: its source, state, and the
 * result of its last processing — what an operator checks when the status table stops moving.
 *
 * @param uuid the mapping's id
 * @param sourceArn the stream it reads ({@code EventSourceArn})
 * @param state {@code Enabled}, {@code Disabled}, {@code Creating}, … ({@code State})
 * @param lastProcessingResult {@code OK}, {@code PROBLEM: …}, or {@code null} before any
 * @param stateTransitionReason why it is in that state, or {@code null}
 * @param onFailure the on-failure destination's ARN, or {@code null}
 */
public record MappingStatus(
    String uuid,
    String sourceArn,
    String state,
    String lastProcessingResult,
    String stateTransitionReason,
    String onFailure) {

  /**
   * Every event source mapping of the function (a name or an ARN).
   *
   * @throws IllegalArgumentException when there is no such function
   */
  public static List<MappingStatus> of(LambdaClient lambda, String function) {
    try {
      lambda.getFunction(r -> r.functionName(function));
    } catch (ResourceNotFoundException e) {
      throw new IllegalArgumentException("the function " + function + " does not exist");
    }
    List<MappingStatus> mappings = new ArrayList<>();
    String marker = null;
    do {
      String page = marker;
      ListEventSourceMappingsResponse response =
          lambda.listEventSourceMappings(r -> r.functionName(function).marker(page));
      for (EventSourceMappingConfiguration m : response.eventSourceMappings()) {
        mappings.add(
            new MappingStatus(
                m.uuid(),
                m.eventSourceArn(),
                m.state(),
                m.lastProcessingResult(),
                m.stateTransitionReason(),
                m.destinationConfig() == null || m.destinationConfig().onFailure() == null
                    ? null
                    : m.destinationConfig().onFailure().destination()));
      }
      marker = response.nextMarker();
    } while (marker != null && !marker.isEmpty());
    return mappings;
  }
}
