package io.cdcrelay.provision;

import io.cdcrelay.dynamodbstreams.DynamoDbStreamReader;
import io.cdcrelay.kinesis.KinesisStream;
import io.cdcrelay.kinesis.ShardLocator;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.kinesis.ShardReader;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ApproximateCreationDateTimePrecision;
import software.amazon.awssdk.services.dynamodb.model.DescribeKinesisStreamingDestinationResponse;
import software.amazon.awssdk.services.dynamodb.model.KinesisDataStreamDestination;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.DestinationConfig;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ListEventSourceMappingsResponse;
import software.amazon.awssdk.services.lambda.model.OnFailure;

/**
 * Reads what exists and carries out a {@link Plan} with the AWS SDK: the only class of provisioning
 * that talks to AWS. Reading ({@link #observe}) never changes anything.
 */
public final class AwsProvisioner {

  /** The alias that template.yaml publishes and its mappings invoke. */
  public static final String ALIAS = "live";

  private final AwsClients aws;
  private final Duration waitTimeout;
  private final Duration pollInterval;

  public AwsProvisioner(AwsClients aws, Duration waitTimeout, Duration pollInterval) {
    this.aws = aws;
    this.waitTimeout = waitTimeout;
    this.pollInterval = pollInterval;
  }

  /**
   * Reads the stream, each named table's streaming destinations, the function and its mappings on
   * the stream; for provisioning ({@code provisioning}) the record a seqno start names; for a
   * teardown that may delete the stream, the other tables of the region that stream into it.
   * Read-only calls only.
   */
  public Observed observe(ProvisionRequest request, boolean provisioning) {
    if (request.fromTableStream()) {
      return observeTableStream(request, provisioning);
    }
    SourceUrl source = request.source();
    Optional<StreamState> stream = stream(source.stream());
    Optional<StartRecord> start = Optional.empty();
    if (provisioning && source.start().needsSequenceNumber() && stream.isPresent()) {
      start =
          findStartRecord(source.stream(), source.sequenceNumber().orElseThrow(), source.start());
    }
    Map<String, List<DestinationState>> destinations = new LinkedHashMap<>();
    for (String table : request.dynamoDbTables()) {
      destinations.put(table, destinations(table));
    }
    Optional<FunctionState> function = request.function().flatMap(this::function);
    List<MappingState> mappings = List.of();
    if (function.isPresent() && stream.isPresent()) {
      mappings = mappings(mappingTarget(request.function().get()), stream.get().arn());
    }
    Optional<List<String>> otherTables = Optional.empty();
    if (!provisioning && source.create() && stream.isPresent() && stream.get().createdByRelay()) {
      otherTables = Optional.of(tablesStreamingInto(stream.get().arn(), request.dynamoDbTables()));
    }
    return new Observed(stream, destinations, function, mappings, start, otherTables);
  }

  /**
   * For a {@code dynamodb+cdc} URL: the table's stream, the function and its mappings on the
   * table's latest stream ARN, and for provisioning the record a seqno start names.
   */
  private Observed observeTableStream(ProvisionRequest request, boolean provisioning) {
    SourceUrl source = request.source();
    Optional<TableStreamState> stream = tableStream(source.stream());
    Optional<StartRecord> start = Optional.empty();
    if (provisioning
        && source.start().needsSequenceNumber()
        && stream.map(TableStreamState::usable).orElse(false)) {
      start =
          findStartRecord(
              new DynamoDbStreamReader(aws.dynamoDb(), aws.dynamoDbStreams(), source.stream()),
              source.sequenceNumber().orElseThrow(),
              source.start());
    }
    Optional<FunctionState> function = request.function().flatMap(this::function);
    List<MappingState> mappings = List.of();
    Optional<String> arn = stream.flatMap(TableStreamState::latestStreamArn);
    if (function.isPresent() && arn.isPresent()) {
      mappings = mappings(mappingTarget(request.function().get()), arn.get());
    }
    return Observed.ofTableStream(stream, function, mappings, start);
  }

