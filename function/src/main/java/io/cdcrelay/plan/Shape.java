package io.cdcrelay.plan;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * The column structure a value creates in {@code data}: scalars, objects and arrays, with what is
 * known about its numbers. A value without a shape (a list mixing types, a number a double cannot
 * hold) cannot be stored in {@code data}.
 */
sealed interface Shape {

  /** A null or an empty list: it creates no column and fits any. */
  record Unknown() implements Shape {
    static final Unknown INSTANCE = new Unknown();
  }

  /**
   * A scalar column.
   *
   * @param integral for numbers: every value is a whole number within the BIGINT range
   * @param floatExact for numbers: every value survives a round trip through REAL
   */
  record Scalar(ColumnType.Base base, boolean integral, boolean floatExact) implements Shape {
    static final Scalar TEXT = new Scalar(ColumnType.Base.TEXT, false, false);
    static final Scalar BOOLEAN = new Scalar(ColumnType.Base.BOOLEAN, false, false);

    // Every number's shape is one of these four: none is made per number.
    private static final Scalar[] NUMBERS = {
      new Scalar(ColumnType.Base.DOUBLE, false, false),
      new Scalar(ColumnType.Base.DOUBLE, false, true),
      new Scalar(ColumnType.Base.DOUBLE, true, false),
      new Scalar(ColumnType.Base.DOUBLE, true, true)
    };

    /** A number's shape. */
    static Scalar number(boolean integral, boolean floatExact) {
      return NUMBERS[(integral ? 2 : 0) + (floatExact ? 1 : 0)];
    }
  }

  /** An object column and its sub-columns. */
  record Obj(Map<String, Shape> fields) implements Shape {}

  /** An array column. */
  record Arr(Shape element) implements Shape {}

  /** How many columns the shape makes: itself and, for an object, those of its fields. */
  static int columns(Shape shape) {
    if (shape instanceof Obj obj) {
      int count = 1;
      for (Shape field : obj.fields().values()) {
        count += columns(field);
      }
      return count;
    }
    return shape instanceof Arr arr ? columns(arr.element()) : 1;
  }

  /**
   * The shape of {@code value}, or {@code null} when {@code data} cannot hold it faithfully.
   *
   * @param maxTextBytes the longest text, in UTF-8 bytes, that {@code data} can index
   */
  static Shape of(AttributeValue value, int maxTextBytes) {
    if (value instanceof AttributeValue.S s) {
      return text(s.value(), maxTextBytes);
    } else if (value instanceof AttributeValue.B b) {
      return text(b.base64(), maxTextBytes);
    } else if (value instanceof AttributeValue.N n) {
      return number(n.value());
    } else if (value instanceof AttributeValue.Bool) {
      return Scalar.BOOLEAN;
    } else if (value instanceof AttributeValue.Null) {
      return Unknown.INSTANCE;
    } else if (value instanceof AttributeValue.M m) {
      Map<String, Shape> fields = new LinkedHashMap<>();
      for (Map.Entry<String, AttributeValue> e : m.value().entrySet()) {
        Shape field = of(e.getValue(), maxTextBytes);
        if (field == null) {
          return null;
        }
        fields.put(e.getKey(), field);
      }
      return new Obj(fields);
    } else if (value instanceof AttributeValue.L l) {
      Shape element = Unknown.INSTANCE;
      for (AttributeValue item : l.value()) {
        Shape next = of(item, maxTextBytes);
        element = next == null ? null : unify(element, next);
        if (element == null) {
          return null;
        }
      }
      return new Arr(element);
    } else if (value instanceof AttributeValue.SS ss) {
      return texts(ss.value(), maxTextBytes);
    } else if (value instanceof AttributeValue.BS bs) {
      return texts(bs.value(), maxTextBytes);
    } else if (value instanceof AttributeValue.NS ns) {
      return numbers(ns.value());
    }
    throw new IllegalArgumentException("unknown attribute value " + value);
  }

  /**
   * Whether {@code value} has exactly {@code shape}: {@code true} only where {@code of(value,
   * maxTextBytes)} equals it, found without making that shape (no allocation). It may answer {@code
   * false} where they are equal too — a list whose elements differ in shape though their common one
   * is {@code shape} (whole numbers beside fractions) — and then its caller makes the shape itself:
   * planning asks this first of the shapes already found to fit the table.
   */
  static boolean conforms(AttributeValue value, Shape shape, int maxTextBytes) {
    if (value instanceof AttributeValue.S s) {
      return Scalar.TEXT.equals(shape) && text(s.value(), maxTextBytes) != null;
    } else if (value instanceof AttributeValue.B b) {
      return Scalar.TEXT.equals(shape) && text(b.base64(), maxTextBytes) != null;
    } else if (value instanceof AttributeValue.N n) {
      return shape instanceof Scalar && shape.equals(number(n.value()));
    } else if (value instanceof AttributeValue.Bool) {
      return Scalar.BOOLEAN.equals(shape);
    } else if (value instanceof AttributeValue.Null) {
      return shape instanceof Unknown;
    } else if (value instanceof AttributeValue.M m) {
      if (!(shape instanceof Obj obj) || obj.fields().size() != m.value().size()) {
        return false;
      }
      for (Map.Entry<String, AttributeValue> e : m.value().entrySet()) {
        Shape field = obj.fields().get(e.getKey());
        if (field == null || !conforms(e.getValue(), field, maxTextBytes)) {
          return false;
        }
      }
      return true;
    } else if (value instanceof AttributeValue.L l) {
      return eachConforms(l.value(), shape, (e, element) -> conforms(e, element, maxTextBytes));
    } else if (value instanceof AttributeValue.SS ss) {
      return texts(ss.value(), shape, maxTextBytes);
    } else if (value instanceof AttributeValue.BS bs) {
      return texts(bs.value(), shape, maxTextBytes);
    } else if (value instanceof AttributeValue.NS ns) {
      return eachConforms(ns.value(), shape, (n, element) -> element.equals(number(n)));
    }
    return false;
  }

