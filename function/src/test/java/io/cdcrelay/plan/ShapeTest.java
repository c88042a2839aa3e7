package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** A random value of every kind, small enough that two often share a shape. */
  private static AttributeValue randomValue(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 2 ? 6 : 11);
    return switch (kind) {
      case 0 -> new AttributeValue.S(random.nextInt(8) == 0 ? "x".repeat(40) : "s");
      case 1 -> new AttributeValue.N(randomNumber(random));
      case 2 -> new AttributeValue.Bool(random.nextBoolean());
      case 3 -> AttributeValue.Null.INSTANCE;
      case 4 -> new AttributeValue.B("AAEC");
      case 5 -> new AttributeValue.SS(List.of("a", random.nextInt(8) == 0 ? "y".repeat(40) : "b"));
      case 6 -> {
        List<BigDecimal> numbers = new ArrayList<>();
        for (int i = random.nextInt(3); i >= 0; i--) {
          numbers.add(randomNumber(random));
        }
        yield new AttributeValue.NS(numbers);
      }
      case 7 -> new AttributeValue.BS(List.of("AAEC"));
      case 8, 9 -> {
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          fields.put(
              String.valueOf((char) ('a' + random.nextInt(3))), randomValue(random, depth + 1));
        }
        yield new AttributeValue.M(fields);
      }
      default -> {
        List<AttributeValue> elements = new ArrayList<>();
        AttributeValue template = randomValue(random, depth + 1);
        for (int i = random.nextInt(3); i > 0; i--) {
          elements.add(random.nextInt(4) == 0 ? randomValue(random, depth + 1) : template);
        }
        yield new AttributeValue.L(elements);
      }
    };
  }

  private static BigDecimal randomNumber(SplittableRandom random) {
    return switch (random.nextInt(5)) {
      case 0 -> BigDecimal.valueOf(random.nextInt(3));
      case 1 -> new BigDecimal("0.5");
      case 2 -> new BigDecimal("0.1");
      case 3 -> new BigDecimal("1E+400");
      default -> new BigDecimal("12345678901234567890");
    };
  }

  @Test
  void aValueConformsToAShapeOnlyWhenItsOwnShapeIsThatShape() {
    SplittableRandom random = new SplittableRandom(20_261_207);
    int maxTextBytes = 32;
    List<Shape> shapes = new ArrayList<>();
    int conformed = 0;
    for (int i = 0; i < 20_000; i++) {
      AttributeValue value = randomValue(random, 0);
      Shape own = Shape.of(value, maxTextBytes);
      if (own != null) {
        shapes.add(own);
      }
      Shape other = shapes.get(random.nextInt(shapes.size()));
      for (Shape shape : own == null ? List.of(other) : List.of(own, other)) {
        boolean conforms = Shape.conforms(value, shape, maxTextBytes);
        if (conforms) {
          conformed++;
          assertThat(own).as("%s conforms to %s", value, shape).isEqualTo(shape);
        }
      }
      if (own != null && !sameShapedElements(value, maxTextBytes)) {
        continue;
      }
      if (own != null) {
        assertThat(Shape.conforms(value, own, maxTextBytes))
            .as("%s to its own shape", value)
            .isTrue();
      }
    }
    assertThat(conformed).as("values that conformed").isGreaterThan(10_000);
  }

  /** Whether every list in the value has elements of one shape: only then must it conform. */
  private static boolean sameShapedElements(AttributeValue value, int maxTextBytes) {
    if (value instanceof AttributeValue.M m) {
      return m.value().values().stream().allMatch(v -> sameShapedElements(v, maxTextBytes));
    }
    if (value instanceof AttributeValue.L l) {
      return l.value().stream().map(v -> Shape.of(v, maxTextBytes)).distinct().count() <= 1
          && l.value().stream().allMatch(v -> sameShapedElements(v, maxTextBytes));
    }
    if (value instanceof AttributeValue.NS ns) {
      return ns.value().stream().map(Shape::number).distinct().count() <= 1;
    }
    return true;
  }
}
