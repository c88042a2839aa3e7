package io.cdcrelay.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangeVersionTest {

  @Test
  void anEncoderGivesEachVersionsOwnTextInRunsOfEqualAndAfterAChange() {
    ChangeVersion.Encoder encoder = new ChangeVersion.Encoder();
    ChangeVersion a = new ChangeVersion(1720740233012995L, "0");
    ChangeVersion sameAsA = new ChangeVersion(1720740233012995L, "0");
    ChangeVersion laterTime = new ChangeVersion(1720740233012996L, "0");
    ChangeVersion otherSequence = new ChangeVersion(1720740233012996L, "17");
    for (ChangeVersion version : java.util.List.of(a, sameAsA, laterTime, otherSequence, a)) {
      assertThat(encoder.encode(version)).as("%s", version).isEqualTo(version.encode());
    }
  }

  @Test
  void encodedTextSortsLikeTheVersions() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      ChangeVersion a = randomVersion(random);
      ChangeVersion b = randomVersion(random);
      assertThat(Integer.signum(a.encode().compareTo(b.encode())))
          .as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(a.compareTo(b)));
    }
  }

  @Test
  void encodedTextIsTheCreationTimeInNineteenDigitsThenTheSequenceNumbersLengthInThreeThenIt() {
    Random random = new Random(7);
    java.util.List<ChangeVersion> versions = new java.util.ArrayList<>();
    versions.add(new ChangeVersion(0, "0"));
    versions.add(new ChangeVersion(Long.MAX_VALUE, "9".repeat(129)));
    versions.add(new ChangeVersion(1720740233012995L, "1" + "0".repeat(99)));
    for (int i = 0; i < 1_000; i++) {
      versions.add(randomVersion(random));
    }
    for (ChangeVersion version : versions) {
      assertThat(version.encode())
          .isEqualTo(
              String.format(
                  "%019d%03d%s",
                  version.createdMicros(),
                  version.sequenceNumber().length(),
                  version.sequenceNumber()));
    }
  }

  @Test
  void decodeReversesEncode() {
    ChangeVersion version =
        new ChangeVersion(
            1720740233012995L, "49656709367126341276484543186423045812698406329470730242");
    assertThat(ChangeVersion.decode(version.encode())).isEqualTo(version);
  }

  @Test
  void sequenceNumbersCompareAsIntegers() {
    assertThat(SequenceNumbers.ORDER.compare("9", "10")).isNegative();
    assertThat(SequenceNumbers.ORDER.compare("100", "99")).isPositive();
    assertThat(SequenceNumbers.ORDER.compare("123", "123")).isZero();
  }

  @Test
  void rejectsSequenceNumbersThatAreNotCanonicalDecimals() {
    assertThatThrownBy(() -> SequenceNumbers.requireValid("012"))
        .hasMessageContaining("not a Kinesis sequence number");
    assertThatThrownBy(() -> SequenceNumbers.requireValid("12a"))
        .hasMessageContaining("not a Kinesis sequence number");
    assertThatThrownBy(() -> SequenceNumbers.requireValid(""))
        .hasMessageContaining("not a Kinesis sequence number");
  }

  @Test
  void aChangeIsNewerThanAnotherExactlyWhenItsVersionIs() {
    Random random = new Random(11);
    for (int i = 0; i < 10_000; i++) {
      Change a = change(randomVersion(random));
      Change b = random.nextInt(4) == 0 ? change(a.version()) : change(randomVersion(random));
      assertThat(a.isNewerThan(b))
          .as("%s vs %s", a.version(), b.version())
          .isEqualTo(a.version().compareTo(b.version()) > 0);
    }
  }

  private static Change change(ChangeVersion version) {
    return new Change(
        Operation.INSERT,
        "t",
        java.util.Map.of("id", new AttributeValue.S("a")),
        java.util.Map.of(),
        java.util.Map.of(),
        version.createdMicros(),
        false,
        new SourceRecord("shard", version.sequenceNumber(), new byte[0], java.time.Instant.EPOCH));
  }

  private static ChangeVersion randomVersion(Random random) {
    long micros =
        random.nextInt(3) == 0 ? 1000 : Math.abs(random.nextLong() % 10_000_000_000_000_000L);
    BigInteger seq = new BigInteger(random.nextInt(190) + 1, random);
    return new ChangeVersion(micros, seq.toString());
  }

  @Test
  void aReadIsOlderThanEveryChangeFromTheSkewMarginOnAndStreamsSecondsAreWhole() {
    java.time.Instant read = java.time.Instant.parse("2026-12-01T10:00:00.123456Z");
    ChangeVersion snapshot = ChangeVersion.ofRead(read, java.time.Duration.ofSeconds(5));
    ChangeVersion change = new ChangeVersion(1_796_119_195_123_456L, "1");
    assertThat(snapshot.createdMicros()).isEqualTo(1_796_119_195_123_456L);
    assertThat(snapshot.compareTo(change)).isNegative();
    assertThat(snapshot.encode().compareTo(change.encode())).isNegative();
    ChangeVersion streams = ChangeVersion.ofDynamoDbStreams(1_796_119_200L, "300");
    assertThat(streams.createdMicros()).isEqualTo(1_796_119_200_000_000L);
    assertThat(streams.compareTo(ChangeVersion.ofDynamoDbStreams(1_796_119_200L, "1000")))
        .isNegative();
  }
}
