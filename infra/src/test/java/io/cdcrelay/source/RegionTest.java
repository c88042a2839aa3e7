package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A URL without {@code region=} takes the region as the AWS SDKs and the reference tool's boto3 do
 * — {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the profile's — and us-east-1 only when none
 * gives one: a switching user's stream must not be created or read in another region.
 */
class RegionTest {

  @TempDir Path home;

  private Map<String, String> noConfig(String... more) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("AWS_CONFIG_FILE", home.resolve("absent").toString());
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void theUrlsOptionComesFirstThenTheEnvironmentThenUsEast1() {
    String url = "kinesis+dynamodb+cdc://aws/cdc";
    assertThat(
            SourceUrl.parse(url + "?region=eu-west-1", noConfig("AWS_REGION", "ap-south-1"))
                .region())
        .isEqualTo("eu-west-1");
    assertThat(
            SourceUrl.parse(
                    url, noConfig("AWS_REGION", "ap-south-1", "AWS_DEFAULT_REGION", "eu-north-1"))
                .region())
        .isEqualTo("ap-south-1");
    assertThat(SourceUrl.parse(url, noConfig("AWS_DEFAULT_REGION", "eu-north-1")).region())
        .isEqualTo("eu-north-1");
    assertThat(SourceUrl.parse(url, noConfig()).region()).isEqualTo("us-east-1");
  }

  @Test
  void theProfilesRegionCountsWhenNoVariableGivesOne() throws IOException {
    Path config = home.resolve("config");
    Files.writeString(
        config, "[default]\nregion = eu-central-1\n\n[profile work]\nregion = us-west-2\n");
    Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString());

    assertThat(DynamoDbTableUrl.parse("dynamodb://aws/orders", env).region())
        .isEqualTo("eu-central-1");
    Map<String, String> work = Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_PROFILE", "work");
    assertThat(
            S3ExportUrl.parse("s3://bucket/x/AWSDynamoDB/01234567890123-abcdefgh/", work).region())
        .isEqualTo("us-west-2");
    // A table ARN names its region: the environment's does not override it.
    assertThat(
            DynamoDbTableUrl.parse(
                    "dynamodb://aws/arn:aws:dynamodb:ap-northeast-1:123456789012:table/orders", env)
                .region())
        .isEqualTo("ap-northeast-1");
  }

  @Test
  void aBadRegionFromTheEnvironmentNamesTheVariable() {
    assertThatThrownBy(
            () -> SourceUrl.parse("dynamodb+cdc://aws/orders", noConfig("AWS_REGION", "Frankfurt")))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("AWS_REGION=Frankfurt is not an AWS region name such as us-east-1");
  }

  @Test
  void aHostWithAnUnderscoreIsNamedNotCalledMissing() {
    for (String url :
        List.of(
            "kinesis+dynamodb+cdc://localstack_main:4566/cdc",
            "dynamodb://localstack_main/orders")) {
      assertThatThrownBy(
              () -> {
                if (url.startsWith("dynamodb:")) {
                  DynamoDbTableUrl.parse(url, noConfig());
                } else {
                  SourceUrl.parse(url, noConfig());
                }
              })
          .as(url)
          .hasMessageStartingWith(
              "the source URL's host \"localstack_main\" is not a host name (letters, digits");
    }
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc:///cdc", noConfig()))
        .hasMessageStartingWith("the source URL has no host");
  }

  @Test
  void aPortOutOfRangeIsNamedForEverySourceUrl() {
    for (String url :
        List.of(
            "kinesis+dynamodb+cdc://k:s@127.0.0.1:99999/cdc?region=eu-central-1",
            "dynamodb+cdc://127.0.0.1:0/orders?region=eu-central-1",
            "dynamodb://k:s@127.0.0.1:65536/orders?region=eu-central-1",
            "s3://bucket/AWSDynamoDB/01234567890123-abcdefgh/"
                + "?region=eu-central-1&endpoint=127.0.0.1:99999")) {
      String port = url.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1");
      assertThatThrownBy(
              () -> {
                if (url.startsWith("dynamodb:")) {
                  DynamoDbTableUrl.parse(url, noConfig());
                } else if (url.startsWith("s3:")) {
                  S3ExportUrl.parse(url, noConfig());
                } else {
                  SourceUrl.parse(url, noConfig());
                }
              })
          .as(url)
          .isInstanceOf(BadSourceUrlException.class)
          .hasMessageEndingWith(
              "port " + port + " is out of range (1 to 65535; without one the service's own)");
    }
    assertThat(SourceUrl.parse("kinesis+dynamodb+cdc://127.0.0.1:65535/cdc", noConfig()).endpoint())
        .hasValueSatisfying(e -> assertThat(e.getPort()).isEqualTo(65535));
  }

  @Test
  void theHostAwsInCapitalsIsAwsNotAnEndpoint() {
    assertThat(SourceUrl.parse("kinesis+dynamodb+cdc://AWS/cdc", noConfig()).endpoint()).isEmpty();
  }
}
