package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void secretOfTheUserInfoIsReplaced() {
    assertThat(Redaction.url("kinesis+dynamodb+cdc://AKIA:wJal%2Fr@aws/s"))
        .isEqualTo("kinesis+dynamodb+cdc://AKIA:***@aws/s");
    assertThat(Redaction.url("crate://admin:s3cret@h:4200/doc/t"))
        .isEqualTo("crate://admin:***@h:4200/doc/t");
  }

  @Test
  void secretWithUnencodedSlashAtPercentOrHashIsReplacedWhole() {
    assertThat(
            Redaction.url(
                "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@Sx3%2F#Sx4@localhost:4566/s?batch-size=x"))
        .isEqualTo("kinesis+dynamodb+cdc://AKIA:***@localhost:4566/s?batch-size=x");
    assertThat(Redaction.url("crate://u:Sx1?Sx2@h/doc/t")).isEqualTo("crate://u:***@h/doc/t");
  }

  @Test
  void aColonTypedAsAnAtDoesNotShowTheSecretBetweenTheTwo() {
    assertThat(Redaction.url("crate://admin@s3cretPW@db:4200/doc"))
        .isEqualTo("crate://admin@***@db:4200/doc");
    assertThat(Redaction.urlsIn("bad URL: postgresql://admin@s3cret/PW@db:5432/doc, fix it"))
        .isEqualTo("bad URL: postgresql://admin@***@db:5432/doc, fix it");
  }

  @Test
  void aUrlMistypedAsAPathDoesNotShowItsSecret() {
    // Quotes kept inside the argument, one '/' after the scheme, no scheme at all.
    assertThat(Redaction.mistypedUrl("'dynamodb://AKIA:wJal%2Fr@aws/orders?region=eu-west-1'"))
        .isEqualTo("'dynamodb://AKIA:***@aws/orders?region=eu-west-1'");
    assertThat(Redaction.mistypedUrl("dynamodb:/AKIA:wJal/r@aws/orders"))
        .isEqualTo("dynamodb:***@aws/orders");
    assertThat(Redaction.mistypedUrl("AKIA:wJalr@localhost:8000/orders"))
        .isEqualTo("AKIA:***@localhost:8000/orders");
    assertThat(Redaction.mistypedUrl("/data/dump.ndjson")).isEqualTo("/data/dump.ndjson");
    assertThat(Redaction.mistypedUrl("/data/me@home/dump.ndjson"))
        .isEqualTo("/data/me@home/dump.ndjson");
  }

  @Test
  void urlWithoutCredentialsIsUnchanged() {
    assertThat(Redaction.url("kinesis+dynamodb+cdc://localhost:4566/s?region=eu-central-1"))
        .isEqualTo("kinesis+dynamodb+cdc://localhost:4566/s?region=eu-central-1");
    assertThat(Redaction.url("crate://crate@h/doc/t")).isEqualTo("crate://crate@h/doc/t");
    assertThat(Redaction.url("/data/dump.ndjson")).isEqualTo("/data/dump.ndjson");
  }

  @Test
  void passwordOptionIsReplaced() {
    assertThat(Redaction.url("jdbc:postgresql://h/doc?password=Sx1/@x&user=x"))
        .isEqualTo("jdbc:postgresql://h/doc?password=***&user=x");
  }

  @Test
  void everyUrlQuotedInATextIsRedacted() {
    assertThat(
            Redaction.urlsIn(
                "Unmatched arguments from index 1: 'kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@aws/s',"
                    + " 'crate://u:Sx3@h/doc/t', 'x'"))
        .isEqualTo(
            "Unmatched arguments from index 1: 'kinesis+dynamodb+cdc://AKIA:***@aws/s',"
                + " 'crate://u:***@h/doc/t', 'x'");
  }
}
