package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.tools.CloudFormationYaml;
import io.cdcrelay.tools.Repository;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code template.yaml} read as data: the function, its mapping and the parameter defaults. */
class TemplateTest {

  private static final String DEFAULTS_URL = "kinesis+dynamodb+cdc://aws/cdc-stream?create=true";

  private static Map<String, Object> template;

  @BeforeAll
  static void read() throws Exception {
    template = CloudFormationYaml.read(Repository.root().resolve("template.yaml"));
  }

  @Test
  void functionRunsTheShadedJarsHandlerOnJava21() throws Exception {
    Map<String, Object> function = resource("RelayFunction");
    assertThat(function.get("Type")).isEqualTo("AWS::Serverless::Function");
    Map<String, Object> properties = map(function, "Properties");
    assertThat(properties.get("Runtime")).isEqualTo("java21");
    assertThat(properties.get("CodeUri")).isEqualTo("function/target/function.jar");
    String streams = "io.cdcrelay.lambda.DynamoDbStreamsRelayHandler::handleRequest";
    String kinesis = "io.cdcrelay.lambda.KinesisRelayHandler::handleRequest";
    assertThat(properties.get("Handler"))
        .isEqualTo(Map.of("Fn::If", List.of("FromDynamoDbStream", streams, kinesis)));
    assertHandles(kinesis, "KinesisEvent");
    assertHandles(streams, "DynamodbEvent");
    // sam build copies the Maven-built jar instead of building with a Maven and JDK of its own.
    assertThat(map(function, "Metadata")).containsEntry("SkipBuild", true);
    assertThat(properties.get("MemorySize")).isEqualTo(ref("MemorySize"));
    assertThat(properties.get("Timeout")).isEqualTo(ref("Timeout"));
    assertThat(number(parameter("Timeout").get("Default")))
        .isGreaterThan(number(parameter("CrateDbSocketTimeout").get("Default")));
  }

  private static void assertHandles(String handler, String eventType) throws Exception {
    Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
    assertThat(
            type.getMethod(
                "handleRequest",
                Class.forName("com.amazonaws.services.lambda.runtime.events." + eventType),
                Class.forName("com.amazonaws.services.lambda.runtime.Context")))
        .isNotNull();
  }

  @Test
  void mappingReportsBatchItemFailuresAndBisects() {
    Map<String, Object> event = kinesisEvent();
    assertThat(event.get("Type")).isEqualTo("AWS::Lambda::EventSourceMapping");
    assertThat(event.get("Condition")).isEqualTo("FromKinesis");
    Map<String, Object> properties = map(event, "Properties");
    // Without it Lambda ignores the function's partial batch response.
    assertThat(properties.get("FunctionResponseTypes"))
        .isEqualTo(MappingSettings.FUNCTION_RESPONSE_TYPES);
    assertThat(properties.get("BisectBatchOnFunctionError"))
        .isEqualTo(ref("BisectBatchOnFunctionError"));
    assertThat(parameter("BisectBatchOnFunctionError").get("Default")).isEqualTo("true");
    assertThat(map(map(properties, "DestinationConfig"), "OnFailure"))
        .containsEntry("Destination", Map.of("Fn::GetAtt", List.of("FailedBatches", "Arn")));
    assertThat(resource("FailedBatches").get("Type")).isEqualTo("AWS::SQS::Queue");
    // SnapStart runs published versions only: the mapping invokes the alias SAM publishes.
    assertThat(properties.get("FunctionName")).isEqualTo(ref("RelayFunction.Alias"));
    assertThat(properties.get("StartingPositionTimestamp"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of("AtTimestamp", ref("StartingPositionTimestamp"), ref("AWS::NoValue"))));
  }

