package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.provision.Step.Action;
import io.cdcrelay.provision.Step.Resource;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cdc";
  private static final String CREATE_URL = "kinesis+dynamodb+cdc://aws/cdc?create=true";
  private static final FunctionState FUNCTION =
      new FunctionState(
          "relay", "arn:aws:lambda:us-east-1:123456789012:function:relay", Map.of("A", "1"));
  private static final StreamState OUR_STREAM =
      new StreamState("cdc", STREAM_ARN, "ACTIVE", 1, true);

  private static ProvisionRequest request(String url) {
    return new ProvisionRequest(
        SourceUrl.parse(url), Optional.of("demo"), Optional.of("relay"), Optional.empty());
  }

  private static Observed observed(
      Optional<StreamState> stream,
      List<DestinationState> destinations,
      List<MappingState> mappings,
      Optional<StartRecord> start) {
    return new Observed(stream, Optional.of(destinations), Optional.of(FUNCTION), mappings, start);
  }

  private static MappingState mapping(MappingSettings settings) {
    return new MappingState("uuid-1", "Enabled", settings, MappingSettings.FUNCTION_RESPONSE_TYPES);
  }

  private static MappingSettings defaults(String url) {
    return MappingSettings.from(SourceUrl.parse(url), Optional.empty(), Optional.empty());
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
            org.assertj.core.groups.Tuple.tuple(Resource.STREAM, Action.CREATE),
            org.assertj.core.groups.Tuple.tuple(Resource.EVENT_SOURCE_MAPPING, Action.CREATE),
            org.assertj.core.groups.Tuple.tuple(Resource.STREAMING_DESTINATION, Action.CREATE));
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
            observed(
                Optional.of(OUR_STREAM),
                List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND")),
                List.of(mapping(defaults(CREATE_URL))),
                Optional.empty()));
    assertThat(plan.steps()).extracting(Step::action).containsOnly(Action.ALREADY_PRESENT);
    assertThat(plan.changes()).isFalse();
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
            Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty());
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
                "after"));
    MappingSettings created =
        MappingSettings.from(SourceUrl.parse(url), Optional.of(start), Optional.empty());
    Plan second =
        Planner.provision(
            request(url),
            new Observed(
                Optional.of(OUR_STREAM),
                Optional.of(List.of(new DestinationState(STREAM_ARN, "ACTIVE", "MICROSECOND"))),
                Optional.of(filtered),
                List.of(mapping(created)),
                Optional.of(start)));
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
                Optional.of(List.of()),
                Optional.of(filtered),
                List.of(),
                Optional.empty()));
    Step step = stepOf(plan, Resource.FUNCTION_ENVIRONMENT);
    assertThat(step.action()).isEqualTo(Action.UPDATE);
    assertThat(step.detail()).isEqualTo("remove START_SHARD_ID, START_MODE");
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
            org.assertj.core.groups.Tuple.tuple(Resource.EVENT_SOURCE_MAPPING, Action.DELETE),
            org.assertj.core.groups.Tuple.tuple(Resource.STREAMING_DESTINATION, Action.DELETE),
            org.assertj.core.groups.Tuple.tuple(Resource.STREAM, Action.DELETE));
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

  private static Step stepOf(Plan plan, Resource resource) {
    return plan.steps().stream().filter(s -> s.resource() == resource).findFirst().orElseThrow();
  }
}
