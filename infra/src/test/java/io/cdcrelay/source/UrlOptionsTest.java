package io.cdcrelay.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlOptionsTest {

  @Test
  void aWholeNumberIsReadTrimmedWithinItsBounds() {
    assertThat(UrlOptions.integer(Map.of("n", " 7 "), "n", 1, 10)).isEqualTo(7);
    assertThat(UrlOptions.integer(Map.of("n", "1"), "n", 1, 10)).isEqualTo(1);
    assertThat(UrlOptions.integer(Map.of("n", "10"), "n", 1, 10)).isEqualTo(10);
  }

  @Test
  void aWholeNumberOutsideItsBoundsOrNotANumberNamesTheOptionTheValueAndTheRange() {
    assertThatThrownBy(() -> UrlOptions.integer(Map.of("parallel", "0"), "parallel", 1, 64))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("option parallel=0 is out of range: 1 to 64");
    assertThatThrownBy(() -> UrlOptions.integer(Map.of("parallel", "65"), "parallel", 1, 64))
        .hasMessage("option parallel=65 is out of range: 1 to 64");
    assertThatThrownBy(() -> UrlOptions.integer(Map.of("parallel", "2.5"), "parallel", 1, 64))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("option parallel=2.5 is not a whole number (1 to 64)");
    // Beyond an int: a whole number still, out of range.
    assertThatThrownBy(
            () -> UrlOptions.integer(Map.of("segments", "99999999999"), "segments", 1, 256))
        .hasMessage("option segments=99999999999 is out of range: 1 to 256");
  }

  @Test
  void secondsMayHaveFractionsAndAreReadToTheNanosecond() {
    assertThat(UrlOptions.seconds(Map.of("t", "0.25"), "t", 0, 300))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(UrlOptions.seconds(Map.of("t", " 300 "), "t", 0, 300))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(UrlOptions.seconds(Map.of("t", "0.000000001"), "t", 0, 300))
        .isEqualTo(Duration.ofNanos(1));
  }

  @Test
  void secondsOutsideTheirBoundsOrNotANumberNameTheOptionTheValueAndTheRange() {
    assertThatThrownBy(() -> UrlOptions.seconds(Map.of("idle-sleep", "-1"), "idle-sleep", 0, 3600))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("option idle-sleep=-1 is out of range: 0 to 3600 seconds");
    assertThatThrownBy(
            () -> UrlOptions.seconds(Map.of("buffer-time", "300.5"), "buffer-time", 0, 300))
        .hasMessage("option buffer-time=300.5 is out of range: 0 to 300 seconds");
    assertThatThrownBy(
            () -> UrlOptions.seconds(Map.of("buffer-time", "soon"), "buffer-time", 0, 300))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage("option buffer-time=soon is not a number of seconds (0 to 300)");
  }

  @Test
  void aBooleanHasTheReferenceToolsSixSpellingsEachWayInAnyCase() {
    // cratedb_toolkit.util.data.asbool: true, yes, on, y, t, 1 and false, no, off, n, f, 0.
    for (String yes : new String[] {"true", "1", "yes", "on", " TRUE ", "On", "y", "T"}) {
      assertThat(UrlOptions.bool(Map.of("once", yes), "once")).as(yes).isTrue();
    }
    for (String no : new String[] {"false", "0", "no", "off", "False", " OFF", "n", "F"}) {
      assertThat(UrlOptions.bool(Map.of("once", no), "once")).as(no).isFalse();
    }
  }

  @Test
  void anyOtherBooleanNamesTheOptionAndTheValueAsGiven() {
    assertThatThrownBy(() -> UrlOptions.bool(Map.of("create", " Maybe"), "create"))
        .isInstanceOf(BadSourceUrlException.class)
        .hasMessage(
            "option create= Maybe is not one of true, false (or 1, yes, on, y, t; 0, no, off, n,"
                + " f)");
  }
}
