package io.cdcrelay.provision;

import io.cdcrelay.decode.DynamoDbChangeDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
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
 * @param successor the stream that has replaced its source as its DynamoDB table's (the table's
 *     stream disabled and enabled again, or the table created again), or {@code null}
 */
public record MappingStatus(
    String uuid,
    String sourceArn,
    String state,
    String lastProcessingResult,
    String stateTransitionReason,
    String onFailure,
    String successor) {

  public MappingStatus(
      String uuid,
      String sourceArn,
      String state,
      String lastProcessingResult,
      String stateTransitionReason,
      String onFailure) {
    this(uuid, sourceArn, state, lastProcessingResult, stateTransitionReason, onFailure, null);
  }

  /** The DynamoDB table whose stream the mapping reads, if it reads one. */
  public Optional<String> sourceTable() {
    return DynamoDbChangeDecoder.tableOfDynamoDbStream(sourceArn);
  }

  /**
   * The mappings, each on a DynamoDB table's stream that has been replaced since with its
   * successor: a mapping on the old stream gets no more changes. A table that cannot be described
   * (gone, or not allowed) is left unsaid.
   */
  public static List<MappingStatus> withSuccessors(
      List<MappingStatus> mappings, DynamoDbClient dynamoDb) {
    List<MappingStatus> told = new ArrayList<>(mappings.size());
    for (MappingStatus mapping : mappings) {
      String successor = null;
      if (mapping.sourceTable().isPresent()) {
        try {
          TableDescription table =
              dynamoDb.describeTable(r -> r.tableName(mapping.sourceTable().get())).table();
          String latest = table.latestStreamArn();
          if (table.streamSpecification() != null
              && Boolean.TRUE.equals(table.streamSpecification().streamEnabled())
              && latest != null
              && !latest.equals(mapping.sourceArn())) {
            successor = latest;
          }
        } catch (SdkException e) {
          // Unsaid: status shows what it can read.
        }
      }
      told.add(
          new MappingStatus(
              mapping.uuid(),
              mapping.sourceArn(),
              mapping.state(),
              mapping.lastProcessingResult(),
              mapping.stateTransitionReason(),
              mapping.onFailure(),
              successor));
    }
    return told;
  }

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
