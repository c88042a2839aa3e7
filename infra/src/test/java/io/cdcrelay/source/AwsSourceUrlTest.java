package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsSourceUrlTest {

  private static final Map<String, String> NO_ENVIRONMENT = Map.of();

  @Test
  void aCustomEndpointIsNamedWithoutTheKeys() {
    List<AwsSourceUrl> urls =
        List.of(
            DynamoDbTableUrl.parse("dynamodb://KEY:SECRET@localhost:4566/orders", NO_ENVIRONMENT),
            SourceUrl.parse(
                "kinesis+dynamodb+cdc://KEY:SECRET@localhost:4566/orders", NO_ENVIRONMENT),
            SourceUrl.parse("dynamodb+cdc://KEY:SECRET@localhost:4566/orders", NO_ENVIRONMENT),
            S3ExportUrl.parse(
                "s3://KEY:SECRET@bucket/AWSDynamoDB/0123/?endpoint=localhost:4566",
                NO_ENVIRONMENT));
    for (AwsSourceUrl url : urls) {
      assertThat(url.where())
          .as(url.toString())
          .isEqualTo("at http://localhost:4566")
          .doesNotContain("KEY", "SECRET");
    }
  }

  @Test
  void whereAMissingResourceWasLookedForNamesTheRegionBesideAnEndpoint() {
    // Emulators keep regions apart: a stream "does not exist" in the default region.
    assertThat(
            SourceUrl.parse("kinesis+dynamodb+cdc://KEY:SECRET@localhost:4566/s", NO_ENVIRONMENT)
                .whereLookedFor())
        .isEqualTo("at http://localhost:4566, region us-east-1");
    assertThat(
            SourceUrl.parse(
                    "dynamodb+cdc://KEY:SECRET@aws/orders?region=eu-central-1", NO_ENVIRONMENT)
                .whereLookedFor())
        .isEqualTo("in eu-central-1");
  }

  @Test
  void awsItselfIsNamedByTheRegionWithoutTheKeys() {
    assertThat(
            DynamoDbTableUrl.parse(
                    "dynamodb://KEY:SECRET@aws/orders?region=eu-central-1", NO_ENVIRONMENT)
                .where())
        .isEqualTo("in eu-central-1");
    assertThat(SourceUrl.parse("dynamodb+cdc://KEY:SECRET@aws/orders", NO_ENVIRONMENT).where())
        .isEqualTo("in us-east-1");
  }

  @Test
  void theAwsClientsOfASourceNameWhereTheyGoAsTheSourceDoes() {
    // sam-params and the provisioner name the source in their messages through the clients.
    try (io.cdcrelay.provision.AwsClients local =
            new io.cdcrelay.provision.AwsClients(
                SourceUrl.parse(
                    "kinesis+dynamodb+cdc://KEY:SECRET@localhost:4566/orders", NO_ENVIRONMENT));
        io.cdcrelay.provision.AwsClients aws =
            new io.cdcrelay.provision.AwsClients(
                SourceUrl.parse(
                    "dynamodb+cdc://KEY:SECRET@aws/orders?region=eu-central-1", NO_ENVIRONMENT))) {
      assertThat(local.where()).isEqualTo("at http://localhost:4566");
      assertThat(aws.where()).isEqualTo("in eu-central-1");
    }
  }

  @Test
  void anEndpointHoldingKeysIsNamedByItsSchemeHostAndPortOnly() {
    AwsSourceUrl url =
        new AwsSourceUrl() {
          @Override
          public Optional<URI> endpoint() {
            return Optional.of(URI.create("https://KEY:SECRET@emulator:8000/path?key=SECRET"));
          }

          @Override
          public String region() {
            return "us-east-1";
          }
        };
    assertThat(url.where()).isEqualTo("at https://emulator:8000");
  }
}
