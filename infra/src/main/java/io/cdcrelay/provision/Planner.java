package io.cdcrelay.provision;

import io.cdcrelay.provision.Step.Action;
import io.cdcrelay.provision.Step.Resource;
import io.cdcrelay.source.SourceUrl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what provisioning or teardown changes, from the request and what exists: pure, so that a
 * dry run and a real run plan alike and a second run finds everything already present.
 */
public final class Planner {

  private Planner() {}

  /**
   * The provisioning plan: the stream, the function's start filter, the event source mapping, the
   * table's streaming destination — in that order, so that the filter is in place before the
   * mapping first invokes the function, and the mapping reads from the stream before the table
   * writes to it (which matters for {@code start=latest}).
   */
  public static Plan provision(ProvisionRequest request, Observed observed) {
    SourceUrl source = request.source();
    List<Step> steps = new ArrayList<>();
    String stream = source.stream();
    if (observed.stream().isPresent()) {
      StreamState state = observed.stream().get();
      steps.add(
          new Step(
              Resource.STREAM,
              Action.ALREADY_PRESENT,
              stream,
              state.status() + ", " + shards(state.openShards())));
    } else if (source.create()) {
      steps.add(
          new Step(
              Resource.STREAM,
              Action.CREATE,
              stream,
              shards(source.createShards())
                  + " in "
                  + source.region()
                  + ", then wait until ACTIVE"));
    } else {
      throw new ProvisionException(
          "the stream "
              + stream
              + " does not exist in "
              + source.region()
              + ": create it, or add create=true (and create-shards=N) to the source URL");
    }
    if (source.start().needsSequenceNumber() && observed.stream().isEmpty()) {
      throw new ProvisionException(
          "start="
              + source.start().option()
              + " needs the stream "
              + stream
              + " to exist and hold the record with sequence number "
              + source.sequenceNumber().orElse(""));
    }
    if (source.start().needsSequenceNumber() && observed.startRecord().isEmpty()) {
      throw new ProvisionException(
          "start="
              + source.start().option()
              + " names sequence number "
              + source.sequenceNumber().orElse("")
              + ", which is in no shard of the stream "
              + stream);
    }
    if (request.dynamoDbTable().isPresent()) {
      requireNoOtherDestination(request.dynamoDbTable().get(), observed);
    }
    if (request.function().isPresent()) {
      FunctionState function =
          observed
              .function()
              .orElseThrow(
                  () ->
                      new ProvisionException(
                          "the Lambda function "
                              + request.function().get()
                              + " does not exist in "
                              + source.region()
                              + ": deploy it first (sam deploy)"));
      environmentStep(
              function, observed.startRecord().map(StartRecord::environment).orElse(Map.of()))
          .ifPresent(steps::add);
      MappingSettings wanted =
          MappingSettings.from(source, observed.startRecord(), request.onFailureDestination());
      steps.add(mappingStep(function, stream, wanted, observed.mappings()));
    }
    request.dynamoDbTable().ifPresent(table -> steps.add(destinationStep(table, observed)));
    return new Plan(steps);
  }

