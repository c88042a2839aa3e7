package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeTest {

  /** What a number's shape was before digit counting: every test by the round trip. */
  private static Shape byRoundTrip(BigDecimal value) {
    if (!Shape.survivesDouble(value)) {
      return null;
    }
    boolean integral = value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    if (integral) {
      try {
        value.toBigInteger().longValueExact();
      } catch (ArithmeticException e) {
        integral = false;
      }
    }
    return new Shape.Scalar(ColumnType.Base.DOUBLE, integral, Shape.survivesFloat(value));
  }

  @Test
  void aShapeCountsItsColumnsThoseInsideArraysToo() {
    Shape inner =
        new Shape.Obj(Map.of("c", Shape.Scalar.TEXT, "d", new Shape.Arr(Shape.Scalar.TEXT)));
    Shape outer = new Shape.Obj(Map.of("a", Shape.Scalar.BOOLEAN, "b", new Shape.Arr(inner)));
    assertThat(Shape.columns(outer)).isEqualTo(5);
    assertThat(Shape.columns(Shape.Unknown.INSTANCE)).isEqualTo(1);
  }

  @Test
  void countingDigitsDecidesAsTheRoundTripDoes() {
    SplittableRandom random = new SplittableRandom(20_260_212);
    for (int i = 0; i < 100_000; i++) {
      int digits = 1 + random.nextInt(22);
      StringBuilder unscaled = new StringBuilder(random.nextBoolean() ? "-" : "");
      for (int d = 0; d < digits; d++) {
        unscaled.append((char) ('0' + random.nextInt(10)));
      }
      // Mostly the scales data has (money, counters, measurements), some far out.
      int scale = random.nextInt(10) < 8 ? random.nextInt(-3, 9) : random.nextInt(-330, 330);
      BigDecimal value = new BigDecimal(new BigInteger(unscaled.toString()), scale);
      assertThat(Shape.number(value)).as("%s", value.toString()).isEqualTo(byRoundTrip(value));
    }
  }

  @Test
  void theEdgesOfTheShortcuts() {
    for (String text :
        new String[] {
          "0",
          "0.000",
          "-0",
          "42",
          "4.0",
          "1E+2",
          "123456789012345",
          "1234567890123456",
          "999999999999999999",
          "9223372036854775807",
          "9223372036854775808",
          "1E+18",
          "1E+19",
          "12345.67",
          "0.1",
          "123456",
          "1234567",
          "16777216",
          "16777217",
          "1E-300",
          "1E-320",
          "1E+308",
          "1E+309",
          "3.4E+38",
          "3.5E+38",
          "1E-38",
          "1E-45",
          "1E-46",
          "2E+23"
        }) {
      BigDecimal value = new BigDecimal(text);
      assertThat(Shape.number(value)).as(text).isEqualTo(byRoundTrip(value));
    }
  }
}