  @Test
  void dynamoDbStreamMappingReadsTheTableStreamWithTheKinesisMappingsSettings() {
    Map<String, Object> mapping = resource("DynamoDbStreamMapping");
    assertThat(mapping.get("Type")).isEqualTo("AWS::Lambda::EventSourceMapping");
    assertThat(mapping.get("Condition")).isEqualTo("ReadTableStream");
    Map<String, Object> properties = map(mapping, "Properties");
    assertThat(properties.get("EventSourceArn")).isEqualTo(ref("TableStreamArn"));
    assertThat(properties.get("StartingPosition")).isEqualTo(ref("StartingPosition"));
    // DynamoDB Streams has no AT_TIMESTAMP: the rule below refuses it before anything is made.
    assertThat(properties).doesNotContainKey("StartingPositionTimestamp");
    Map<String, Object> kinesis = new java.util.HashMap<>(map(kinesisEvent(), "Properties"));
    kinesis.remove("StartingPositionTimestamp");
    kinesis.put("EventSourceArn", ref("TableStreamArn"));
    assertThat(properties).isEqualTo(kinesis);
    assertThat(properties.get("FunctionResponseTypes"))
        .isEqualTo(List.of("ReportBatchItemFailures"));
    for (String name :
        List.of(
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "BisectBatchOnFunctionError",
            "MaximumRetryAttempts",
            "MaximumRecordAgeInSeconds",
            "ParallelizationFactor")) {
      assertThat(properties.get(name)).as(name).isEqualTo(ref(name));
    }
    assertThat(number(parameter("BatchSize").get("MaxValue"))).isEqualTo(new BigDecimal(10000));
    assertThat(parameter("SourceType"))
        .containsEntry("Default", "KinesisDataStream")
        .containsEntry("AllowedValues", List.of("KinesisDataStream", "DynamoDBStream"));
    assertThat(map(template, "Conditions").get("FromDynamoDbStream"))
        .isEqualTo(Map.of("Fn::Equals", List.of(ref("SourceType"), "DynamoDBStream")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void dynamoDbStreamSourceNeedsItsArnAndRefusesAtTimestamp() {
    Map<String, Object> rule = map(map(template, "Rules"), "DynamoDbStreamSource");
    assertThat(rule.get("RuleCondition"))
        .isEqualTo(Map.of("Fn::Equals", List.of(ref("SourceType"), "DynamoDBStream")));
    assertThat((List<Object>) rule.get("Assertions"))
        .extracting(a -> (Object) ((Map<?, ?>) a).get("Assert"))
        .containsExactly(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("TableStreamArn"), "")))),
            Map.of(
                "Fn::Not",
                List.of(Map.of("Fn::Equals", List.of(ref("StartingPosition"), "AT_TIMESTAMP")))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void functionMayReadExactlyTheTablesStream() {
    List<Object> policies =
        (List<Object>) map(resource("RelayFunction"), "Properties").get("Policies");
    Object dynamoDb =
        Map.of(
            "Fn::If",
            List.of(
                "ReadTableStream",
                Map.of(
                    "Statement",
                    List.of(
                        Map.of(
                            "Effect",
                            "Allow",
                            "Action",
                            List.of(
                                "dynamodb:DescribeStream",
                                "dynamodb:GetRecords",
                                "dynamodb:GetShardIterator"),
                            "Resource",
                            ref("TableStreamArn")),
                        Map.of(
                            "Effect", "Allow", "Action", "dynamodb:ListStreams", "Resource", "*"))),
                ref("AWS::NoValue")));
    assertThat(policies).contains(dynamoDb);
  }

  @Test
  void thePasswordSecretIsTakenOnlyByItsCompleteArnWhichThePolicyGrants() {
    // IAM matches the complete ARN only: a partial one (without the six characters Secrets
    // Manager adds to the name) would be read by GetSecretValue but denied to the function.
    String pattern = (String) parameter("CrateDbPasswordSecretArn").get("AllowedPattern");
    assertThat("arn:aws:secretsmanager:eu-central-1:123456789012:secret:cratedb/password-AbC123")
        .matches(pattern);
    assertThat("").matches(pattern);
    assertThat("arn:aws:secretsmanager:eu-central-1:123456789012:secret:cratedb/password")
        .doesNotMatch(pattern);
  }

  @Test
  void startShardIdAcceptsKinesisAndDynamoDbStreamsShardIds() {
    String pattern = (String) parameter("StartShardId").get("AllowedPattern");
    assertThat("shardId-000000000003").matches(pattern);
    assertThat("shardId-00000001720740233012-0a1b2c3d").matches(pattern);
    assertThat("").matches(pattern);
    assertThat("shardId-3").doesNotMatch(pattern);
    assertThat("shardId-00000001720740233012-0A1B2C3D; rm").doesNotMatch(pattern);
    String arn = (String) parameter("TableStreamArn").get("AllowedPattern");
    assertThat(
            "arn:aws:dynamodb:eu-central-1:123456789012:table/orders/stream/2024-07-12T01:00:00.000")
        .matches(arn);
    assertThat("arn:aws:kinesis:eu-central-1:123456789012:stream/orders").doesNotMatch(arn);
  }

  @Test
  void mappingParameterDefaultsAreTheSourceUrlDefaults() {
    SourceUrl source = SourceUrl.parse(DEFAULTS_URL);
    MappingSettings defaults = MappingSettings.from(source, Optional.empty(), Optional.empty());
    Map<String, Object> properties = map(kinesisEvent(), "Properties");
    Map<String, Object> expected =
        Map.of(
            "BatchSize", defaults.batchSize(),
            "StartingPosition", defaults.startingPosition(),
            "MaximumBatchingWindowInSeconds", defaults.maximumBatchingWindowInSeconds(),
            "MaximumRetryAttempts", defaults.maximumRetryAttempts(),
            "MaximumRecordAgeInSeconds", defaults.maximumRecordAgeInSeconds(),
            "ParallelizationFactor", defaults.parallelizationFactor());
    expected.forEach(
        (name, value) -> {
          assertThat(properties.get(name)).as(name).isEqualTo(ref(name));
          assertThat(String.valueOf(parameter(name).get("Default")))
              .as(name)
              .isEqualTo(String.valueOf(value));
        });
    assertThat(defaults.batchSize()).isEqualTo(100);
    assertThat(defaults.startingPosition()).isEqualTo("TRIM_HORIZON");
    // buffer-time 0.5 s; the mapping takes whole seconds.
    assertThat(defaults.maximumBatchingWindowInSeconds()).isEqualTo(1);
    assertThat(number(parameter("ShardCount").get("Default")))
        .isEqualTo(BigDecimal.valueOf(source.createShards()));
    assertThat(parameter("StartingPosition").get("AllowedValues"))
        .isEqualTo(List.of("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"));
  }

  @Test
  void mappingConsumesTheCreatedStreamOrTheGivenOne() {
    Map<String, Object> properties = map(kinesisEvent(), "Properties");
    Object stream =
        Map.of("Fn::If", List.of("HasStreamArn", ref("StreamArn"), getAtt("Stream", "Arn")));
    assertThat(properties.get("EventSourceArn")).isEqualTo(stream);
    assertThat(resource("Stream")).containsEntry("Condition", "CreateStream");
    // No Kinesis stream is created for a stack reading a DynamoDB stream.
    assertThat(map(template, "Conditions").get("CreateStream"))
        .isEqualTo(
            Map.of(
                "Fn::And",
                List.of(
                    Map.of("Condition", "FromKinesis"),
                    Map.of("Fn::Not", List.of(Map.of("Condition", "HasStreamArn"))))));
    assertThat(map(resource("Stream"), "Properties").get("ShardCount"))
        .isEqualTo(ref("ShardCount"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void passwordComesFromExactlyTheGivenSecretNeverFromADefault() {
    Map<String, Object> url = parameter("CrateDbUrl");
    assertThat(url).containsEntry("NoEcho", true).doesNotContainKey("Default");
    for (Map.Entry<String, Object> p : map(template, "Parameters").entrySet()) {
      if (p.getKey().toLowerCase().contains("password")) {
        assertThat(((Map<?, ?>) p.getValue()).get("Default")).as(p.getKey()).isEqualTo("");
      }
    }
    Map<String, Object> properties = map(resource("RelayFunction"), "Properties");
    Object policy =
        Map.of(
            "Fn::If",
            List.of(
                "HasPasswordSecret",
                Map.of(
                    "Statement",
                    List.of(
                        Map.of(
                            "Effect", "Allow",
                            "Action", "secretsmanager:GetSecretValue",
                            "Resource", ref("CrateDbPasswordSecretArn")))),
                ref("AWS::NoValue")));
    assertThat((List<Object>) properties.get("Policies")).contains(policy);
  }

  @Test
  void environmentCarriesTheFunctionsVariables() {
    Map<String, Object> variables =
        map(map(map(resource("RelayFunction"), "Properties"), "Environment"), "Variables");
    assertThat(variables)
        .containsEntry(FunctionConfig.URL_VARIABLES.get(0), ref("CrateDbUrl"))
        .containsEntry(FunctionConfig.TABLE, ref("CrateDbTable"))
        .containsEntry(FunctionConfig.SECRET_ARN, ref("CrateDbPasswordSecretArn"))
        .containsEntry(FunctionConfig.SOCKET_TIMEOUT, ref("CrateDbSocketTimeout"))
        .containsEntry(FunctionConfig.PARTS_IN_FLIGHT, ref("CrateDbPartsInFlight"))
        .containsEntry(StartRecord.SHARD_ID_VARIABLE, ref("StartShardId"))
        .containsEntry(StartRecord.SEQUENCE_NUMBER_VARIABLE, ref("StartSequenceNumber"))
        .containsEntry(StartRecord.MODE_VARIABLE, ref("StartMode"));
  }

  @Test
  void routingAndDeleteSettingsAreParametersWhoseDefaultsAreTheFunctionsDefaults() {
    // Set by hand on the function, they would go at the next deployment: the stack carries them.
    Map<String, Object> variables =
        map(map(map(resource("RelayFunction"), "Properties"), "Environment"), "Variables");
    Map<String, String> parameters =
        Map.of(
            FunctionConfig.TABLE_MAP, "CrateDbTableMap",
            FunctionConfig.TABLES, "CrateDbTables",
            FunctionConfig.SOURCE_TABLE, "CrateDbSourceTable",
            FunctionConfig.STATE_SCHEMA, "CrateDbStateSchema",
            FunctionConfig.DELETES, "CrateDbDeletes",
            FunctionConfig.TTL_DELETES, "CrateDbTtlDeletes",
            FunctionConfig.TOMBSTONE_RETENTION, "CrateDbTombstoneRetention",
            io.cdcrelay.sink.TableOptions.VARIABLE, "CrateDbTableOptions",
            FunctionConfig.ACCEPT_TOO_OLD, "CrateDbAcceptTooOld");
    Map<String, String> environment = new java.util.HashMap<>();
    environment.put(FunctionConfig.URL_VARIABLES.get(0), "crate://crate@db:4200/doc");
    parameters.forEach(
        (variable, parameter) -> {
          assertThat(variables).containsEntry(variable, ref(parameter));
          environment.put(variable, String.valueOf(parameter(parameter).get("Default")));
        });
    io.cdcrelay.relay.RelaySettings defaults =
        FunctionConfig.fromEnvironment(environment).settings();
    io.cdcrelay.relay.RelaySettings unset =
        FunctionConfig.fromEnvironment(
                Map.of(FunctionConfig.URL_VARIABLES.get(0), "crate://crate@db:4200/doc"))
            .settings();
    assertThat(defaults.deletes()).isEqualTo(unset.deletes());
    assertThat(defaults.ttl()).isEqualTo(unset.ttl());
    assertThat(defaults.tombstoneRetention()).isEqualTo(unset.tombstoneRetention());
    assertThat(defaults.acceptTooOld()).isEqualTo(unset.acceptTooOld()).isFalse();
    assertThat(defaults.routes().isSingleTable()).isFalse();
    assertThat(FunctionConfig.fromEnvironment(environment).tableOptions()).isEmpty();
  }

  @Test
  void partsInFlightDefaultToTheFunctionsDefaultWithinItsRange() {
    Map<String, Object> parts = parameter("CrateDbPartsInFlight");
    assertThat(number(parts.get("Default")).intValueExact())
        .isEqualTo(FunctionConfig.DEFAULT_PARTS_IN_FLIGHT);
    assertThat(number(parts.get("MinValue")).intValueExact()).isEqualTo(1);
    assertThat(number(parts.get("MaxValue")).intValueExact()).isEqualTo(4);
  }

  @Test
  void vpcIsOptional() {
    Map<String, Object> properties = map(resource("RelayFunction"), "Properties");
    assertThat(properties.get("VpcConfig"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of(
                    "InVpc",
                    Map.of(
                        "SubnetIds", ref("SubnetIds"), "SecurityGroupIds", ref("SecurityGroupIds")),
                    ref("AWS::NoValue"))));
    assertThat(parameter("SubnetIds")).containsEntry("Default", "");
  }

  @Test
  void snapStartIsOnByDefaultForThePublishedVersionsTheMappingsInvoke() {
    Map<String, Object> properties = map(resource("RelayFunction"), "Properties");
    assertThat(properties.get("AutoPublishAlias")).isEqualTo(AwsProvisioner.ALIAS);
    // A change of any property (SnapStart, the environment) publishes a new version, not only code.
    assertThat(properties.get("AutoPublishAliasAllProperties")).isEqualTo(true);
    assertThat(properties.get("SnapStart"))
        .isEqualTo(
            Map.of(
                "ApplyOn", Map.of("Fn::If", List.of("SnapStartOn", "PublishedVersions", "None"))));
    assertThat(parameter("SnapStart"))
        .containsEntry("Default", "true")
        .containsEntry("AllowedValues", List.of("true", "false"));
    assertThat(map(template, "Conditions").get("SnapStartOn"))
        .isEqualTo(Map.of("Fn::Equals", List.of(ref("SnapStart"), "true")));
    for (String mapping : List.of("KinesisMapping", "DynamoDbStreamMapping")) {
      assertThat(map(resource(mapping), "Properties").get("FunctionName"))
          .as(mapping)
          .isEqualTo(ref("RelayFunction.Alias"));
    }
  }

  @Test
  void architectureIsAParameterX86ByDefault() {
    Map<String, Object> properties = map(resource("RelayFunction"), "Properties");
    assertThat(properties.get("Architectures")).isEqualTo(List.of(ref("Architecture")));
    assertThat(parameter("Architecture"))
        .containsEntry("Default", "x86_64")
        .containsEntry("AllowedValues", List.of("x86_64", "arm64"));
  }

  @Test
  void outputsNameWhatTheStackMade() {
    assertThat(map(template, "Outputs"))
        .containsKeys(
            "FunctionArn",
            "FunctionName",
            "StreamArn",
            "FailedBatchesQueueUrl",
            "EventSourceMappingId");
    assertThat(map(map(template, "Outputs"), "EventSourceMappingId").get("Value"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of("ReadTableStream", ref("DynamoDbStreamMapping"), ref("KinesisMapping"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void samParamsNameOnlyTemplateParametersWithValuesTheyAccept() {
    StartRecord start =
        new StartRecord(
            "shardId-000000000003",
            "49656709367126341276484543186423045812698406329470730242",
            Instant.parse("2024-07-11T23:23:53.049Z"),
            io.cdcrelay.source.StartPosition.SEQNO_AFTER);
    List<Map<String, String>> cases =
        List.of(
            SamParameters.from(SourceUrl.parse(DEFAULTS_URL), Optional.empty(), Optional.empty()),
            SamParameters.from(
                SourceUrl.parse(
                    "kinesis+dynamodb+cdc://aws/s?region=eu-central-1&batch-size=10000&start=latest"
                        + "&buffer-time=300"),
                Optional.of("arn:aws:kinesis:eu-central-1:123456789012:stream/s"),
                Optional.empty()),
            SamParameters.from(
                SourceUrl.parse(
                    "kinesis+dynamodb+cdc://aws/s?start=seqno-after&seqno="
                        + start.sequenceNumber()),
                Optional.of("arn:aws:kinesis:us-east-1:123456789012:stream/s"),
                Optional.of(start)));
    Map<String, Object> parameters = map(template, "Parameters");
    for (Map<String, String> values : cases) {
      values.forEach(
          (name, value) -> {
            assertThat(parameters).as(name).containsKey(name);
            Map<String, Object> p = map(parameters, name);
            if (p.containsKey("AllowedValues")) {
              assertThat((List<Object>) p.get("AllowedValues")).as(name).contains(value);
            }
            if (p.containsKey("AllowedPattern")) {
              assertThat(value).as(name).matches((String) p.get("AllowedPattern"));
            }
            if (p.containsKey("MinValue")) {
              assertThat(new BigDecimal(value))
                  .as(name)
                  .isBetween(number(p.get("MinValue")), number(p.get("MaxValue")));
            }
          });
    }
  }

  /** Each alarm: namespace, metric, dimensions, statistic and its threshold parameter. */
  private static final Map<String, List<Object>> ALARMS =
      Map.of(
          "IteratorAgeAlarm",
              List.of(
                  "AWS/Lambda",
                  "IteratorAge",
                  functionDimension(),
                  "Maximum",
                  "IteratorAgeAlarmMilliseconds"),
          "ErrorsAlarm",
              List.of("AWS/Lambda", "Errors", functionDimension(), "Sum", "ErrorsAlarmThreshold"),
          "ThrottlesAlarm",
              List.of(
                  "AWS/Lambda", "Throttles", functionDimension(), "Sum", "ThrottlesAlarmThreshold"),
          "FailedBatchesAlarm",
              List.of(
                  "AWS/SQS",
                  "ApproximateNumberOfMessagesVisible",
                  List.of(
                      Map.of("Name", "QueueName", "Value", getAtt("FailedBatches", "QueueName"))),
                  "Maximum",
                  "FailedBatchesAlarmThreshold"),
          "DeadLettersAlarm",
              List.of(
                  BatchLog.NAMESPACE,
                  "DeadLettered",
                  functionDimension(),
                  "Sum",
                  "DeadLettersAlarmThreshold"),
          "OldestRecordAgeAlarm",
              List.of(
                  BatchLog.NAMESPACE,
                  "OldestRecordAgeMs",
                  functionDimension(),
                  "Maximum",
                  "OldestRecordAgeAlarmMilliseconds"));

  private static List<Object> functionDimension() {
    return List.of(Map.of("Name", "FunctionName", "Value", ref("RelayFunction")));
  }

  @Test
  void everyAlarmWatchesItsMetricAgainstItsThresholdParameterAndNotifiesTheOptionalTopic() {
    List<String> alarms = new java.util.ArrayList<>();
    map(template, "Resources")
        .forEach(
            (name, resource) -> {
              if ("AWS::CloudWatch::Alarm".equals(((Map<?, ?>) resource).get("Type"))) {
                alarms.add(name);
              }
            });
    assertThat(alarms).containsExactlyInAnyOrderElementsOf(ALARMS.keySet());
    Object topic =
        Map.of(
            "Fn::If", List.of("HasAlarmTopic", List.of(ref("AlarmTopicArn")), ref("AWS::NoValue")));
    ALARMS.forEach(
        (name, expected) -> {
          Map<String, Object> properties = map(resource(name), "Properties");
          assertThat(properties.get("Namespace")).as(name).isEqualTo(expected.get(0));
          assertThat(properties.get("MetricName")).as(name).isEqualTo(expected.get(1));
          assertThat(properties.get("Dimensions")).as(name).isEqualTo(expected.get(2));
          assertThat(properties.get("Statistic")).as(name).isEqualTo(expected.get(3));
          String threshold = (String) expected.get(4);
          assertThat(properties.get("Threshold")).as(name).isEqualTo(ref(threshold));
          assertThat(number(parameter(threshold).get("Default"))).as(threshold).isPositive();
          assertThat(properties.get("ComparisonOperator"))
              .isEqualTo("GreaterThanOrEqualToThreshold");
          assertThat(properties.get("AlarmActions")).as(name).isEqualTo(topic);
          assertThat(properties.get("OKActions")).as(name).isEqualTo(topic);
          if (BatchLog.NAMESPACE.equals(expected.get(0))) {
            // The relay's own metrics: emitted under the function's dimension set (BatchLog).
            assertThat(
                    java.util.stream.Stream.concat(
                        BatchLog.COUNTS.stream(),
                        java.util.stream.Stream.of("DurationMs", "OldestRecordAgeMs")))
                .contains((String) expected.get(1));
            assertThat(functionDimension().toString()).contains(BatchLog.FUNCTION_NAME);
          }
        });
    assertThat(parameter("AlarmTopicArn")).containsEntry("Default", "");
    assertThat(map(template, "Conditions").get("HasAlarmTopic"))
        .isEqualTo(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("AlarmTopicArn"), "")))));
  }

  @Test
  void theDashboardGraphsTheBatchMetricsOfThisFunction() {
    Map<String, Object> dashboard = resource("Dashboard");
    assertThat(dashboard.get("Type")).isEqualTo("AWS::CloudWatch::Dashboard");
    @SuppressWarnings("unchecked")
    List<Object> sub =
        (List<Object>) map(map(dashboard, "Properties"), "DashboardBody").get("Fn::Sub");
    String body = (String) sub.get(0);
    assertThat(body).contains("\"CdcRelay\", \"Received\", \"FunctionName\", \"${Function}\"");
    for (String metric :
        List.of(
            "Upserted",
            "Deleted",
            "Stale",
            "DeadLettered",
            "Failed",
            "OldestRecordAgeMs",
            "DurationMs")) {
      assertThat(body).contains("\"" + metric + "\"");
    }
    assertThat(sub.get(1))
        .isEqualTo(
            Map.of(
                "Function", ref("RelayFunction"), "Queue", getAtt("FailedBatches", "QueueName")));
  }

  @Test
  void aBatchOutOfRetriesReachesTheQueueWhileTheStreamStillHoldsItsRecords() {
    // Kinesis keeps records 24 hours by default: the on-failure message must leave time to read
    // them back (relay replay-failed), so the maximum record age is bounded well below that.
    int maximumAge = number(parameter("MaximumRecordAgeInSeconds").get("Default")).intValue();
    assertThat(maximumAge).isPositive().isLessThanOrEqualTo(24 * 3600 - 6 * 3600);
    assertThat(maximumAge).isEqualTo(MappingSettings.MAXIMUM_RECORD_AGE_IN_SECONDS);
    assertThat(number(parameter("MaximumRetryAttempts").get("Default")).intValue())
        .isBetween(0, 10_000);
    Map<String, Object> variables =
        map(map(map(resource("RelayFunction"), "Properties"), "Environment"), "Variables");
    assertThat(variables)
        .containsEntry(FunctionConfig.DEAD_LETTER_RETENTION, ref("DeadLetterRetention"));
    assertThat(
            FunctionConfig.parseDuration(
                "d", (String) parameter("DeadLetterRetention").get("Default")))
        .isEqualTo(io.cdcrelay.deadletter.DeadLetterRetention.DEFAULT);
  }

  @Test
  void codeUriIsWhereTheFunctionModuleShadesItsJar() throws Exception {
    String pom = Files.readString(Repository.root().resolve("function/pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/function.jar</outputFile>");
  }

  private static Map<String, Object> kinesisEvent() {
    return resource("KinesisMapping");
  }

  private static Map<String, Object> resource(String name) {
    return map(map(template, "Resources"), name);
  }

  private static Map<String, Object> parameter(String name) {
    return map(map(template, "Parameters"), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static Map<String, Object> ref(String name) {
    return Map.of("Ref", name);
  }

  private static Map<String, Object> getAtt(String resource, String attribute) {
    return Map.of("Fn::GetAtt", List.of(resource, attribute));
  }

  private static BigDecimal number(Object value) {
    return new BigDecimal(String.valueOf(value));
  }
}