  /**
   * The teardown plan: the mapping, the function's start filter, the streaming destination, and the
   * stream only when the URL says {@code create=true} and {@code relay provision} created it (it
   * carries {@link StreamState#TAG}); a stream made any other way holds data that is not ours to
   * delete.
   */
  public static Plan teardown(ProvisionRequest request, Observed observed) {
    SourceUrl source = request.source();
    List<Step> steps = new ArrayList<>();
    if (request.function().isPresent()) {
      String function = request.function().get();
      if (observed.mappings().isEmpty()) {
        steps.add(
            new Step(
                Resource.EVENT_SOURCE_MAPPING,
                Action.ABSENT,
                mappingName(function, source.stream()),
                ""));
      }
      for (MappingState mapping : observed.mappings()) {
        steps.add(
            new Step(
                Resource.EVENT_SOURCE_MAPPING,
                Action.DELETE,
                mappingName(function, source.stream()),
                mapping.uuid()));
      }
      observed
          .function()
          .flatMap(f -> environmentStep(f, Map.of()))
          .map(s -> new Step(s.resource(), s.action(), s.name(), "remove the start filter"))
          .ifPresent(steps::add);
    }
    request
        .dynamoDbTable()
        .ifPresent(
            table -> {
              String name = table + " → " + source.stream();
              boolean enabled =
                  observed.stream().isPresent()
                      && destination(observed).map(DestinationState::enabled).orElse(false);
              steps.add(
                  enabled
                      ? new Step(Resource.STREAMING_DESTINATION, Action.DELETE, name, "disable")
                      : new Step(Resource.STREAMING_DESTINATION, Action.ABSENT, name, ""));
            });
    if (observed.stream().isEmpty()) {
      steps.add(new Step(Resource.STREAM, Action.ABSENT, source.stream(), ""));
    } else if (!source.create()) {
      steps.add(
          new Step(
              Resource.STREAM,
              Action.KEEP,
              source.stream(),
              "the URL does not say create=true, so provision did not create it"));
    } else if (!observed.stream().get().createdByRelay()) {
      steps.add(
          new Step(
              Resource.STREAM,
              Action.KEEP,
              source.stream(),
              "it has no " + StreamState.TAG + " tag, so provision did not create it"));
    } else {
      steps.add(
          new Step(Resource.STREAM, Action.DELETE, source.stream(), "created by relay provision"));
    }
    return new Plan(steps);
  }

  /** The start-filter variables to set ({@code wanted}) or remove (absent from {@code wanted}). */
  static Optional<Step> environmentStep(FunctionState function, Map<String, String> wanted) {
    Map<String, String> current = new LinkedHashMap<>();
    for (String name : startVariables()) {
      String value = function.environment().get(name);
      if (value != null && !value.isEmpty()) {
        current.put(name, value);
      }
    }
    if (current.isEmpty() && wanted.isEmpty()) {
      return Optional.empty();
    }
    String detail =
        wanted.isEmpty()
            ? "remove " + String.join(", ", current.keySet())
            : wanted.toString().replaceAll("[{}]", "");
    return Optional.of(
        new Step(
            Resource.FUNCTION_ENVIRONMENT,
            current.equals(wanted) ? Action.ALREADY_PRESENT : Action.UPDATE,
            function.name(),
            detail));
  }

  /** The names of the start-filter variables. */
  public static List<String> startVariables() {
    return List.of(
        StartRecord.SHARD_ID_VARIABLE,
        StartRecord.SEQUENCE_NUMBER_VARIABLE,
        StartRecord.MODE_VARIABLE);
  }

