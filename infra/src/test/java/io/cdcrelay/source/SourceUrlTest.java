package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceUrlTest {

  @Test
  void withRegionChangesTheRegionOnly() {
    SourceUrl url = SourceUrl.parse("kinesis+dynamodb+cdc://KEY:SECRET@aws/s?batch-size=7");
    SourceUrl moved = url.withRegion("eu-central-1");
    assertThat(moved.region()).isEqualTo("eu-central-1");
    assertThat(moved.withRegion(url.region())).isEqualTo(url);
  }

  @Test
  void defaultsAreThoseOfTheReferenceTool() {
    SourceUrl url = SourceUrl.parse("kinesis+dynamodb+cdc://aws/cdc-stream");
    assertThat(url.stream()).isEqualTo("cdc-stream");
    assertThat(url.endpoint()).isEmpty();
    assertThat(url.accessKey()).isEmpty();
    assertThat(url.region()).isEqualTo("us-east-1");
    assertThat(url.batchSize()).isEqualTo(100);
    assertThat(url.create()).isFalse();
    assertThat(url.createShards()).isEqualTo(1);
    assertThat(url.start()).isEqualTo(StartPosition.EARLIEST);
    assertThat(url.sequenceNumber()).isEmpty();
    assertThat(url.idleSleep()).isEqualTo(Duration.ofMillis(500));
    assertThat(url.bufferTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(url.once()).isFalse();
    assertThat(url.batchesInFlight()).isEqualTo(2);
    assertThat(
            SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?batches-in-flight=3").batchesInFlight())
        .isEqualTo(3);
  }

  @Test
  void localStackUrlOfTheReferenceDocs() {
    SourceUrl url =
        SourceUrl.parse(
            "kinesis+dynamodb+cdc://LSIAQAAAAAAVNCBMPNSG:dummy@localhost:4566/cdc-stream"
                + "?region=eu-central-1&create=true&create-shards=2&batch-size=500&once=true");
    assertThat(url.endpoint()).contains(URI.create("http://localhost:4566"));
    assertThat(url.accessKey()).contains("LSIAQAAAAAAVNCBMPNSG");
    assertThat(url.secretKey()).contains("dummy");
    assertThat(url.region()).isEqualTo("eu-central-1");
    assertThat(url.create()).isTrue();
    assertThat(url.createShards()).isEqualTo(2);
    assertThat(url.batchSize()).isEqualTo(500);
    assertThat(url.once()).isTrue();
    assertThat(url.toString())
        .isEqualTo(
            "kinesis+dynamodb+cdc://LSIAQAAAAAAVNCBMPNSG:***@localhost:4566/cdc-stream"
                + "?region=eu-central-1&batch-size=500&start=earliest&create=true&create-shards=2"
                + "&idle-sleep=0.5&buffer-time=0.5&once=true&batches-in-flight=2");
  }

  @Test
  void percentEncodedSecretKeyIsDecodedAndNeverPrinted() {
    SourceUrl url = SourceUrl.parse("kinesis+dynamodb+cdc://AKIA:wJal%2Fr%2BXU@aws/s");
    assertThat(url.secretKey()).contains("wJal/r+XU");
    assertThat(url.toString()).doesNotContain("wJal").contains("AKIA:***@");
  }

  @Test
  void sequenceNumberStarts() {
    SourceUrl at = SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-at&seqno=4965670936");
    assertThat(at.start()).isEqualTo(StartPosition.SEQNO_AT);
    assertThat(at.sequenceNumber()).contains("4965670936");
    assertThat(at.start().iteratorType()).isEqualTo("AT_SEQUENCE_NUMBER");
    SourceUrl after = SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-after&seqno=7");
    assertThat(after.start().iteratorType()).isEqualTo("AFTER_SEQUENCE_NUMBER");
    assertThat(SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=latest").start())
        .isEqualTo(StartPosition.LATEST);
  }

  @Test
  void fractionalSecondsAreAccepted() {
    SourceUrl url = SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?idle-sleep=0.05&buffer-time=2");
    assertThat(url.idleSleep()).isEqualTo(Duration.ofMillis(50));
    assertThat(url.bufferTime()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void optionsOfTheNewerReferenceReleasesAreAcceptedAsSuperseded() {
    SourceUrl url =
        SourceUrl.parse(
            "kinesis+dynamodb+cdc://aws/s?checkpointer=cratedb&checkpointer-name=x"
                + "&checkpointer-schema=ext&checkpointer-interval=5&describe-timeout=10");
    assertThat(url.supersededOptions())
        .containsKeys(
            "checkpointer",
            "checkpointer-name",
            "checkpointer-schema",
            "checkpointer-interval",
            "describe-timeout");
  }

  @Test
  void unknownOptionSuggestsTheNearestName() {
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?batchsize=10"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessageContaining("unknown option \"batchsize\"")
        .hasMessageContaining("did you mean \"batch-size\"")
        .hasMessageContaining(
            "; also checkpointer, checkpointer-name, checkpointer-schema, checkpointer-interval,"
                + " describe-timeout (cratedb-toolkit's, accepted and superseded");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?checkpointer-nam=x"))
        .hasMessageContaining("did you mean \"checkpointer-name\"");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?idle-slep=1"))
        .hasMessageContaining("did you mean \"idle-sleep\"");
  }

  @Test
  void badNumbersNameTheOptionAndTheRange() {
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?batch-size=abc"))
        .hasMessage("option batch-size=abc is not a whole number (1 to 10000)");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?batch-size=10001"))
        .hasMessage("option batch-size=10001 is out of range: 1 to 10000");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?create-shards=0"))
        .hasMessageContaining("create-shards=0 is out of range");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?idle-sleep=-1"))
        .hasMessageContaining("idle-sleep=-1 is out of range");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?buffer-time=soon"))
        .hasMessageContaining("buffer-time=soon is not a number of seconds");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?create=maybe"))
        .hasMessageContaining("create=maybe is not one of true, false");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?batches-in-flight=0"))
        .hasMessage("option batches-in-flight=0 is out of range: 1 to 10");
  }

  @Test
  void seqnoRules() {
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-at"))
        .hasMessage("option start=seqno-at needs seqno=SEQUENCE_NUMBER");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?seqno=123"))
        .hasMessageContaining("seqno is only accepted with start=seqno-at or start=seqno-after");
    assertThatThrownBy(
            () -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=seqno-after&seqno=12x"))
        .hasMessageContaining("option seqno=12x");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?start=oldest"))
        .hasMessage("option start=oldest is not one of earliest, latest, seqno-at, seqno-after");
  }

  @Test
  void unknownSchemeAndMissingPartsAreRejected() {
    assertThatThrownBy(() -> SourceUrl.parse("kinesis://aws/s"))
        .hasMessageContaining("scheme \"kinesis\" is not supported");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/"))
        .hasMessageContaining("must name one stream");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/a/b"))
        .hasMessageContaining("must name one stream");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://AKIA@aws/s"))
        .hasMessageContaining("no secret key");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?region=mars"))
        .hasMessageContaining("region=mars");
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/s?once=true&once=false"))
        .hasMessageContaining("given twice");
  }

  @Test
  void errorsNeverContainTheSecretKey() {
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://AKIA:s3cret@aws/s?bad=1"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  /** Every part of these secret keys holds "Sx"; none may appear in a message. */
  private static final List<String> URLS_WITH_SECRETS =
      List.of(
          "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@Sx3%2F#Sx4@localhost:4566/s?batch-size=x",
          "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@localhost:4566/s?batch-size=x",
          "kinesis+dynamodb+cdc://AKIA:Sx1%2FSx2@localhost:4566/s?batch-size=x",
          "kinesis+dynamodb+cdc://AKIA:12/Sx2@localhost",
          "kinesis+dynamodb+cdc://AKIA:12/Sx2@localhost/s",
          "kinesis+dynamodb+cdc://AKIA:12/Sx2@localhost/s?batch-size=x",
          "kinesis+dynamodb+cdc://AKIA:Sx1%zz@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1/Sx 2@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1?Sx2@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1#Sx2@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1@Sx2@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1%Sx2@localhost:4566/s",
          "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@localhost:4566/s^",
          "kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@localhost:4566/Sx3?once=maybe",
          "kinesis://AKIA:Sx1/Sx2@localhost:4566/s");

  @Test
  void secretKeysWithSlashAtPercentOrHashNeverAppearInAMessage() {
    List<String> leaks = new ArrayList<>();
    for (String url : URLS_WITH_SECRETS) {
      try {
        leaks.add(url + " was accepted: " + SourceUrl.parse(url));
      } catch (BadSourceUrlException e) {
        if (e.getMessage().contains("Sx")) {
          leaks.add(url + " -> " + e.getMessage());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void unencodedCharactersInTheSecretKeyAreNamedNotPrinted() {
    assertThatThrownBy(
            () -> SourceUrl.parse("kinesis+dynamodb+cdc://AKIA:Sx1/Sx2@localhost:4566/s"))
        .hasMessageContaining("percent-encode")
        .hasMessageContaining("%2F");
  }

  @Test
  void aStreamNameOf128CharactersIsTheLongestKinesisTakes() {
    String longest = "s".repeat(128);
    assertThat(SourceUrl.parse("kinesis+dynamodb+cdc://aws/" + longest).stream())
        .isEqualTo(longest);
    assertThatThrownBy(() -> SourceUrl.parse("kinesis+dynamodb+cdc://aws/" + longest + "s"))
        .hasMessageContaining("is not valid: 1 to 128 of");
  }
}