  /**
   * Whether the shape is an array whose element shape each value has: values of the element shape
   * each unify to it, and none (or nulls only) make {@link Unknown}.
   */
  private static <T> boolean eachConforms(
      List<T> values, Shape shape, BiPredicate<T, Shape> conforms) {
    if (!(shape instanceof Arr arr)) {
      return false;
    }
    if (values.isEmpty()) {
      return arr.element() instanceof Unknown;
    }
    for (T value : values) {
      if (!conforms.test(value, arr.element())) {
        return false;
      }
    }
    return true;
  }

  private static boolean texts(List<String> values, Shape shape, int maxTextBytes) {
    if (!(shape instanceof Arr arr) || !Scalar.TEXT.equals(arr.element())) {
      return false;
    }
    for (String value : values) {
      if (text(value, maxTextBytes) == null) {
        return false;
      }
    }
    return true;
  }

  private static Shape text(String value, int maxTextBytes) {
    // Cheap bound first: a UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if ((long) value.length() * 3 <= maxTextBytes
        || value.getBytes(StandardCharsets.UTF_8).length <= maxTextBytes) {
      return Scalar.TEXT;
    }
    return null;
  }

  private static Shape texts(List<String> values, int maxTextBytes) {
    for (String value : values) {
      if (text(value, maxTextBytes) == null) {
        return null;
      }
    }
    return new Arr(Scalar.TEXT);
  }

  private static Shape numbers(List<BigDecimal> values) {
    Shape element = Unknown.INSTANCE;
    for (BigDecimal n : values) {
      Shape next = number(n);
      if (next == null) {
        return null;
      }
      element = unify(element, next);
    }
    return new Arr(element);
  }

  /**
   * The shape of a number: {@code null} unless a DOUBLE holds it exactly (its shortest decimal is
   * the number), with whether it is a whole BIGINT and whether a REAL holds it exactly too. Most
   * numbers are decided by their digit count alone — any decimal of at most 15 significant digits
   * (6 for REAL) between 10^-19 and 10^15 (10^7 for REAL) survives the round trip — and only the
   * others by the round trip itself, which costs several times more. Both ways agree (ShapeTest
   * checks 100,000 numbers).
   */
  static Shape number(BigDecimal value) {
    int precision = value.precision();
    // The decimal exponent of the leading digit: 12.5 → 1, 0.05 → -2.
    int exponent = precision - value.scale() - 1;
    // Java 17's Double.toString and Float.toString write more digits than needed for some large
    // and small numbers (2E+23 as 2.0000000000000002E23, 685681000 as 6.8568102E8), and the data
    // column is decided as Java writes the number: the shortcuts keep to ranges where it does not.
    boolean doubleExact = precision <= 15 && exponent > -20 && exponent < 15;
    if (!doubleExact && !survivesDouble(value)) {
      return null;
    }
    boolean integral;
    // With no fraction, precision - scale is the count of integer digits: 18 fit in a BIGINT.
    if (value.scale() <= 0 && precision - value.scale() <= 18) {
      integral = true;
    } else if (doubleExact) {
      // A fraction of at most 15 digits below 10^15 is further from a whole number than the
      // double's rounding reaches (10^(exponent-14) against 10^(exponent-15)), and a whole number
      // there is exact: the double is whole when the number is.
      double d = value.doubleValue();
      integral = d == Math.rint(d);
    } else {
      integral = value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
      if (integral) {
        try {
          value.toBigInteger().longValueExact();
        } catch (ArithmeticException e) {
          integral = false;
        }
      }
    }
    boolean floatExact = (precision <= 6 && exponent > -20 && exponent < 7) || survivesFloat(value);
    return Scalar.number(integral, floatExact);
  }

  /** The round trip through a double gives the same number (the slow test). */
  static boolean survivesDouble(BigDecimal value) {
    double d = value.doubleValue();
    return !Double.isInfinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0;
  }

  /** The round trip through a float gives the same number (the slow test). */
  static boolean survivesFloat(BigDecimal value) {
    float f = (float) value.doubleValue();
    return !Float.isInfinite(f) && new BigDecimal(Float.toString(f)).compareTo(value) == 0;
  }

  /** The common shape of two list elements, or {@code null} when they differ in type. */
  static Shape unify(Shape a, Shape b) {
    if (a instanceof Unknown) {
      return b;
    }
    if (b instanceof Unknown) {
      return a;
    }
    if (a instanceof Scalar x && b instanceof Scalar y) {
      if (x.base() != y.base()) {
        return null;
      }
      return x.base() == ColumnType.Base.DOUBLE
          ? Scalar.number(x.integral() && y.integral(), x.floatExact() && y.floatExact())
          : x;
    }
    if (a instanceof Arr x && b instanceof Arr y) {
      Shape element = unify(x.element(), y.element());
      return element == null ? null : new Arr(element);
    }
    if (a instanceof Obj x && b instanceof Obj y) {
      Map<String, Shape> fields = new LinkedHashMap<>(x.fields());
      for (Map.Entry<String, Shape> e : y.fields().entrySet()) {
        Shape mine = fields.get(e.getKey());
        Shape merged = mine == null ? e.getValue() : unify(mine, e.getValue());
        if (merged == null) {
          return null;
        }
        fields.put(e.getKey(), merged);
      }
      return new Obj(fields);
    }
    return null;
  }
}