  /** The table's own stream, if the table exists. */
  public Optional<TableStreamState> tableStream(String table) {
    TableDescription description;
    try {
      description = aws.dynamoDb().describeTable(r -> r.tableName(table)).table();
    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("DescribeTable " + table, e);
    }
    return Optional.of(tableStreamState(description));
  }

  private static TableStreamState tableStreamState(TableDescription table) {
    StreamSpecification spec = table.streamSpecification();
    boolean enabled = spec != null && Boolean.TRUE.equals(spec.streamEnabled());
    return new TableStreamState(
        table.tableName(),
        enabled,
        enabled && spec.streamViewTypeAsString() != null ? spec.streamViewTypeAsString() : "",
        Optional.ofNullable(table.latestStreamArn()));
  }

  /** The stream, if it exists. */
  public Optional<StreamState> stream(String name) {
    KinesisClient kinesis = aws.kinesis();
    StreamDescriptionSummary summary;
    try {
      summary = kinesis.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary();
    } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("DescribeStreamSummary " + name, e);
    }
    boolean ours =
        call(
            "ListTagsForStream " + name,
            () ->
                kinesis.listTagsForStream(r -> r.streamName(name)).tags().stream()
                    .anyMatch(
                        t ->
                            StreamState.TAG.equals(t.key())
                                && StreamState.TAG_VALUE.equals(t.value())));
    return Optional.of(
        new StreamState(
            name,
            summary.streamARN(),
            summary.streamStatusAsString(),
            summary.openShardCount() == null ? 0 : summary.openShardCount(),
            ours));
  }

  /**
   * The record with {@code sequenceNumber}: found by the same {@link ShardLocator} the local relay
   * uses, over the stream's shards.
   */
  public Optional<StartRecord> findStartRecord(
      String stream, String sequenceNumber, StartPosition position) {
    return findStartRecord(new KinesisStream(aws.kinesis(), stream), sequenceNumber, position);
  }

  /** The record with {@code sequenceNumber} in the stream {@code reader} reads. */
  public Optional<StartRecord> findStartRecord(
      ShardReader reader, String sequenceNumber, StartPosition position) {
    String stream = reader.name();
    try {
      return ShardLocator.locate(reader, reader.shards(), sequenceNumber)
          .map(
              anchor ->
                  new StartRecord(anchor.shardId(), sequenceNumber, anchor.arrivedAt(), position));
    } catch (ShardReadException e) {
      throw new ProvisionException(
          "finding the record "
              + sequenceNumber
              + " in "
              + stream
              + " failed"
              + " "
              + aws.where()
              + ": "
              + e.getMessage());
    }
  }

  private List<DestinationState> destinations(String table) {
    DynamoDbClient dynamoDb = aws.dynamoDb();
    try {
      dynamoDb.describeTable(r -> r.tableName(table));
    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
      throw new ProvisionException(
          "the DynamoDB table " + table + " does not exist in " + aws.region());
    } catch (SdkException e) {
      throw failed("DescribeTable " + table, e);
    }
    DescribeKinesisStreamingDestinationResponse response =
        call(
            "DescribeKinesisStreamingDestination " + table,
            () -> dynamoDb.describeKinesisStreamingDestination(r -> r.tableName(table)));
    List<DestinationState> destinations = new ArrayList<>();
    for (KinesisDataStreamDestination d : response.kinesisDataStreamDestinations()) {
      destinations.add(state(d));
    }
    return destinations;
  }

  private static DestinationState state(KinesisDataStreamDestination d) {
    return new DestinationState(
        d.streamArn(),
        d.destinationStatusAsString(),
        d.approximateCreationDateTimePrecisionAsString() == null
            ? "MILLISECOND"
            : d.approximateCreationDateTimePrecisionAsString());
  }

  /**
   * The tables of the region, except {@code excluded}, that stream into {@code streamArn}. DynamoDB
   * answers this only per table ({@code DescribeKinesisStreamingDestination}), so every table the
   * caller can list in the region is asked: one {@code ListTables} call per 100 tables, then one
   * call per table. Tables of other accounts or regions are not seen. A custom endpoint without
   * DynamoDB (kinesis-local answers 404) has no tables.
   */
  private List<String> tablesStreamingInto(String streamArn, List<String> excluded) {
    DynamoDbClient dynamoDb = aws.dynamoDb();
    List<String> streaming = new ArrayList<>();
    String last = null;
    do {
      String current = last;
      ListTablesResponse page;
      try {
        page = dynamoDb.listTables(r -> r.exclusiveStartTableName(current));
      } catch (SdkServiceException e) {
        // Only a Kinesis emulator answers 404 to a DynamoDB call; AWS itself never does, and any
        // other failure (AccessDenied without dynamodb:ListTables) stops the teardown.
        if (aws.endpoint().isPresent() && current == null && e.statusCode() == 404) {
          return List.of();
        }
        throw failed("ListTables", e);
      } catch (SdkException e) {
        throw failed("ListTables", e);
      }
      for (String table : page.tableNames()) {
        if (excluded.contains(table)) {
          continue;
        }
        DescribeKinesisStreamingDestinationResponse response;
        try {
          response = dynamoDb.describeKinesisStreamingDestination(r -> r.tableName(table));
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
          // Deleted since ListTables.
          continue;
        } catch (SdkException e) {
          throw failed("DescribeKinesisStreamingDestination " + table, e);
        }
        if (response.kinesisDataStreamDestinations().stream()
            .anyMatch(d -> streamArn.equals(d.streamArn()) && state(d).enabled())) {
          streaming.add(table);
        }
      }
      last = page.lastEvaluatedTableName();
    } while (last != null);
    return streaming;
  }

  /**
   * What a mapping invokes: the function's alias {@value #ALIAS} (template.yaml's {@code
   * AutoPublishAlias}) when it has one, since SnapStart applies to published versions only; else
   * the function itself.
   */
  private String mappingTarget(String function) {
    return alias(function) ? function + ":" + ALIAS : function;
  }

  private boolean alias(String function) {
    try {
      aws.lambda().getAlias(r -> r.functionName(function).name(ALIAS));
      return true;
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw failed("GetAlias " + function + ":" + ALIAS, e);
    }
  }

  /**
   * The function, with the environment and handler of what its mappings invoke: the version its
   * alias {@value #ALIAS} points at when it has one (a run that updated {@code $LATEST} but stopped
   * before publishing left the alias without the new settings), else {@code $LATEST}.
   */
  private Optional<FunctionState> function(String name) {
    try {
      GetFunctionConfigurationResponse f =
          aws.lambda().getFunctionConfiguration(r -> r.functionName(name));
      if (alias(name)) {
        GetFunctionConfigurationResponse live =
            call(
                "GetFunctionConfiguration " + name + ":" + ALIAS,
                () ->
                    aws.lambda()
                        .getFunctionConfiguration(r -> r.functionName(name).qualifier(ALIAS)));
        return Optional.of(
            new FunctionState(
                name, f.functionArn(), environment(live.environment()), live.handler()));
      }
      return Optional.of(
          new FunctionState(name, f.functionArn(), environment(f.environment()), f.handler()));
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("GetFunctionConfiguration " + name, e);
    }
  }

  private static Map<String, String> environment(
      software.amazon.awssdk.services.lambda.model.EnvironmentResponse environment) {
    return environment == null || environment.variables() == null
        ? Map.of()
        : environment.variables();
  }

  private List<MappingState> mappings(String function, String streamArn) {
    List<MappingState> mappings = new ArrayList<>();
    String marker = null;
    do {
      String current = marker;
      ListEventSourceMappingsResponse page =
          call(
              "ListEventSourceMappings " + function,
              () ->
                  aws.lambda()
                      .listEventSourceMappings(
                          r -> r.functionName(function).eventSourceArn(streamArn).marker(current)));
      for (EventSourceMappingConfiguration m : page.eventSourceMappings()) {
        if (streamArn.equals(m.eventSourceArn())) {
          mappings.add(mapping(m));
        }
      }
      marker = page.nextMarker();
    } while (marker != null);
    return mappings;
  }

  /** A mapping as found; where the service reports no value, its documented default. */
  static MappingState mapping(EventSourceMappingConfiguration m) {
    MappingSettings settings =
        new MappingSettings(
            m.batchSize() == null ? 100 : m.batchSize(),
            m.startingPositionAsString() == null ? "" : m.startingPositionAsString(),
            Optional.ofNullable(m.startingPositionTimestamp()),
            m.maximumBatchingWindowInSeconds() == null ? 0 : m.maximumBatchingWindowInSeconds(),
            Boolean.TRUE.equals(m.bisectBatchOnFunctionError()),
            m.maximumRetryAttempts() == null ? -1 : m.maximumRetryAttempts(),
            m.maximumRecordAgeInSeconds() == null ? -1 : m.maximumRecordAgeInSeconds(),
            m.parallelizationFactor() == null ? 1 : m.parallelizationFactor(),
            m.destinationConfig() == null || m.destinationConfig().onFailure() == null
                ? Optional.empty()
                : Optional.ofNullable(m.destinationConfig().onFailure().destination()));
    return new MappingState(
        m.uuid(),
        m.state() == null ? "" : m.state(),
        settings,
        m.functionResponseTypesAsStrings() == null
            ? List.of()
            : m.functionResponseTypesAsStrings());
  }

  /**
   * Carries out the plan's changes in order and reports every step, done or not, to {@code report}.
   * The function's variables become {@code plan.environment()}.
   */
  public void apply(
      ProvisionRequest request, Observed observed, Plan plan, Consumer<String> report) {
    SourceUrl source = request.source();
    String streamArn =
        observed.stream()
            .map(StreamState::arn)
            .or(() -> observed.tableStream().flatMap(TableStreamState::latestStreamArn))
            .orElse(null);
    for (Step step : plan.steps()) {
      switch (step.resource()) {
        case TABLE_STREAM:
          if (step.action() == Step.Action.CREATE) {
            streamArn = enableTableStream(step.target(), streamArn);
          } else if (step.action() == Step.Action.DELETE) {
            call(
                "UpdateTable " + step.target(),
                () ->
                    aws.dynamoDb()
                        .updateTable(
                            r ->
                                r.tableName(step.target())
                                    .streamSpecification(s -> s.streamEnabled(false))));
          }
          break;
        case STREAM:
          if (step.action() == Step.Action.CREATE) {
            streamArn = createStream(source);
          } else if (step.action() == Step.Action.DELETE) {
            call(
                "DeleteStream " + source.stream(),
                () -> aws.kinesis().deleteStream(r -> r.streamName(source.stream())));
          }
          break;
        case FUNCTION_ENVIRONMENT:
          if (step.action() == Step.Action.UPDATE) {
            updateEnvironment(request.function().orElseThrow(), plan.environment().orElseThrow());
          }
          break;
        case EVENT_SOURCE_MAPPING:
          if (step.action() == Step.Action.DELETE) {
            String uuid = step.detail();
            call(
                "DeleteEventSourceMapping " + uuid,
                () -> aws.lambda().deleteEventSourceMapping(r -> r.uuid(uuid)));
          } else if (step.action().changes()) {
            MappingSettings wanted =
                MappingSettings.from(
                    source, observed.startRecord(), request.onFailureDestination());
            changeMapping(
                step, mappingTarget(request.function().orElseThrow()), streamArn, wanted, observed);
          }
          break;
        case STREAMING_DESTINATION:
          if (step.action().changes()) {
            changeDestination(step, step.target(), streamArn);
          }
          break;
        default:
          throw new IllegalStateException("unknown resource " + step.resource());
      }
      report.accept(step.render(true));
    }
  }

  private String createStream(SourceUrl source) {
    KinesisClient kinesis = aws.kinesis();
    String name = source.stream();
    try {
      kinesis.createStream(r -> r.streamName(name).shardCount(source.createShards()));
    } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException e) {
      // Created meanwhile by someone else: wait for it like for ours, but do not tag it.
      return awaitActive(name);
    } catch (SdkException e) {
      throw failed("CreateStream " + name, e);
    }
    String arn = awaitActive(name);
    call(
        "AddTagsToStream " + name,
        () ->
            kinesis.addTagsToStream(
                r -> r.streamName(name).tags(Map.of(StreamState.TAG, StreamState.TAG_VALUE))));
    return arn;
  }

  /**
   * Turns the table's stream on with {@value TableStreamState#VIEW_TYPE} and waits until the table
   * names a new stream ARN (not {@code previousArn}) and that stream is ENABLED: a mapping is
   * created on that ARN next.
   */
  private String enableTableStream(String table, String previousArn) {
    call(
        "UpdateTable " + table,
        () ->
            aws.dynamoDb()
                .updateTable(
                    r ->
                        r.tableName(table)
                            .streamSpecification(
                                s ->
                                    s.streamEnabled(true)
                                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES))));
    return await(
            () -> enabledStream(table, previousArn),
            Optional::isPresent,
            arn ->
                "the stream of the DynamoDB table "
                    + table
                    + " is not ENABLED after "
                    + waitTimeout.toSeconds()
                    + " s; run provision again once it is")
        .get();
  }

  /** The ARN of the table's new stream once it is ENABLED; empty before. */
  private Optional<String> enabledStream(String table, String previousArn) {
    TableStreamState state =
        tableStream(table)
            .orElseThrow(
                () ->
                    new ProvisionException(
                        "the DynamoDB table "
                            + table
                            + " was deleted while its stream was turned on"));
    Optional<String> arn = state.latestStreamArn().filter(a -> !a.equals(previousArn));
    if (!state.enabled() || arn.isEmpty()) {
      return Optional.empty();
    }
    String status =
        call(
            "DescribeStream " + arn.get(),
            () ->
                aws.dynamoDbStreams()
                    .describeStream(r -> r.streamArn(arn.get()))
                    .streamDescription()
                    .streamStatusAsString());
    return "ENABLED".equals(status) ? arn : Optional.empty();
  }

  private String awaitActive(String name) {
    return await(
            () ->
                call(
                    "DescribeStreamSummary " + name,
                    () ->
                        aws.kinesis()
                            .describeStreamSummary(r -> r.streamName(name))
                            .streamDescriptionSummary()),
            summary -> "ACTIVE".equals(summary.streamStatusAsString()),
            summary ->
                "the stream "
                    + name
                    + " is still "
                    + summary.streamStatusAsString()
                    + " after "
                    + waitTimeout.toSeconds()
                    + " s; run provision again once it is ACTIVE")
        .streamARN();
  }

  private void updateEnvironment(String function, FunctionEnvironment wanted) {
    LambdaClient lambda = aws.lambda();
    GetFunctionConfigurationResponse current = awaitFunctionUpdated(function);
    // Lambda replaces the whole environment: the variables provisioning does not own are sent back.
    Map<String, String> variables = wanted.applyTo(environment(current.environment()));
    call(
        "UpdateFunctionConfiguration " + function,
        () ->
            lambda.updateFunctionConfiguration(
                r -> r.functionName(function).environment(e -> e.variables(variables))));
    // The mapping must not invoke the function before the filter is in place.
    awaitFunctionUpdated(function);
    if (alias(function)) {
      // The alias runs a published version: publish the new settings and move the alias there.
      String version =
          call(
                  "PublishVersion " + function,
                  () -> aws.lambda().publishVersion(r -> r.functionName(function)))
              .version();
      // Not before the version can run (SnapStart makes it Pending while it takes its
      // snapshot): the mapping invokes the alias, and a version that failed must not be it.
      awaitVersionActive(function, version);
      call(
          "UpdateAlias " + function + ":" + ALIAS,
          () ->
              aws.lambda()
                  .updateAlias(r -> r.functionName(function).name(ALIAS).functionVersion(version)));
    }
  }

  private void awaitVersionActive(String function, String version) {
    await(
        () -> versionState(function, version),
        f -> f.state() != software.amazon.awssdk.services.lambda.model.State.PENDING,
        f ->
            "version "
                + version
                + " of the function "
                + function
                + " is still pending after "
                + waitTimeout.toSeconds()
                + " s; the alias "
                + ALIAS
                + " stays on the version it had");
  }

  /** The version's configuration; a version that failed to start stops provisioning. */
  private GetFunctionConfigurationResponse versionState(String function, String version) {
    GetFunctionConfigurationResponse f =
        call(
            "GetFunctionConfiguration " + function + ":" + version,
            () ->
                aws.lambda()
                    .getFunctionConfiguration(r -> r.functionName(function).qualifier(version)));
    if (f.state() == software.amazon.awssdk.services.lambda.model.State.FAILED) {
      throw new ProvisionException(
          "version "
              + version
              + " of the function "
              + function
              + " failed to start ("
              + f.stateReason()
              + "); the alias "
              + ALIAS
              + " stays on the version it had");
    }
    return f;
  }

  private void awaitMappingEnabled(String uuid) {
    await(
        () -> mappingState(uuid),
        mapping -> "Enabled".equals(mapping.state()),
        mapping ->
            "the event source mapping "
                + uuid
                + " is still "
                + (mapping.state() == null ? "in no state" : mapping.state())
                + " after "
                + waitTimeout.toSeconds()
                + " s; with start=latest, what the tables write before it is Enabled is not"
                + " relayed: run relay provision again once it is");
  }

  /** The mapping as it is; one on its way to Disabled or deleted stops provisioning. */
  private GetEventSourceMappingResponse mappingState(String uuid) {
    GetEventSourceMappingResponse mapping =
        call(
            "GetEventSourceMapping " + uuid,
            () -> aws.lambda().getEventSourceMapping(r -> r.uuid(uuid)));
    String state = mapping.state() == null ? "" : mapping.state();
    if (state.equals("Disabled") || state.equals("Disabling") || state.equals("Deleting")) {
      throw new ProvisionException(
          "the event source mapping "
              + uuid
              + " is "
              + state
              + " instead of Enabled ("
              + mapping.stateTransitionReason()
              + "); nothing further was changed");
    }
    return mapping;
  }

  private GetFunctionConfigurationResponse awaitFunctionUpdated(String function) {
    return await(
        () ->
            call(
                "GetFunctionConfiguration " + function,
                () -> aws.lambda().getFunctionConfiguration(r -> r.functionName(function))),
        f -> f.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS,
        f ->
            "the function "
                + function
                + " is still being updated after "
                + waitTimeout.toSeconds()
                + " s");
  }

  private void changeMapping(
      Step step, String function, String streamArn, MappingSettings wanted, Observed observed) {
    LambdaClient lambda = aws.lambda();
    DestinationConfig destination =
        wanted
            .onFailureDestination()
            .map(
                arn ->
                    DestinationConfig.builder()
                        .onFailure(OnFailure.builder().destination(arn).build())
                        .build())
            .orElse(null);
    switch (step.action()) {
      case CREATE:
        String created =
            call(
                    "CreateEventSourceMapping " + function,
                    () ->
                        lambda.createEventSourceMapping(
                            r ->
                                r.functionName(function)
                                    .eventSourceArn(streamArn)
                                    .batchSize(wanted.batchSize())
                                    .startingPosition(
                                        EventSourcePosition.fromValue(wanted.startingPosition()))
                                    .startingPositionTimestamp(
                                        wanted.startingPositionTimestamp().orElse(null))
                                    .maximumBatchingWindowInSeconds(
                                        wanted.maximumBatchingWindowInSeconds())
                                    .functionResponseTypes(
                                        FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                                    .bisectBatchOnFunctionError(wanted.bisectBatchOnFunctionError())
                                    .maximumRetryAttempts(wanted.maximumRetryAttempts())
                                    .maximumRecordAgeInSeconds(wanted.maximumRecordAgeInSeconds())
                                    .parallelizationFactor(wanted.parallelizationFactor())
                                    .destinationConfig(destination)))
                .uuid();
        if (EventSourcePosition.LATEST.toString().equals(wanted.startingPosition())) {
          // LATEST is where the stream is once the mapping is Enabled, not when it was created:
          // what a table writes before then (its destination comes next) would be skipped.
          awaitMappingEnabled(created);
        }
        break;
      case UPDATE:
        String uuid = observed.mappings().get(0).uuid();
        call(
            "UpdateEventSourceMapping " + uuid,
            () ->
                lambda.updateEventSourceMapping(
                    r ->
                        r.uuid(uuid)
                            .batchSize(wanted.batchSize())
                            .maximumBatchingWindowInSeconds(wanted.maximumBatchingWindowInSeconds())
                            .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                            .bisectBatchOnFunctionError(wanted.bisectBatchOnFunctionError())
                            .maximumRetryAttempts(wanted.maximumRetryAttempts())
                            .maximumRecordAgeInSeconds(wanted.maximumRecordAgeInSeconds())
                            .parallelizationFactor(wanted.parallelizationFactor())
                            .destinationConfig(destination)));
        break;
      default:
        break;
    }
  }

  private void changeDestination(Step step, String table, String streamArn) {
    DynamoDbClient dynamoDb = aws.dynamoDb();
    switch (step.action()) {
      case CREATE:
        call(
            "EnableKinesisStreamingDestination " + table,
            () ->
                dynamoDb.enableKinesisStreamingDestination(
                    r ->
                        r.tableName(table)
                            .streamArn(streamArn)
                            .enableKinesisStreamingConfiguration(
                                c ->
                                    c.approximateCreationDateTimePrecision(
                                        ApproximateCreationDateTimePrecision.MICROSECOND))));
        break;
      case UPDATE:
        call(
            "UpdateKinesisStreamingDestination " + table,
            () ->
                dynamoDb.updateKinesisStreamingDestination(
                    r ->
                        r.tableName(table)
                            .streamArn(streamArn)
                            .updateKinesisStreamingConfiguration(
                                c ->
                                    c.approximateCreationDateTimePrecision(
                                        ApproximateCreationDateTimePrecision.MICROSECOND))));
        break;
      case DELETE:
        call(
            "DisableKinesisStreamingDestination " + table,
            () ->
                dynamoDb.disableKinesisStreamingDestination(
                    r -> r.tableName(table).streamArn(streamArn)));
        break;
      default:
        break;
    }
  }

  /**
   * Reads until {@code ready} holds of what was read, pausing between reads, and returns it; after
   * the wait timeout, fails with {@code late}'s message of the last read.
   */
  private <T> T await(
      Supplier<T> read,
      java.util.function.Predicate<T> ready,
      java.util.function.Function<T, String> late) {
    Instant deadline = Instant.now().plus(waitTimeout);
    while (true) {
      T value = read.get();
      if (ready.test(value)) {
        return value;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ProvisionException(late.apply(value));
      }
      pause();
    }
  }

  private void pause() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while waiting", e);
    }
  }

  private <T> T call(String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw failed(action, e);
    }
  }

  private ProvisionException failed(String action, SdkException e) {
    return new ProvisionException(action + " failed " + aws.where() + ": " + e.getMessage(), e);
  }
}
