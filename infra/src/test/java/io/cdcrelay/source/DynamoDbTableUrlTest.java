package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DynamoDbTableUrlTest {

  @Test
  void theReferenceToolsUrlWithCredentialsAndAnEmulatorEndpoint() {
    DynamoDbTableUrl url =
        DynamoDbTableUrl.parse(
            "dynamodb://AKIA1:se%2Fcr%2Bet@localhost:4566/Orders?region=eu-central-1"
                + "&batch-size=500&consistent-read=true&segments=8&rcu=100");
    assertThat(url.table()).isEqualTo("Orders");
    assertThat(url.tableReference()).isEqualTo("Orders");
    assertThat(url.accessKey()).contains("AKIA1");
    assertThat(url.secretKey()).contains("se/cr+et");
    assertThat(url.endpoint()).contains(URI.create("http://localhost:4566"));
    assertThat(url.region()).isEqualTo("eu-central-1");
    assertThat(url.batchSize()).isEqualTo(500);
    assertThat(url.consistentRead()).isTrue();
    assertThat(url.segments()).isEqualTo(8);
    assertThat(url.rcu()).isEqualTo(OptionalInt.of(100));
    assertThat(url.toString()).doesNotContain("se/cr+et").doesNotContain("se%2Fcr").contains("***");
  }

  @Test
  void pageSizeIsTheReferenceToolsEarlierNameOfBatchSize() {
    assertThat(DynamoDbTableUrl.parse("dynamodb://aws/orders?page-size=250").batchSize())
        .isEqualTo(250);
    assertThat(
            DynamoDbTableUrl.parse("dynamodb://aws/orders?page-size=250&batch-size=250")
                .batchSize())
        .isEqualTo(250);
    assertThatThrownBy(
            () -> DynamoDbTableUrl.parse("dynamodb://aws/orders?page-size=250&batch-size=100"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage(
            "options page-size=250 and batch-size=100 are the same option (page-size is its"
                + " earlier name): give one");
  }

  @Test
  void defaultsAndTheDefaultCredentialChainOnAws() {
    DynamoDbTableUrl url = DynamoDbTableUrl.parse("dynamodb://aws/demo");
    assertThat(url.endpoint()).isEmpty();
    assertThat(url.accessKey()).isEmpty();
    assertThat(url.region()).isEqualTo("us-east-1");
    assertThat(url.batchSize()).isEqualTo(100);
    assertThat(url.consistentRead()).isFalse();
    assertThat(url.segments()).isEqualTo(1);
    assertThat(url.rcu()).isEmpty();
  }

  @Test
  void aTableArnNamesTableAndRegion() {
    DynamoDbTableUrl url =
        DynamoDbTableUrl.parse(
            "dynamodb://aws/arn:aws:dynamodb:eu-west-1:123456789012:table/Orders");
    assertThat(url.table()).isEqualTo("Orders");
    assertThat(url.region()).isEqualTo("eu-west-1");
    assertThat(url.tableArn())
        .isEqualTo(Optional.of("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"));
    assertThat(url.tableReference()).startsWith("arn:aws:dynamodb:");
    assertThatThrownBy(
            () ->
                DynamoDbTableUrl.parse(
                    "dynamodb://aws/arn:aws:dynamodb:eu-west-1:123456789012:table/Orders?region=us-east-1"))
        .hasMessage("option region=us-east-1 disagrees with the region eu-west-1 of the table ARN");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/arn:aws:s3:::bucket"))
        .hasMessageContaining("is not a DynamoDB table ARN");
  }

  @Test
  void badInputIsRefusedWithOneSentenceNamingIt() {
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?segmnts=4"))
        .hasMessageStartingWith(
            "unknown option \"segmnts\" in the source URL; did you mean \"segments\"?");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?segments=0"))
        .hasMessage("option segments=0 is out of range: 1 to 256");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?rcu=ten"))
        .hasMessage("option rcu=ten is not a whole number (1 to 1000000)");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?page-size=0"))
        .hasMessage("option page-size=0 is out of range: 1 to 10000");
    // rcu=$RCU with RCU unset: no budget would be a full-speed Scan of a table meant to be spared.
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?rcu="))
        .hasMessage("option rcu= is not a whole number (1 to 1000000)");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://AKIA:@localhost:8000/demo"))
        .hasMessageStartingWith("the source URL's secret key is empty: give both keys");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://:k3y@localhost:8000/demo"))
        .hasMessageStartingWith("the source URL's access key is empty")
        .hasMessageNotContaining("k3y");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?consistent-read=maybe"))
        .hasMessage(
            "option consistent-read=maybe is not one of true, false (or 1, yes, on, y, t; 0, no,"
                + " off, n, f)");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/"))
        .hasMessageContaining("must name one table");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/a"))
        .hasMessageContaining("is not valid: 3 to 255");
    // Whole keys before a host the URL parser refuses: the host is named, not the '@'.
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://KEY:se%2Fcret@my_host:8000/demo"))
        .hasMessage(
            "the source URL's host \"my_host:8000\" is not a host name (letters, digits, '-' and"
                + " '.'), with an optional :PORT");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://KEY:se%2Fcret@/demo"))
        .hasMessageStartingWith("the source URL has no host after ACCESS_KEY:SECRET_KEY@")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cret"));
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://aws/demo?bogus=1"))
        .hasMessageStartingWith("unknown option \"bogus\" in the source URL. Accepted: region");
    assertThatThrownBy(() -> DynamoDbTableUrl.parse("dynamodb://KEY:se/cret@aws/demo"))
        .hasMessageStartingWith(
            "the keys before the source URL's '@' hold a character that ends a URL's host part")
        .hasMessageContaining("percent-encode")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cret"));
  }

  @Test
  void onlyThePlainSchemeIsATableUrl() {
    assertThat(DynamoDbTableUrl.isTableUrl("dynamodb://aws/t")).isTrue();
    assertThat(DynamoDbTableUrl.isTableUrl("dynamodb+cdc://aws/t")).isFalse();
    assertThat(DynamoDbTableUrl.isTableUrl("kinesis+dynamodb+cdc://aws/s")).isFalse();
  }
}