  private static Step mappingStep(
      FunctionState function, String stream, MappingSettings wanted, List<MappingState> mappings) {
    String name = mappingName(function.name(), stream);
    if (mappings.isEmpty()) {
      return new Step(Resource.EVENT_SOURCE_MAPPING, Action.CREATE, name, wanted.describe());
    }
    MappingState mapping = mappings.get(0);
    List<String> changes = differences(mapping, wanted);
    List<String> notes = new ArrayList<>();
    MappingSettings have = mapping.settings();
    if (!have.startingPosition().equals(wanted.startingPosition())
        || (have.startingPositionTimestamp().isPresent()
            && !have.startingPositionTimestamp().equals(wanted.startingPositionTimestamp()))) {
      // The starting position of a mapping is fixed when it is created.
      notes.add(
          "StartingPosition "
              + have.startingPosition()
              + have.startingPositionTimestamp().map(t -> " " + t).orElse("")
              + " kept (a mapping cannot change it; teardown and provision again to start at "
              + wanted.startingPosition()
              + wanted.startingPositionTimestamp().map(t -> " " + t).orElse("")
              + ")");
    }
    if (mappings.size() > 1) {
      notes.add(
          mappings.size() + " mappings of this function on this stream; using " + mapping.uuid());
    }
    if (changes.isEmpty()) {
      return new Step(
          Resource.EVENT_SOURCE_MAPPING,
          Action.ALREADY_PRESENT,
          name,
          mapping.uuid() + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
    }
    notes.add(0, mapping.uuid() + ": " + String.join(", ", changes));
    return new Step(Resource.EVENT_SOURCE_MAPPING, Action.UPDATE, name, String.join("; ", notes));
  }

  /** The settings of {@code mapping} that differ from {@code wanted} and can be updated. */
  static List<String> differences(MappingState mapping, MappingSettings wanted) {
    MappingSettings have = mapping.settings();
    List<String> changes = new ArrayList<>();
    change(changes, "BatchSize", have.batchSize(), wanted.batchSize());
    change(
        changes,
        "MaximumBatchingWindowInSeconds",
        have.maximumBatchingWindowInSeconds(),
        wanted.maximumBatchingWindowInSeconds());
    change(
        changes,
        "FunctionResponseTypes",
        mapping.functionResponseTypes(),
        MappingSettings.FUNCTION_RESPONSE_TYPES);
    change(
        changes,
        "BisectBatchOnFunctionError",
        have.bisectBatchOnFunctionError(),
        wanted.bisectBatchOnFunctionError());
    change(
        changes,
        "MaximumRetryAttempts",
        have.maximumRetryAttempts(),
        wanted.maximumRetryAttempts());
    change(
        changes,
        "MaximumRecordAgeInSeconds",
        have.maximumRecordAgeInSeconds(),
        wanted.maximumRecordAgeInSeconds());
    change(
        changes,
        "ParallelizationFactor",
        have.parallelizationFactor(),
        wanted.parallelizationFactor());
    // Without --on-failure-arn, an existing destination is left as it is.
    if (wanted.onFailureDestination().isPresent()) {
      change(
          changes,
          "OnFailure",
          have.onFailureDestination().orElse("none"),
          wanted.onFailureDestination().get());
    }
    return changes;
  }

  private static void change(List<String> changes, String name, Object have, Object wanted) {
    if (!Objects.equals(have, wanted)) {
      changes.add(name + " " + have + " → " + wanted);
    }
  }

  private static Step destinationStep(String table, Observed observed) {
    String name =
        table
            + " → "
            + (observed.stream().isPresent() ? observed.stream().get().name() : "the new stream");
    Optional<DestinationState> destination = destination(observed);
    if (destination.isPresent() && destination.get().enabled()) {
      if (DestinationState.MICROSECOND.equals(destination.get().precision())) {
        return new Step(
            Resource.STREAMING_DESTINATION,
            Action.ALREADY_PRESENT,
            name,
            destination.get().status() + ", " + DestinationState.MICROSECOND + " precision");
      }
      return new Step(
          Resource.STREAMING_DESTINATION,
          Action.UPDATE,
          name,
          "ApproximateCreationDateTimePrecision "
              + destination.get().precision()
              + " → "
              + DestinationState.MICROSECOND);
    }
    return new Step(
        Resource.STREAMING_DESTINATION,
        Action.CREATE,
        name,
        "enable with ApproximateCreationDateTimePrecision " + DestinationState.MICROSECOND);
  }

  /**
   * DynamoDB streams a table to one Kinesis stream at a time: a table already streaming elsewhere
   * is an error found before anything is changed.
   */
  private static void requireNoOtherDestination(String table, Observed observed) {
    if (observed.destinations().isEmpty()) {
      return;
    }
    Optional<String> ours = observed.stream().map(StreamState::arn);
    for (DestinationState other : observed.destinations().get()) {
      if (other.enabled() && !ours.map(other.streamArn()::equals).orElse(false)) {
        throw new ProvisionException(
            "the DynamoDB table "
                + table
                + " already streams its changes to "
                + other.streamArn()
                + " ("
                + other.status()
                + "); a table streams to one Kinesis stream at a time: disable that destination,"
                + " or name its stream in the source URL");
      }
    }
  }

  private static Optional<DestinationState> destination(Observed observed) {
    if (observed.stream().isEmpty() || observed.destinations().isEmpty()) {
      return Optional.empty();
    }
    String arn = observed.stream().get().arn();
    return observed.destinations().get().stream()
        .filter(d -> arn.equals(d.streamArn()))
        .findFirst();
  }

  private static String mappingName(String function, String stream) {
    return function + " ← " + stream;
  }

  private static String shards(int count) {
    return count + (count == 1 ? " shard" : " shards");
  }
}
