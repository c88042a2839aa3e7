package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.plan.KeySchema;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3ExportUrlTest {

  @Test
  void theFolderCredentialsAndOptionsAreRead() {
    S3ExportUrl url =
        S3ExportUrl.parse(
            "s3://AKIA1:se%2Fc%40r%25e%23t@my-bucket/exports/daily/AWSDynamoDB/0171-ab12/"
                + "?region=eu-central-1&endpoint=localhost:5000&table=Orders&key=id:S,ts:N"
                + "&batch-size=250&parallel=8");
    assertThat(url.bucket()).isEqualTo("my-bucket");
    assertThat(url.folder()).isEqualTo("exports/daily/AWSDynamoDB/0171-ab12/");
    assertThat(url.accessKey()).contains("AKIA1");
    assertThat(url.secretKey()).contains("se/c@r%e#t");
    assertThat(url.endpoint()).contains(URI.create("http://localhost:5000"));
    assertThat(url.region()).isEqualTo("eu-central-1");
    assertThat(url.table()).contains("Orders");
    assertThat(url.keys())
        .contains(
            List.of(
                new KeySchema.KeyColumn("id", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("ts", KeySchema.KeyType.N)));
    assertThat(url.batchSize()).isEqualTo(250);
    assertThat(url.parallel()).isEqualTo(8);
    assertThat(url.location()).isEqualTo("s3://my-bucket/exports/daily/AWSDynamoDB/0171-ab12/");
    assertThat(url.key("manifest-summary.json"))
        .isEqualTo("exports/daily/AWSDynamoDB/0171-ab12/manifest-summary.json");
    assertThat(url.toString())
        .doesNotContain("se/c")
        .doesNotContain("r%e#t")
        .contains("AKIA1:***@");
  }

  @Test
  void defaultsApplyAndTheFolderMayLackItsSlashOrNameTheSummary() {
    S3ExportUrl url = S3ExportUrl.parse("s3://bucket/AWSDynamoDB/0171-ab12");
    assertThat(url.folder()).isEqualTo("AWSDynamoDB/0171-ab12/");
    assertThat(url.accessKey()).isEmpty();
    assertThat(url.endpoint()).isEmpty();
    assertThat(url.region()).isEqualTo("us-east-1");
    assertThat(url.table()).isEmpty();
    assertThat(url.keys()).isEqualTo(Optional.empty());
    assertThat(url.batchSize()).isEqualTo(500);
    assertThat(url.parallel()).isEqualTo(4);
    assertThat(
            S3ExportUrl.parse("s3://bucket/p/AWSDynamoDB/0171-ab12/manifest-summary.json").folder())
        .isEqualTo("p/AWSDynamoDB/0171-ab12/");
  }

  @Test
  void badUrlsAreRefusedNamingTheBadPart() {
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/some/prefix/"))
        .hasMessageContaining("is not an export's folder");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket:9000/AWSDynamoDB/x/"))
        .hasMessageContaining("endpoint=HOST:PORT");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?paralel=2"))
        .hasMessageContaining("did you mean \"parallel\"");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?key=id"))
        .hasMessageContaining("key=id is not ATTRIBUTE:TYPE");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?key=id:X"))
        .hasMessageContaining("types S, N or B");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?key=a:S,b:N,c:B"))
        .hasMessageContaining("a table has one or two");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?key=id:S,id:N"))
        .hasMessage(
            "option key=id:S,id:N names id twice: the partition key and the sort key are two"
                + " attributes");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?rcu=5"))
        .hasMessageStartingWith("unknown option \"rcu\" in the source URL. Accepted: ");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?parallel=0"))
        .hasMessageContaining("parallel=0 is out of range: 1 to 64");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?endpoint=http://h:1"))
        .hasMessageContaining("is not HOST or HOST:PORT");
    // endpoint=$HOST with HOST unset: not AWS in the emulator's place.
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?endpoint="))
        .hasMessage("option endpoint= is not HOST or HOST:PORT, as in localhost:5000");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?region=nowhere"))
        .hasMessageContaining("region=nowhere");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://bucket/AWSDynamoDB/x/?table=a b"))
        .isInstanceOf(BadSourceUrlException.class);
  }

  @Test
  void aBucketWhoseLastLabelStartsWithADigitAndAPrefixHoldingAnAtAreTaken() {
    // Both valid in S3; a URL parser takes exports.2024 for no host name, and an '@' in the path
    // is no key's end.
    S3ExportUrl url = S3ExportUrl.parse("s3://exports.2024/team@eu/AWSDynamoDB/0171-ab12/");
    assertThat(url.bucket()).isEqualTo("exports.2024");
    assertThat(url.folder()).isEqualTo("team@eu/AWSDynamoDB/0171-ab12/");
    assertThat(url.accessKey()).isEmpty();

    S3ExportUrl withKeys =
        S3ExportUrl.parse(
            "s3://AKIA1:se%2Fcr%40t@exports.2024/team@eu/AWSDynamoDB/0171-ab12/?parallel=2");
    assertThat(withKeys.bucket()).isEqualTo("exports.2024");
    assertThat(withKeys.folder()).isEqualTo("team@eu/AWSDynamoDB/0171-ab12/");
    assertThat(withKeys.accessKey()).contains("AKIA1");
    assertThat(withKeys.secretKey()).contains("se/cr@t");
    assertThat(withKeys.parallel()).isEqualTo(2);

    assertThatThrownBy(() -> S3ExportUrl.parse("s3://exports_2024/AWSDynamoDB/x/"))
        .hasMessageContaining("no valid S3 bucket");
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://AKIA1:se/cret@exports.2024/AWSDynamoDB/x/"))
        .hasMessageContaining("percent-encode")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cret"));
  }

  @Test
  void aSecretWithReservedCharactersNeverAppearsInAnError() {
    String secret = "pa/ss@w%rd#x";
    assertThatThrownBy(() -> S3ExportUrl.parse("s3://AKIA1:" + secret + "@bucket/AWSDynamoDB/x/"))
        .isInstanceOf(BadSourceUrlException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("w%rd").doesNotContain("ss@w"));
    assertThatThrownBy(
            () ->
                S3ExportUrl.parse(
                    "s3://AKIA1:pa%2Fss%40w%25rd%23x@bucket/AWSDynamoDB/x/?parallel=none"))
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("pa%2Fss").doesNotContain("pa/ss"));
  }
}
