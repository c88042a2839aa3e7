package io.cdcrelay.provision;

import io.cdcrelay.provision.Step.Action;
import io.cdcrelay.provision.Step.Resource;
import io.cdcrelay.source.SourceType;
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
   * The provisioning plan: the stream, the function's start filter and source table, the event
   * source mapping, each table's streaming destination — in that order, so that the filter is in
   * place before the mapping first invokes the function, and the mapping reads from the stream
   * before a table writes to it (which matters for {@code start=latest}).
   */
  public static Plan provision(ProvisionRequest request, Observed observed) {
    if (request.fromTableStream()) {
      return provisionTableStream(request, observed);
    }
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
    for (String table : request.dynamoDbTables()) {
      requireNoOtherDestination(table, observed);
    }
    Optional<FunctionEnvironment> environment = Optional.empty();
    if (request.function().isPresent()) {
      FunctionState function = requireFunction(request, observed);
      environment =
          Optional.of(environment(request, observed.startRecord(), function.environment()));
      environment.get().step(function).ifPresent(steps::add);
      MappingSettings wanted =
          MappingSettings.from(source, observed.startRecord(), request.onFailureDestination());
      steps.add(mappingStep(function, stream, wanted, observed.mappings()));
    }
    for (String table : request.dynamoDbTables()) {
      steps.add(destinationStep(table, observed));
    }
    return new Plan(steps, environment);
  }

  /**
   * The teardown plan: the mapping, the function's start filter and source table, each table's
   * streaming destination, and the stream only when the URL says {@code create=true}, {@code relay
   * provision} created it (it carries {@link StreamState#TAG}) and no other table streams into it;
   * a stream made any other way holds data that is not ours to delete.
   */
  public static Plan teardown(ProvisionRequest request, Observed observed) {
    if (request.fromTableStream()) {
      return teardownTableStream(request, observed);
    }
    SourceUrl source = request.source();
    List<Step> steps = new ArrayList<>();
    Optional<FunctionEnvironment> environment =
        teardownFunction(request, observed, source.stream(), steps);
    for (String table : request.dynamoDbTables()) {
      String name = table + " → " + source.stream();
      boolean enabled = destination(table, observed).map(DestinationState::enabled).orElse(false);
      steps.add(
          enabled
              ? new Step(Resource.STREAMING_DESTINATION, Action.DELETE, name, "disable", table)
              : new Step(Resource.STREAMING_DESTINATION, Action.ABSENT, name, "", table));
    }
    List<String> stillStreaming = observed.otherTables().orElse(List.of());
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
    } else if (observed.otherTables().isEmpty()) {
      steps.add(
          new Step(
              Resource.STREAM,
              Action.KEEP,
              source.stream(),
              "the tables that stream into it were not read"));
    } else if (!stillStreaming.isEmpty()) {
      steps.add(
          new Step(
              Resource.STREAM,
              Action.KEEP,
              source.stream(),
              (stillStreaming.size() == 1 ? "the DynamoDB table " : "the DynamoDB tables ")
                  + String.join(", ", stillStreaming)
                  + (stillStreaming.size() == 1 ? " still streams" : " still stream")
                  + " into it"));
    } else {
      steps.add(
          new Step(Resource.STREAM, Action.DELETE, source.stream(), "created by relay provision"));
    }
    return new Plan(steps, environment);
  }

  /**
   * The plan for a table's own DynamoDB stream: the stream turned on with {@value
   * TableStreamState#VIEW_TYPE} when it is off, then the function's start filter and source table,
   * then the event source mapping on the table's latest stream ARN — the mapping needs the ARN, and
   * the filter must be in place before the mapping first invokes the function. A stream that is on
   * without new images is an error before any change: its view type cannot change while it is on.
   */
  private static Plan provisionTableStream(ProvisionRequest request, Observed observed) {
    SourceUrl source = request.source();
    String table = source.stream();
    TableStreamState stream =
        observed
            .tableStream()
            .orElseThrow(
                () ->
                    new ProvisionException(
                        "the DynamoDB table " + table + " does not exist in " + source.region()));
    List<Step> steps = new ArrayList<>();
    boolean enable = !stream.enabled() || stream.latestStreamArn().isEmpty();
    if (enable) {
      steps.add(
          new Step(
              Resource.TABLE_STREAM,
              Action.CREATE,
              table,
              "turn on with StreamViewType "
                  + TableStreamState.VIEW_TYPE
                  + ", then wait for its stream ARN",
              table));
    } else if (!stream.usable()) {
      throw new ProvisionException(
          "the stream of the DynamoDB table "
              + table
              + " is on with view type "
              + stream.viewType()
              + ", which carries no new images of the items, and a stream's view type cannot"
              + " change while it is on: turn it off (aws dynamodb update-table --table-name "
              + table
              + " --stream-specification StreamEnabled=false), then run relay provision again,"
              + " which turns it on with "
              + TableStreamState.VIEW_TYPE
              + " (a new stream with a new ARN, empty at first)");
    } else {
      steps.add(
          new Step(
              Resource.TABLE_STREAM,
              Action.ALREADY_PRESENT,
              table,
              stream.viewType() + ", " + stream.latestStreamArn().get(),
              table));
    }
    if (source.start().needsSequenceNumber()) {
      if (enable) {
        throw new ProvisionException(
            "start="
                + source.start().option()
                + " needs the stream of the DynamoDB table "
                + table
                + " to be on and hold the record with sequence number "
                + source.sequenceNumber().orElse(""));
      }
      if (observed.startRecord().isEmpty()) {
        throw new ProvisionException(
            "start="
                + source.start().option()
                + " names sequence number "
                + source.sequenceNumber().orElse("")
                + ", which is in no shard of the stream of the DynamoDB table "
                + table);
      }
    }
    Optional<FunctionEnvironment> environment = Optional.empty();
    if (request.function().isPresent()) {
      FunctionState function = requireFunction(request, observed);
      environment =
          Optional.of(environment(request, observed.startRecord(), function.environment()));
      environment.get().step(function).ifPresent(steps::add);
      MappingSettings wanted =
          MappingSettings.from(source, observed.startRecord(), request.onFailureDestination());
      // A stream turned on anew has a new ARN: mappings on the table's previous stream are not it.
      List<MappingState> mappings = enable ? List.of() : observed.mappings();
      steps.add(mappingStep(function, tableStreamName(table), wanted, mappings));
    }
    return new Plan(steps, environment);
  }

  /**
   * The teardown plan for a table's own DynamoDB stream: the mapping and the function's variables;
   * the stream itself stays on unless the request says to turn it off, since other readers (another
   * function, a global table's replication) may read it and turning it off ends it for all.
   */
  private static Plan teardownTableStream(ProvisionRequest request, Observed observed) {
    String table = request.source().stream();
    List<Step> steps = new ArrayList<>();
    Optional<FunctionEnvironment> environment =
        teardownFunction(request, observed, tableStreamName(table), steps);
    Optional<TableStreamState> stream = observed.tableStream();
    if (stream.isEmpty() || !stream.get().enabled()) {
      steps.add(new Step(Resource.TABLE_STREAM, Action.ABSENT, table, "off", table));
    } else if (request.disableTableStream()) {
      steps.add(
          new Step(
              Resource.TABLE_STREAM,
              Action.DELETE,
              table,
              "turn off (--disable-table-stream); its records stay readable for 24 hours",
              table));
    } else {
      steps.add(
          new Step(
              Resource.TABLE_STREAM,
              Action.KEEP,
              table,
              "left on for its other readers; --disable-table-stream turns it off",
              table));
    }
    return new Plan(steps, environment);
  }

  /**
   * The function's part of a teardown: each of its mappings on the stream deleted, the variables
   * provisioning set removed. Adds the steps; returns the environment they bring about.
   */
  private static Optional<FunctionEnvironment> teardownFunction(
      ProvisionRequest request, Observed observed, String streamName, List<Step> steps) {
    if (request.function().isEmpty()) {
      return Optional.empty();
    }
    String function = request.function().get();
    if (observed.mappings().isEmpty()) {
      steps.add(
          new Step(
              Resource.EVENT_SOURCE_MAPPING, Action.ABSENT, mappingName(function, streamName), ""));
    }
    for (MappingState mapping : observed.mappings()) {
      steps.add(
          new Step(
              Resource.EVENT_SOURCE_MAPPING,
              Action.DELETE,
              mappingName(function, streamName),
              mapping.uuid()));
    }
    FunctionEnvironment environment = new FunctionEnvironment(ownedVariables(), Map.of());
    observed.function().flatMap(environment::step).ifPresent(steps::add);
    return Optional.of(environment);
  }

  /**
   * The function the request names, which must exist and, when it runs one of the relay's handlers,
   * the one for the URL's kind of stream: the other one would fail on every batch the mapping hands
   * it.
   */
  private static FunctionState requireFunction(ProvisionRequest request, Observed observed) {
    FunctionState function =
        observed
            .function()
            .orElseThrow(
                () ->
                    new ProvisionException(
                        "the Lambda function "
                            + request.function().get()
                            + " does not exist in "
                            + request.source().region()
                            + ": deploy it first (sam deploy)"));
    SourceType wanted = request.source().type();
    Optional<SourceType> reads = SourceType.ofHandler(function.handler());
    if (reads.isPresent() && reads.get() != wanted) {
      throw new ProvisionException(
          "the Lambda function "
              + function.name()
              + " runs the handler "
              + function.handler()
              + ", which reads the events of SourceType="
              + reads.get().templateValue()
              + " ("
              + reads.get().scheme()
              + ":// URLs), and a mapping of this "
              + wanted.scheme()
              + ":// URL would fail on every batch: deploy it with SourceType="
              + wanted.templateValue()
              + " (relay sam-params URL prints the --parameter-overrides), or name a function"
              + " deployed so");
    }
    return function;
  }

  /** How plans name a table's own stream. */
  private static String tableStreamName(String table) {
    return "the DynamoDB stream of " + table;
  }

  /**
   * The function's variables that provisioning sets: the start filter of a seqno start, and {@link
   * FunctionEnvironment#SOURCE_TABLE_VARIABLE} when exactly one table's changes reach it (the table
   * of a DynamoDB stream, or the one table named for a Kinesis stream) and the function writes one
   * target table. With several tables the function must accept them all, and a function routing by
   * schema (its URL names no table) routes each table to its own: the variable is removed, as the
   * function would refuse to start with it. With no table it is left as it is.
   */
  static FunctionEnvironment environment(
      ProvisionRequest request, Optional<StartRecord> start, Map<String, String> function) {
    Map<String, String> wanted =
        new LinkedHashMap<>(start.map(StartRecord::environment).orElse(Map.of()));
    List<String> tables = request.sourceTables();
    if (tables.isEmpty()) {
      return new FunctionEnvironment(startVariables(), wanted);
    }
    if (tables.size() == 1 && !routesBySchema(function)) {
      wanted.put(FunctionEnvironment.SOURCE_TABLE_VARIABLE, tables.get(0));
    }
    return new FunctionEnvironment(ownedVariables(), wanted);
  }

  /**
   * Whether the function's configuration routes each DynamoDB table to a table of its own (its
   * target names a schema only); false when it cannot be read here (then the function's own start
   * says what is wrong with it).
   */
  static boolean routesBySchema(Map<String, String> function) {
    Map<String, String> own = new LinkedHashMap<>(function);
    own.remove(FunctionEnvironment.SOURCE_TABLE_VARIABLE);
    try {
      return !io.cdcrelay.lambda.FunctionConfig.fromEnvironment(own)
          .settings()
          .routes()
          .isSingleTable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The names of the start-filter variables. */
  static List<String> startVariables() {
    return List.of(
        StartRecord.SHARD_ID_VARIABLE,
        StartRecord.SEQUENCE_NUMBER_VARIABLE,
        StartRecord.MODE_VARIABLE);
  }

  /** Every function variable that provisioning sets and teardown removes. */
  static List<String> ownedVariables() {
    List<String> owned = new ArrayList<>(startVariables());
    owned.add(FunctionEnvironment.SOURCE_TABLE_VARIABLE);
    return owned;
  }

  private static Step mappingStep(
      FunctionState function, String stream, MappingSettings wanted, List<MappingState> mappings) {
    String name = mappingName(function.name(), stream);
    // Bounded retries without a destination discard the batch Lambda gives up on: its changes
    // would never reach the table, and nothing would say which.
    if (wanted.onFailureDestination().isEmpty()
        && (mappings.isEmpty() || mappings.get(0).settings().onFailureDestination().isEmpty())) {
      throw new ProvisionException(
          "the event source mapping "
              + name
              + (mappings.isEmpty() ? " would have" : " has")
              + " no on-failure destination: a batch Lambda gives up on (after "
              + MappingSettings.MAXIMUM_RECORD_AGE_IN_SECONDS
              + " s or "
              + MappingSettings.MAXIMUM_RETRY_ATTEMPTS
              + " retries) would be discarded, its changes never written; give --on-failure-arn"
              + " with an SQS queue or SNS topic ARN (the template's FailedBatches queue)");
    }
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
    Optional<DestinationState> destination = destination(table, observed);
    if (destination.isPresent() && destination.get().enabled()) {
      if (DestinationState.MICROSECOND.equals(destination.get().precision())) {
        return new Step(
            Resource.STREAMING_DESTINATION,
            Action.ALREADY_PRESENT,
            name,
            destination.get().status() + ", " + DestinationState.MICROSECOND + " precision",
            table);
      }
      return new Step(
          Resource.STREAMING_DESTINATION,
          Action.UPDATE,
          name,
          "ApproximateCreationDateTimePrecision "
              + destination.get().precision()
              + " → "
              + DestinationState.MICROSECOND,
          table);
    }
    return new Step(
        Resource.STREAMING_DESTINATION,
        Action.CREATE,
        name,
        "enable with ApproximateCreationDateTimePrecision " + DestinationState.MICROSECOND,
        table);
  }

  /**
   * DynamoDB streams a table to one Kinesis stream at a time: a table already streaming elsewhere
   * is an error found before anything is changed.
   */
  private static void requireNoOtherDestination(String table, Observed observed) {
    Optional<String> ours = observed.stream().map(StreamState::arn);
    for (DestinationState other : observed.destinations(table)) {
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

  private static Optional<DestinationState> destination(String table, Observed observed) {
    if (observed.stream().isEmpty()) {
      return Optional.empty();
    }
    String arn = observed.stream().get().arn();
    return observed.destinations(table).stream().filter(d -> arn.equals(d.streamArn())).findFirst();
  }

  private static String mappingName(String function, String stream) {
    return function + " ← " + stream;
  }

  private static String shards(int count) {
    return count + (count == 1 ? " shard" : " shards");
  }
}
