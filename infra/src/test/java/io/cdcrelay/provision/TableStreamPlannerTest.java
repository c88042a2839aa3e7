package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.cdcrelay.provision.Step.Action;
import io.cdcrelay.provision.Step.Resource;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Planning provision and teardown of a {@code dynamodb+cdc} URL: a table's own stream. */
class TableStreamPlannerTest {

  /** The on-failure queue every mapping of these plans reports to. */
  private static final String FAILED = "arn:aws:sqs:eu-central-1:123456789012:failed";

  private static final String URL = "dynamodb+cdc://aws/orders?region=eu-central-1";
  private static final String ARN =
      "arn:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/2024-07-12T00:00:00.000";
  private static final String SHARD = "shardId-00000001720740233012-0a1b2c3d";
  private static final FunctionState FUNCTION =
      new FunctionState(
          "relay", "arn:aws:lambda:eu-central-1:123456789012:function:relay", Map.of("A", "1"));
  private static final TableStreamState OFF =
      new TableStreamState("orders", false, "", Optional.empty());
  private static final TableStreamState ON =
      new TableStreamState("orders", true, "NEW_AND_OLD_IMAGES", Optional.of(ARN));

  private static ProvisionRequest request(String url) {
    return new ProvisionRequest(
        SourceUrl.parse(url), List.of(), Optional.of("relay"), Optional.of(FAILED));
  }

  private static Observed observed(
      TableStreamState stream, List<MappingState> mappings, Optional<StartRecord> start) {
    return Observed.ofTableStream(Optional.of(stream), Optional.of(FUNCTION), mappings, start);
  }

  private static MappingState mapping(String url) {
    return new MappingState(
        "uuid-1",
        "Enabled",
        MappingSettings.from(SourceUrl.parse(url), Optional.empty(), Optional.of(FAILED)),
        MappingSettings.FUNCTION_RESPONSE_TYPES);
  }

  private static Step stepOf(Plan plan, Resource resource) {
    return plan.steps().stream().filter(s -> s.resource() == resource).findFirst().orElseThrow();
  }

