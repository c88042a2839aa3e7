package io.cdcrelay.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.tools.CloudFormationYaml;
import io.cdcrelay.tools.Command;
import io.cdcrelay.tools.Repository;
import io.cdcrelay.tools.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code template.yaml} through the SAM CLI and cfn-lint from PyPI (installed into {@code
 * .tools/sam} on first use): lint, the SAM transform, lint of the CloudFormation it makes, and
 * {@code sam build} — all without Docker and without AWS.
 */
class SamTemplateIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  /** No AWS account is needed; fixed values keep the CLI from looking for one. */
  private static final Map<String, String> OFFLINE =
      Map.of(
          "SAM_CLI_TELEMETRY", "0",
          "AWS_DEFAULT_REGION", "us-east-1",
          "AWS_ACCESS_KEY_ID", "testing",
          "AWS_SECRET_ACCESS_KEY", "testing",
          "AWS_EC2_METADATA_DISABLED", "true");

  private static Path bin;
  private static Path root;
  private static Path work;

  @BeforeAll
  static void install() throws Exception {
    bin = Tools.pythonVenv("sam", Tools.SAM);
    root = Repository.root();
    work = root.resolve("infra/target/sam");
    Files.createDirectories(work);
  }

  @Test
  void validateWithLintPasses() {
    String output =
        Command.check(
            List.of(sam(), "validate", "--lint", "--template", template(), "--region", "us-east-1"),
            work,
            OFFLINE,
            TIMEOUT);
    assertThat(output).contains("is a valid SAM Template");
  }

  @ParameterizedTest
  @ValueSource(strings = {"KinesisDataStream", "DynamoDBStream"})
  void samTransformSucceedsAndItsCloudFormationLintsClean(String sourceType) throws Exception {
    // cfn-lint 1.x checks a SAM template against SAM's schema without transforming it, which lets
    // a wrong GetAtt inside an event slip through; the transformed template is checked in full.
    String output =
        Command.check(
            List.of(sam(), "validate", "--template", template(), "--region", "us-east-1"),
            work,
            OFFLINE,
            TIMEOUT);
    assertThat(output).contains("is a valid SAM Template");

    Path script = Path.of(getClass().getResource("/sam/transform.py").toURI());
    Command.Result transformed =
        Command.run(
            List.of(
                bin.resolve("python").toString(),
                script.toString(),
                template(),
                sourceType.equals("DynamoDBStream")
                    ? "{\"SourceType\": \"DynamoDBStream\", \"TableStreamArn\":"
                        + " \"arn:aws:dynamodb:us-east-1:123456789012:table/demo/stream/"
                        + "2024-07-12T01:00:00.000\"}"
                    : "{\"SourceType\": \"KinesisDataStream\"}"),
            work,
            OFFLINE,
            TIMEOUT);
    assertThat(transformed.exitCode()).as(transformed.output()).isZero();
    Path cloudFormation = work.resolve("transformed-" + sourceType + ".json");
    Files.writeString(cloudFormation, transformed.output(), StandardCharsets.UTF_8);
    assertThat(transformed.output())
        .contains("\"AWS::Lambda::EventSourceMapping\"")
        .contains("\"ReportBatchItemFailures\"")
        // AutoPublishAlias: a version, the alias "live" the mappings invoke, SnapStart on it.
        .contains("\"AWS::Lambda::Version\"", "\"AWS::Lambda::Alias\"", "RelayFunctionAliaslive")
        .contains("\"PublishedVersions\"")
        .contains(
            sourceType.equals("DynamoDBStream")
                ? "DynamoDbStreamsRelayHandler::handleRequest"
                : "KinesisRelayHandler::handleRequest");

    Command.Result lint =
        Command.run(
            List.of(bin.resolve("cfn-lint").toString(), cloudFormation.toString()),
            work,
            OFFLINE,
            TIMEOUT);
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void buildCopiesTheShadedJarWithoutDockerOrMaven() throws Exception {
    Path jar = root.resolve("function/target/function.jar");
    assertThat(jar).as("built by the function module's package phase").exists();
    Path buildDir = work.resolve("build");
    String output =
        Command.check(
            List.of(
                sam(),
                "build",
                "--template",
                template(),
                "--build-dir",
                buildDir.toString(),
                "--cache-dir",
                work.resolve("cache").toString()),
            work,
            OFFLINE,
            TIMEOUT);
    assertThat(output).contains("Build Succeeded");
    Map<String, Object> built = CloudFormationYaml.read(buildDir.resolve("template.yaml"));
    @SuppressWarnings("unchecked")
    Map<String, Object> function =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) built.get("Resources")).get("RelayFunction"))
                .get("Properties");
    Path codeUri = buildDir.resolve((String) function.get("CodeUri")).normalize();
    assertThat(codeUri).isEqualTo(jar);
  }

  private static String sam() {
    return bin.resolve("sam").toString();
  }

  private static String template() {
    return root.resolve("template.yaml").toString();
  }
}
