package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@code dynamodb+cdc://…/TABLE} source URLs: a table's own DynamoDB stream. */
class DynamoDbStreamSourceUrlTest {

  @Test
  void namesTheTableAndTakesTheSameOptionsAsAKinesisUrl() {
    SourceUrl url =
        SourceUrl.parse(
            "dynamodb+cdc://AKIAEXAMPLE:se%2Fcr%2Bet@localhost:5000/orders-2024"
                + "?region=eu-central-1&batch-size=10000&start=seqno-after&seqno=4421584500000000017450439091"
                + "&once=true&idle-sleep=2&buffer-time=0.2");
    assertThat(url.type()).isEqualTo(SourceType.DYNAMODB_STREAM);
    assertThat(url.stream()).isEqualTo("orders-2024");
    assertThat(url.endpoint()).contains(URI.create("http://localhost:5000"));
    assertThat(url.secretKey()).contains("se/cr+et");
    assertThat(url.batchSize()).isEqualTo(10000);
    assertThat(url.start()).isEqualTo(StartPosition.SEQNO_AFTER);
    assertThat(url.sequenceNumber()).contains("4421584500000000017450439091");
    assertThat(url.once()).isTrue();
    assertThat(url.toString())
        .isEqualTo(
            "dynamodb+cdc://AKIAEXAMPLE:***@localhost:5000/orders-2024?region=eu-central-1"
                + "&batch-size=10000&start=seqno-after&seqno=4421584500000000017450439091"
                + "&idle-sleep=2.0&buffer-time=0.2&once=true&batches-in-flight=2")
        .doesNotContain("se/cr+et")
        .doesNotContain("cr%2Bet");
  }

  @Test
  void kinesisUrlsStayKinesisUrls() {
    assertThat(SourceUrl.parse("kinesis+dynamodb+cdc://aws/s").type())
        .isEqualTo(SourceType.KINESIS_DATA_STREAM);
  }

  @Test
  void batchSizeIsBoundedAsEverywhere() {
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb+cdc://aws/orders?batch-size=10001"))
        .hasMessage("option batch-size=10001 is out of range: 1 to 10000");
  }

  @Test
  void createIsRefusedNamingTheProvisioner() {
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb+cdc://aws/orders?create=true"))
        .hasMessageContaining("relay provision 'dynamodb+cdc://…/orders' --function FUNCTION");
  }

  @Test
  void tableNamesFollowDynamoDbsRules() {
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb+cdc://aws/ab"))
        .hasMessage("the table name \"ab\" is not valid: 3 to 255 of a-z A-Z 0-9 _ . -");
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb+cdc://aws/"))
        .hasMessageContaining("must name one table");
  }

  @Test
  void anUnknownSchemeNamesBothForms() {
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb://aws/orders"))
        .hasMessageContaining("kinesis+dynamodb+cdc://")
        .hasMessageContaining("dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS");
  }

  @Test
  void createShardsIsRefusedLikeCreate() {
    assertThatThrownBy(() -> SourceUrl.parse("dynamodb+cdc://aws/orders?create-shards=2"))
        .hasMessageStartingWith("options create and create-shards are for Kinesis streams");
  }
}