  @Test
  void streamOffIsTurnedOnBeforeTheMappingIsCreatedOnIt() {
    Plan plan = Planner.provision(request(URL), observed(OFF, List.of(), Optional.empty()));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action)
        .containsExactly(
            tuple(Resource.TABLE_STREAM, Action.CREATE),
            tuple(Resource.FUNCTION_ENVIRONMENT, Action.UPDATE),
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.CREATE));
    assertThat(stepOf(plan, Resource.TABLE_STREAM).detail()).contains("NEW_AND_OLD_IMAGES");
    assertThat(stepOf(plan, Resource.TABLE_STREAM).target()).isEqualTo("orders");
    // The function applies the changes of the one table whose stream feeds it.
    assertThat(stepOf(plan, Resource.FUNCTION_ENVIRONMENT).detail())
        .isEqualTo("CRATEDB_SOURCE_TABLE=orders");
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail())
        .contains("StartingPosition TRIM_HORIZON")
        .contains("ReportBatchItemFailures");
  }

  @Test
  void streamOnWithNewImagesAndTheMappingInPlaceChangeNothing() {
    FunctionState bound =
        new FunctionState(
            FUNCTION.name(), FUNCTION.arn(), Map.of("CRATEDB_SOURCE_TABLE", "orders"));
    for (String view : List.of("NEW_AND_OLD_IMAGES", "NEW_IMAGE")) {
      Plan plan =
          Planner.provision(
              request(URL),
              Observed.ofTableStream(
                  Optional.of(new TableStreamState("orders", true, view, Optional.of(ARN))),
                  Optional.of(bound),
                  List.of(mapping(URL)),
                  Optional.empty()));
      assertThat(plan.steps()).extracting(Step::action).containsOnly(Action.ALREADY_PRESENT);
      assertThat(stepOf(plan, Resource.TABLE_STREAM).detail()).isEqualTo(view + ", " + ARN);
    }
  }

  @Test
  void changedOptionsUpdateTheMappingOnTheTablesStream() {
    Plan plan =
        Planner.provision(
            request(URL + "&batch-size=10000"),
            observed(ON, List.of(mapping(URL)), Optional.empty()));
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).action()).isEqualTo(Action.UPDATE);
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail())
        .contains("BatchSize 100 → 10000");
  }

  @Test
  void aStreamTurnedOnAnewIsNotTheOneAnOldMappingReads() {
    // Off, but DynamoDB still names the previous stream: turning it on makes a new ARN.
    TableStreamState previous = new TableStreamState("orders", false, "", Optional.of(ARN));
    Plan plan =
        Planner.provision(
            request(URL), observed(previous, List.of(mapping(URL)), Optional.empty()));
    assertThat(stepOf(plan, Resource.TABLE_STREAM).action()).isEqualTo(Action.CREATE);
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void aStreamWithoutNewImagesIsAnErrorNamingTheFix() {
    for (String view : List.of("KEYS_ONLY", "OLD_IMAGE")) {
      TableStreamState stream = new TableStreamState("orders", true, view, Optional.of(ARN));
      assertThatThrownBy(
              () -> Planner.provision(request(URL), observed(stream, List.of(), Optional.empty())))
          .isInstanceOf(ProvisionException.class)
          .hasMessageContaining("is on with view type " + view)
          .hasMessageContaining(
              "aws dynamodb update-table --table-name orders"
                  + " --stream-specification StreamEnabled=false")
          .hasMessageContaining("NEW_AND_OLD_IMAGES");
    }
  }

  @Test
  void aMissingTableOrFunctionIsAnError() {
    assertThatThrownBy(
            () ->
                Planner.provision(
                    request(URL),
                    Observed.ofTableStream(
                        Optional.empty(), Optional.of(FUNCTION), List.of(), Optional.empty())))
        .hasMessage("the DynamoDB table orders does not exist in eu-central-1");
    assertThatThrownBy(
            () ->
                Planner.provision(
                    request(URL),
                    Observed.ofTableStream(
                        Optional.of(ON), Optional.empty(), List.of(), Optional.empty())))
        .hasMessageContaining("the Lambda function relay does not exist in eu-central-1");
  }

  @Test
  void withoutAFunctionOnlyTheStreamIsTurnedOn() {
    ProvisionRequest request =
        new ProvisionRequest(SourceUrl.parse(URL), List.of(), Optional.empty(), Optional.empty());
    Plan plan =
        Planner.provision(
            request,
            Observed.ofTableStream(
                Optional.of(OFF), Optional.empty(), List.of(), Optional.empty()));
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action)
        .containsExactly(tuple(Resource.TABLE_STREAM, Action.CREATE));
  }

  @Test
  void seqnoStartIsTrimHorizonPlusTheSkipFilterWithTheDynamoDbStreamsShard() {
    String url = URL + "&start=seqno-after&seqno=300000000000000499659";
    StartRecord start =
        new StartRecord(
            SHARD,
            "300000000000000499659",
            Instant.parse("2024-07-12T00:00:07Z"),
            StartPosition.SEQNO_AFTER);
    Plan plan = Planner.provision(request(url), observed(ON, List.of(), Optional.of(start)));
    assertThat(stepOf(plan, Resource.FUNCTION_ENVIRONMENT).detail())
        .isEqualTo(
            "START_SHARD_ID="
                + SHARD
                + ", START_SEQUENCE_NUMBER=300000000000000499659, START_MODE=after,"
                + " CRATEDB_SOURCE_TABLE=orders");
    MappingSettings wanted =
        MappingSettings.from(SourceUrl.parse(url), Optional.of(start), Optional.of(FAILED));
    // A mapping on a DynamoDB stream has no AT_TIMESTAMP.
    assertThat(wanted.startingPosition()).isEqualTo("TRIM_HORIZON");
    assertThat(wanted.startingPositionTimestamp()).isEmpty();
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail())
        .contains("StartingPosition TRIM_HORIZON,");
  }

  @Test
  void seqnoStartNeedsTheStreamOnAndHoldingTheRecord() {
    String url = URL + "&start=seqno-at&seqno=42";
    assertThatThrownBy(
            () -> Planner.provision(request(url), observed(OFF, List.of(), Optional.empty())))
        .hasMessageContaining("needs the stream of the DynamoDB table orders to be on");
    assertThatThrownBy(
            () -> Planner.provision(request(url), observed(ON, List.of(), Optional.empty())))
        .hasMessageContaining("names sequence number 42, which is in no shard of the stream");
  }

  @Test
  void teardownRemovesTheMappingAndVariablesAndKeepsTheStreamOn() {
    FunctionState bound =
        new FunctionState(
            FUNCTION.name(),
            FUNCTION.arn(),
            Map.of("A", "1", "CRATEDB_SOURCE_TABLE", "orders", "START_MODE", "at"));
    Observed observed =
        Observed.ofTableStream(
            Optional.of(ON), Optional.of(bound), List.of(mapping(URL)), Optional.empty());
    Plan plan = Planner.teardown(request(URL), observed);
    assertThat(plan.steps())
        .extracting(Step::resource, Step::action)
        .containsExactly(
            tuple(Resource.EVENT_SOURCE_MAPPING, Action.DELETE),
            tuple(Resource.FUNCTION_ENVIRONMENT, Action.UPDATE),
            tuple(Resource.TABLE_STREAM, Action.KEEP));
    assertThat(stepOf(plan, Resource.EVENT_SOURCE_MAPPING).detail()).isEqualTo("uuid-1");
    assertThat(plan.environment().orElseThrow().applyTo(bound.environment()))
        .isEqualTo(Map.of("A", "1"));

    ProvisionRequest disable =
        new ProvisionRequest(
            SourceUrl.parse(URL), List.of(), Optional.of("relay"), Optional.empty(), true);
    assertThat(stepOf(Planner.teardown(disable, observed), Resource.TABLE_STREAM).action())
        .isEqualTo(Action.DELETE);
    assertThat(
            stepOf(
                    Planner.teardown(disable, observed(OFF, List.of(), Optional.empty())),
                    Resource.TABLE_STREAM)
                .action())
        .isEqualTo(Action.ABSENT);
  }

  @Test
  void aTableIsNamedByTheUrlNotByDynamoDbTableOptions() {
    assertThatThrownBy(
            () ->
                new ProvisionRequest(
                    SourceUrl.parse(URL), List.of("other"), Optional.empty(), Optional.empty()))
        .hasMessageContaining("--dynamodb-table is for Kinesis URLs");
  }

  @Test
  void samParametersChooseTheDynamoDbStreamSource() {
    SourceUrl source = SourceUrl.parse(URL + "&start=seqno-at&seqno=42&batch-size=1000");
    StartRecord start =
        new StartRecord(SHARD, "42", Instant.parse("2024-07-12T00:00:07Z"), StartPosition.SEQNO_AT);
    assertThat(
            SamParameters.overrides(
                SamParameters.from(source, Optional.of(ARN), Optional.of(start))))
        .isEqualTo(
            "SourceType=DynamoDBStream TableStreamArn="
                + ARN
                + " BatchSize=1000 StartingPosition=TRIM_HORIZON StartShardId="
                + SHARD
                + " StartSequenceNumber=42 StartMode=at MaximumBatchingWindowInSeconds=1"
                + " StreamArn=\"\" StreamName=\"\" StartingPositionTimestamp=\"\"");
  }
}
