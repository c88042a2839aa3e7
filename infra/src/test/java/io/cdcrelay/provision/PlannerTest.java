package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.cdcrelay.provision.Step.Action;
import io.cdcrelay.provision.Step.Resource;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {

  /** The on-failure queue every mapping of these plans reports to. */
  private static final String FAILED = "arn:aws:sqs:eu-central-1:123456789012:failed";

  private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cdc";
  private static final String CREATE_URL = "kinesis+dynamodb+cdc://aws/cdc?create=true";
  private static final FunctionState FUNCTION =
      new FunctionState(
          "relay", "arn:aws:lambda:us-east-1:123456789012:function:relay", Map.of("A", "1"));
  private static final StreamState OUR_STREAM =
      new StreamState("cdc", STREAM_ARN, "ACTIVE", 1, true);
  private static final DestinationState ACTIVE =
      new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND");

  private static ProvisionRequest request(String url, String... tables) {
    return new ProvisionRequest(
        SourceUrl.parse(url),
        tables.length == 0 ? List.of("demo") : List.of(tables),
        Optional.of("relay"),
        Optional.of(FAILED));
  }

  private static Observed observed(
      Optional<StreamState> stream,
      List<DestinationState> destinations,
      List<MappingState> mappings,
      Optional<StartRecord> start) {
    return new Observed(
        stream,
        Map.of("demo", destinations),
        Optional.of(FUNCTION),
        mappings,
        start,
        Optional.of(List.of()));
  }

  /** What exists after provisioning {@code tables}: the stream, each destination, the mapping. */
  private static Observed provisioned(
      FunctionState function, List<String> otherTables, String... tables) {
    Map<String, List<DestinationState>> destinations = new LinkedHashMap<>();
    for (String table : tables) {
      destinations.put(table, List.of(ACTIVE));
    }
    return new Observed(
        Optional.of(OUR_STREAM),
        destinations,
        Optional.of(function),
        List.of(mapping(defaults(CREATE_URL))),
        Optional.empty(),
        Optional.of(otherTables));
  }

  private static FunctionState function(Map<String, String> environment) {
    return new FunctionState(FUNCTION.name(), FUNCTION.arn(), environment);
  }

  @Test
  void aFunctionRunningTheRelaysOtherHandlerIsRefusedAndAnyOtherHandlerIsTrusted() {
    for (String handler :
        List.of(
            "io.cdcrelay.lambda.DynamoDbStreamsRelayHandler::handleRequest",
            "io.cdcrelay.lambda.DynamoDbStreamsRelayHandler")) {
      FunctionState function =
          new FunctionState(FUNCTION.name(), FUNCTION.arn(), Map.of(), handler);
      assertThatThrownBy(
              () -> Planner.provision(request(CREATE_URL), provisioned(function, List.of())))
          .isInstanceOf(ProvisionException.class)
          .hasMessageContaining("the Lambda function relay runs the handler " + handler)
          .hasMessageContaining("deploy it with SourceType=KinesisDataStream");
    }
    for (String handler :
        List.of(
            "io.cdcrelay.lambda.KinesisRelayHandler::handleRequest",
            "com.example.OwnWrapper::handleRequest",
            "")) {
      FunctionState function =
          new FunctionState(FUNCTION.name(), FUNCTION.arn(), Map.of(), handler);
      assertThat(Planner.provision(request(CREATE_URL), provisioned(function, List.of())).steps())
          .as(handler)
          .isNotEmpty();
    }
  }

  private static MappingState mapping(MappingSettings settings) {
    return new MappingState("uuid-1", "Enabled", settings, MappingSettings.FUNCTION_RESPONSE_TYPES);
  }

  private static MappingSettings defaults(String url) {
    return MappingSettings.from(SourceUrl.parse(url), Optional.empty(), Optional.of(FAILED));
  }

  @Test
  void nothingThereCreatesStreamMappingAndDestinationInOrder() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            observed(Optional.empty(), List.of(), List.of(), Optional.empty()));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action)
        .containsExactly(
            tuple(Resource.STREAM, Action.CREATE),
            tuple(Resource.FUNCTION_ENVIRONMENT, Action.UPDATE),
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.CREATE),
            tuple(Resource.STREAMING_DESTINATION, Action.CREATE));
    assertThat(stepOf(plan, Resource.FUNCTION_ENVIRONMENT).detail())
        .isEqualTo("CRATEDB_SOURCE_TABLE=demo");
    assertThat(plan.changes()).isTrue();
    assertThat(plan.render())
        .contains("1 shard in us-east-1")
        .contains("ReportBatchItemFailures")
        .contains("MICROSECOND");
  }

  @Test
  void everythingPresentChangesNothing() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            provisioned(
                function(Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "demo")), List.of(), "demo"));
    assertThat(plan.steps()).extracting(Step::action).containsOnly(Action.ALREADY_PRESENT);
    assertThat(plan.changes()).isFalse();
  }

  @Test
  void aMappingWithoutAnOnFailureDestinationIsRefusedAndAnExistingOneIsKept() {
    // Bounded retries without a destination discard what Lambda gives up on.
    ProvisionRequest without =
        new ProvisionRequest(
            SourceUrl.parse(CREATE_URL), List.of("demo"), Optional.of("relay"), Optional.empty());
    assertThatThrownBy(
            () ->
                Planner.provision(
                    without,
                    observed(
                        Optional.of(OUR_STREAM), List.of(ACTIVE), List.of(), Optional.empty())))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("would have no on-failure destination")
        .hasMessageContaining("give --on-failure-arn");
    MappingSettings bare =
        MappingSettings.from(SourceUrl.parse(CREATE_URL), Optional.empty(), Optional.empty());
    assertThatThrownBy(
            () ->
                Planner.provision(
                    without,
                    observed(
                        Optional.of(OUR_STREAM),
                        List.of(ACTIVE),
                        List.of(mapping(bare)),
                        Optional.empty())))
        .hasMessageContaining("has no on-failure destination");
    // A mapping that reports to a destination (the template's) keeps it.
    Plan kept =
        Planner.provision(
            without,
            provisioned(function(Map.of("CRATEDB_SOURCE_TABLE", "demo")), List.of(), "demo"));
    assertThat(stepOf(kept, Resource.EVENT_SOURCE_MAPPING).action())
        .isEqualTo(Action.ALREADY_PRESENT);
  }

  @Test
  void changedOptionsUpdateTheMapping() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL + "&batch-size=500&buffer-time=3"),
            observed(
                Optional.of(OUR_STREAM),
                List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND")),
                List.of(mapping(defaults(CREATE_URL))),
                Optional.empty()));
    Step step = stepOf(plan, Resource.EVENT_SOURCE_MAPPING);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail())
        .contains("BatchSize 100 → 500")
        .contains("MaximumBatchingWindowInSeconds 1 → 3")
        .doesNotContain("ParallelizationFactor");
  }

  @Test
  void mappingWithoutBatchItemFailuresIsUpdated() {
    MappingState bare = new MappingState("uuid-1", "Enabled", defaults(CREATE_URL), List.of());
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            observed(Optional.of(OUR_STREAM), List.of(), List.of(bare), Optional.empty()));
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail())
        .contains("FunctionResponseTypes [] → [ReportBatchItemFailures]");
  }

  @Test
  void startingPositionCannotChangeAndIsReportedNotUpdated() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL + "&start=latest"),
            observed(
                Optional.of(OUR_STREAM),
                List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND")),
                List.of(mapping(defaults(CREATE_URL))),
                Optional.empty()));
    Step step = stepOf(plan, Resource.EVENT_SOURCE_MAPPING);
    assertThat(step.action()).isEqualTo(Action.ALREADY_PRESENT);
    assertThat(step.detail()).contains("StartingPosition TRIM_HORIZON kept").contains("teardown");
  }

  @Test
  void millisecondDestinationIsUpdatedToMicrosecond() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            observed(
                Optional.of(OUR_STREAM),
                List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MILLISECOND")),
                List.of(mapping(defaults(CREATE_URL))),
                Optional.empty()));
    Step step = stepOf(plan, Resource.STREAMING_DESTINATION);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail()).contains("MILLISECOND → MICROSECOND");
  }

  @Test
  void disabledDestinationIsEnabledAgain() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            observed(
                Optional.of(OUR_STREAM),
                List.of(new DestinationState(STREAM_ARN, "DISABLED", "MICROSECOND")),
                List.of(),
                Optional.empty()));
    assertThat(stepOf(plan, Resource.STREAMING_DESTINATION).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void tableStreamingToAnotherStreamIsAnErrorBeforeAnyChange() {
    for (Optional<StreamState> ours :
        List.of(Optional.of(OUR_STREAM), Optional.<StreamState>empty())) {
      assertThatThrownBy(
              () ->
                  Planner.provision(
                      request(CREATE_URL),
                      observed(
                          ours,
                          List.of(
                              new DestinationState(STREAM_ARN + "-other", "ACTIVE", "MICROSECOND")),
                          List.of(),
                          Optional.empty())))
          .isInstanceOf(ProvisionException.class)
          .hasMessageContaining("already streams its changes to " + STREAM_ARN + "-other")
          .hasMessageContaining("one Kinesis stream at a time");
    }
  }

  @Test
  void missingStreamWithoutCreateIsAnError() {
    assertThatThrownBy(
            () ->
                Planner.provision(
                    request("kinesis+dynamodb+cdc://aws/cdc"),
                    observed(Optional.empty(), List.of(), List.of(), Optional.empty())))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("create=true");
  }

  @Test
  void missingFunctionIsAnError() {
    Observed none =
        new Observed(
            Optional.empty(),
            Map.of("demo", List.of()),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty());
    assertThatThrownBy(() -> Planner.provision(request(CREATE_URL), none))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("Lambda function relay does not exist");
  }

  @Test
  void seqnoStartSetsTheFilterBeforeTheMappingThenFindsItPresent() {
    String url = CREATE_URL + "&start=seqno-after&seqno=200";
    StartRecord start =
        new StartRecord(
            "shardId-000000000000",
            "200",
            Instant.parse("2024-07-11T23:23:53.049Z"),
            StartPosition.SEQNO_AFTER);
    Plan first =
        Planner.provision(
            request(url),
            observed(Optional.of(OUR_STREAM), List.of(), List.of(), Optional.of(start)));
    assertThat(first.steps())
        .extracting(Step::resource)
        .containsSubsequence(Resource.FUNCTION_ENVIRONMENT, Resource.EVENT_SOURCE_MAPPING);
    assertThat(stepOf(first, Resource.FUNCTION_ENVIRONMENT).action()).isEqualTo(Action.UPDATE);
    assertThat(stepOf(first, Resource.FUNCTION_ENVIRONMENT).detail())
        .isEqualTo(
            "START_SHARD_ID=shardId-000000000000, START_SEQUENCE_NUMBER=200, START_MODE=after,"
                + " CRATEDB_SOURCE_TABLE=demo");
    assertThat(stepOf(first, Resource.EVENT_SOURCE_MAPPING).detail())
        .contains("AT_TIMESTAMP 2024-07-11T23:23:53Z");

    FunctionState filtered =
        new FunctionState(
            FUNCTION.name(),
            FUNCTION.arn(),
            Map.of(
                "A",
                "1",
                "START_SHARD_ID",
                "shardId-000000000000",
                "START_SEQUENCE_NUMBER",
                "200",
                "START_MODE",
                "after",
                "CRATEDB_SOURCE_TABLE",
                "demo"));
    MappingSettings created =
        MappingSettings.from(SourceUrl.parse(url), Optional.of(start), Optional.of(FAILED));
    Plan second =
        Planner.provision(
            request(url),
            new Observed(
                Optional.of(OUR_STREAM),
                Map.of("demo", List.of(ACTIVE)),
                Optional.of(filtered),
                List.of(mapping(created)),
                Optional.of(start),
                Optional.empty()));
    assertThat(second.changes()).isFalse();
  }

  @Test
  void seqnoThatNoShardHoldsIsAnError() {
    assertThatThrownBy(
            () ->
                Planner.provision(
                    request(CREATE_URL + "&start=seqno-at&seqno=200"),
                    observed(Optional.of(OUR_STREAM), List.of(), List.of(), Optional.empty())))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("in no shard");
  }

  @Test
  void seqnoStartNeedsAnExistingStream() {
    assertThatThrownBy(
            () ->
                Planner.provision(
                    request(CREATE_URL + "&start=seqno-at&seqno=200"),
                    observed(Optional.empty(), List.of(), List.of(), Optional.empty())))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("needs the stream cdc to exist");
  }

  @Test
  void staleStartFilterIsRemovedWhenTheUrlHasNoSeqno() {
    FunctionState filtered =
        new FunctionState(
            FUNCTION.name(),
            FUNCTION.arn(),
            Map.of(
                "START_SHARD_ID",
                "shardId-000000000000",
                "START_SEQUENCE_NUMBER",
                "",
                "START_MODE",
                "at"));
    Plan plan =
        Planner.provision(
            request(CREATE_URL),
            new Observed(
                Optional.of(OUR_STREAM),
                Map.of("demo", List.of()),
                Optional.of(filtered),
                List.of(),
                Optional.empty(),
                Optional.empty()));
    Step step = stepOf(plan, Resource.FUNCTION_ENVIRONMENT);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail())
        .isEqualTo("CRATEDB_SOURCE_TABLE=demo; remove START_SHARD_ID, START_MODE");
  }

  @Test
  void teardownDeletesOnlyAStreamThatProvisionCreated() {
    Observed present =
        observed(
            Optional.of(OUR_STREAM),
            List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND")),
            List.of(mapping(defaults(CREATE_URL))),
            Optional.empty());
    Plan plan = Planner.teardown(request(CREATE_URL), present);
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action)
        .containsExactly(
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.DELETE),
            tuple(Resource.STREAMING_DESTINATION, Action.DELETE),
            tuple(Resource.STREAM, Action.DELETE));
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail()).isEqualTo("uuid-1");

    Plan notCreate = Planner.teardown(request("kinesis+dynamodb+cdc://aws/cdc"), present);
    assertThat(stepOf(notCreate, Resource.STREAM).action()).isEqualTo(Action.KEEP);

    Observed untagged =
        observed(
            Optional.of(new StreamState("cdc", STREAM_ARN, "ACTIVE", 1, false)),
            List.of(),
            List.of(),
            Optional.empty());
    Plan foreign = Planner.teardown(request(CREATE_URL), untagged);
    assertThat(stepOf(foreign, Resource.STREAM).action()).isEqualTo(Action.KEEP);
    assertThat(stepOf(foreign, Resource.STREAM).detail()).contains("cdc-relay:created-by");
  }

  @Test
  void teardownOfNothingChangesNothing() {
    Plan plan =
        Planner.teardown(
            request(CREATE_URL),
            observed(Optional.empty(), List.of(), List.of(), Optional.empty()));
    assertThat(plan.changes()).isFalse();
    assertThat(plan.steps()).extracting(Step::action).containsOnly(Action.ABSENT);
  }

  @Test
  void twoTablesGetADestinationEachIntoTheOneStream() {
    Observed nothing =
        new Observed(
            Optional.empty(),
            Map.of("demo", List.of(), "orders", List.of()),
            Optional.of(FUNCTION),
            List.of(),
            Optional.empty(),
            Optional.empty());
    Plan plan = Planner.provision(request(CREATE_URL, "demo", "orders"), nothing);
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action, Step::target)
        .containsExactly(
            tuple(Resource.STREAM, Action.CREATE, "cdc"),
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.CREATE, "relay ← cdc"),
            tuple(Resource.STREAMING_DESTINATION, Action.CREATE, "demo"),
            tuple(Resource.STREAMING_DESTINATION, Action.CREATE, "orders"));
    assertThat(plan.render())
        .contains("demo → the new stream: enable")
        .contains("orders → the new stream: enable");
  }

  @Test
  void twoTablesProvisionedAgainChangeNothing() {
    Plan plan =
        Planner.provision(
            request(CREATE_URL, "demo", "orders"),
            provisioned(FUNCTION, List.of(), "demo", "orders"));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action, Step::target)
        .containsExactly(
            tuple(Resource.STREAM, Action.ALREADY_PRESENT, "cdc"),
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.ALREADY_PRESENT, "relay ← cdc"),
            tuple(Resource.STREAMING_DESTINATION, Action.ALREADY_PRESENT, "demo"),
            tuple(Resource.STREAMING_DESTINATION, Action.ALREADY_PRESENT, "orders"));
    assertThat(plan.changes()).isFalse();
  }

  @Test
  void aFunctionRoutingBySchemaGetsNoSourceTableAndLosesOneSetBefore() {
    // Its URL names a schema only: with CRATEDB_SOURCE_TABLE the function refuses to start
    // ("needs a single target table"), and every batch would fail.
    Map<String, String> schemaOnly = Map.of("CRATEDB_SQLALCHEMY_URL", "crate://crate@db:4200/doc");
    Plan plan =
        Planner.provision(
            request(CREATE_URL), provisioned(function(schemaOnly), List.of(), "demo"));
    assertThat(plan.environment().orElseThrow().applyTo(schemaOnly)).isEqualTo(schemaOnly);

    Map<String, String> broken = new java.util.HashMap<>(schemaOnly);
    broken.put("CRATEDB_SOURCE_TABLE", "demo");
    Plan repair =
        Planner.provision(request(CREATE_URL), provisioned(function(broken), List.of(), "demo"));
    assertThat(stepOf(repair, Resource.FUNCTION_ENVIRONMENT).action()).isEqualTo(Action.UPDATE);
    assertThat(repair.environment().orElseThrow().applyTo(broken)).isEqualTo(schemaOnly);

    Map<String, String> oneTable = Map.of("CRATEDB_SQLALCHEMY_URL", "crate://crate@db:4200/doc/t");
    Plan single =
        Planner.provision(request(CREATE_URL), provisioned(function(oneTable), List.of(), "demo"));
    assertThat(single.environment().orElseThrow().applyTo(oneTable))
        .containsEntry("CRATEDB_SOURCE_TABLE", "demo");
  }

  @Test
  void oneTableSetsTheSourceTableOnceAndKeepsTheOtherVariables() {
    Plan first = Planner.provision(request(CREATE_URL), provisioned(FUNCTION, List.of(), "demo"));
    Step step = stepOf(first, Resource.FUNCTION_ENVIRONMENT);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail()).isEqualTo("CRATEDB_SOURCE_TABLE=demo");
    assertThat(first.environment().orElseThrow().applyTo(FUNCTION.environment()))
        .isEqualTo(Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "demo"));

    Plan second =
        Planner.provision(
            request(CREATE_URL),
            provisioned(
                function(Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "demo")), List.of(), "demo"));
    assertThat(stepOf(second, Resource.FUNCTION_ENVIRONMENT).action())
        .isEqualTo(Action.ALREADY_PRESENT);
    assertThat(second.changes()).isFalse();

    Plan renamed =
        Planner.provision(
            request(CREATE_URL),
            provisioned(
                function(Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "old")), List.of(), "demo"));
    assertThat(stepOf(renamed, Resource.FUNCTION_ENVIRONMENT).action()).isEqualTo(Action.UPDATE);
    assertThat(renamed.environment().orElseThrow().applyTo(Map.of("CRATEDB_SOURCE_TABLE", "old")))
        .isEqualTo(Map.of("CRATEDB_SOURCE_TABLE", "demo"));
  }

  @Test
  void twoTablesSetNoSourceTableAndRemoveOneSetBefore() {
    Plan unset =
        Planner.provision(
            request(CREATE_URL, "demo", "orders"),
            provisioned(FUNCTION, List.of(), "demo", "orders"));
    assertThat(unset.steps())
        .extracting(Step::resource)
        .doesNotContain(Resource.FUNCTION_ENVIRONMENT);
    assertThat(unset.environment().orElseThrow().wanted()).isEmpty();

    FunctionState setForOne = function(Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "demo"));
    Plan plan =
        Planner.provision(
            request(CREATE_URL, "demo", "orders"),
            provisioned(setForOne, List.of(), "demo", "orders"));
    Step step = stepOf(plan, Resource.FUNCTION_ENVIRONMENT);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail()).isEqualTo("remove CRATEDB_SOURCE_TABLE");
    assertThat(plan.environment().orElseThrow().applyTo(setForOne.environment()))
        .isEqualTo(Map.of("A", "1"));
  }

  @Test
  void noTableLeavesTheSourceTableAsItIs() {
    ProvisionRequest functionOnly =
        new ProvisionRequest(
            SourceUrl.parse(CREATE_URL), List.of(), Optional.of("relay"), Optional.empty());
    FunctionState set = function(Map.of("CRATEDB_SOURCE_TABLE", "demo"));
    Plan plan = Planner.provision(functionOnly, provisioned(set, List.of()));
    assertThat(plan.steps())
        .extracting(Step::resource)
        .doesNotContain(Resource.FUNCTION_ENVIRONMENT);
    assertThat(plan.environment().orElseThrow().applyTo(set.environment()))
        .isEqualTo(set.environment());
  }

  @Test
  void teardownOfOneOfTwoTablesKeepsTheStreamAndNamesTheOther() {
    Plan plan =
        Planner.teardown(
            new ProvisionRequest(
                SourceUrl.parse(CREATE_URL), List.of("demo"), Optional.empty(), Optional.empty()),
            provisioned(FUNCTION, List.of("orders"), "demo"));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action, Step::target)
        .containsExactly(
            tuple(Resource.STREAMING_DESTINATION, Action.DELETE, "demo"),
            tuple(Resource.STREAM, Action.KEEP, "cdc"));
    assertThat(stepOf(plan, Resource.STREAM).detail())
        .isEqualTo("the DynamoDB table orders still streams into it");

    Plan notRead =
        Planner.teardown(
            request(CREATE_URL),
            new Observed(
                Optional.of(OUR_STREAM),
                Map.of("demo", List.of(ACTIVE)),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                Optional.empty()));
    assertThat(stepOf(notRead, Resource.STREAM).action()).isEqualTo(Action.KEEP);
  }

  @Test
  void teardownOfTheLastTablesDeletesTheCreatedStream() {
    Plan plan =
        Planner.teardown(
            request(CREATE_URL, "demo", "orders"),
            provisioned(FUNCTION, List.of(), "demo", "orders"));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action, Step::target)
        .containsExactly(
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.DELETE, "relay ← cdc"),
            tuple(Resource.STREAMING_DESTINATION, Action.DELETE, "demo"),
            tuple(Resource.STREAMING_DESTINATION, Action.DELETE, "orders"),
            tuple(Resource.STREAM, Action.DELETE, "cdc"));
  }

  @Test
  void teardownRemovesTheSourceTableWithTheStartFilter() {
    FunctionState set =
        function(Map.of("A", "1", "START_MODE", "at", "CRATEDB_SOURCE_TABLE", "demo"));
    Plan plan = Planner.teardown(request(CREATE_URL), provisioned(set, List.of(), "demo"));
    Step step = stepOf(plan, Resource.FUNCTION_ENVIRONMENT);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail()).isEqualTo("remove START_MODE, CRATEDB_SOURCE_TABLE");
    assertThat(plan.environment().orElseThrow().applyTo(set.environment()))
        .isEqualTo(Map.of("A", "1"));
  }

  private static Step stepOf(Plan plan, Resource resource) {
    return plan.steps().stream().filter(s -> s.resource() == resource).findFirst().orElseThrow();
  }
}
