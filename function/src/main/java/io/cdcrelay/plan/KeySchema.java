package io.cdcrelay.plan;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The primary key of the target table: the DynamoDB key attributes, each stored in the {@code pk}
 * object — S as text, B as base64 text, N as its {@link NumberKey storage} says.
 */
public record KeySchema(List<KeyColumn> columns) {

  /** The DynamoDB scalar types a key attribute can have. */
  public enum KeyType {
    S,
    N,
    B
  }

  /**
   * How a number key is stored. A DynamoDB number has up to 38 significant digits at any exponent
   * from -130 to +125: no fixed-scale NUMERIC(p, s) holds them all (CrateDB 6.4 takes NUMERIC keys
   * only with precision at most 38 and a fixed scale), so a number key is exact only as a JSON
   * number or as text. Either way in canonical form: {@code 1.5} and {@code 1.50} are one key.
   */
  public enum NumberKey {
    /** An exact JSON number (PostgreSQL's {@code jsonb} key). */
    NUMBER,
    /** The canonical decimal text (CrateDB tables this relay creates). */
    TEXT,
    /** A 64-bit integer (CrateDB tables of the reference tool); other numbers do not fit. */
    BIGINT
  }

  /** One key attribute; {@code numbers} matters only for an N key. */
  public record KeyColumn(String name, KeyType type, NumberKey numbers) {
    public KeyColumn {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(numbers, "numbers");
    }

    /** A key attribute stored as this relay stores it by default (N as an exact JSON number). */
    public KeyColumn(String name, KeyType type) {
      this(name, type, NumberKey.NUMBER);
    }

    /** As a log line names it: {@code device (S)}, {@code id (N as TEXT)}. */
    @Override
    public String toString() {
      return name + " (" + type + (type == KeyType.N ? " as " + numbers : "") + ")";
    }
  }

  public KeySchema {
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a key schema needs at least one key attribute");
    }
  }

  /** The key schema of a change's {@code Keys}, sorted by name for a stable column order. */
  public static KeySchema fromKeys(Map<String, AttributeValue> keys) {
    List<KeyColumn> columns = new ArrayList<>();
    for (Map.Entry<String, AttributeValue> key : keys.entrySet()) {
      KeyType type =
          switch (key.getValue().type()) {
            case "S" -> KeyType.S;
            case "N" -> KeyType.N;
            case "B" -> KeyType.B;
            default ->
                throw new IllegalArgumentException(
                    "key attribute \""
                        + key.getKey()
                        + "\" has type "
                        + key.getValue().type()
                        + "; DynamoDB keys are S, N or B");
          };
      columns.add(new KeyColumn(key.getKey(), type));
    }
    columns.sort(java.util.Comparator.comparing(KeyColumn::name));
    return new KeySchema(columns);
  }

  /** Whether {@code name} is one of the key attributes. */
  public boolean contains(String name) {
    for (KeyColumn column : columns) {
      if (column.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code pk} object of an item as JSON, its attributes in schema order; throws when the keys
   * do not match this schema.
   */
  public String toJson(Map<String, AttributeValue> keys) {
    if (keys.size() != columns.size()) {
      throw mismatch(keys);
    }
    return Json.text(
        out -> {
          out.append('{');
          for (int i = 0; i < columns.size(); i++) {
            KeyColumn column = columns.get(i);
            AttributeValue value = keys.get(column.name());
            if (value == null || !value.type().equals(column.type().name())) {
              throw mismatch(keys);
            }
            if (i > 0) {
              out.append(',');
            }
            Json.string(out, column.name());
            out.append(':');
            if (value instanceof AttributeValue.S s) {
              Json.string(out, s.value());
            } else if (value instanceof AttributeValue.B b) {
              Json.string(out, b.base64());
            } else {
              BigDecimal number = ((AttributeValue.N) value).value();
              switch (column.numbers()) {
                case BIGINT -> out.append(toBigint(column.name(), number));
                case NUMBER -> out.append(canonical(number));
                case TEXT -> Json.string(out, canonical(number));
              }
            }
          }
          out.append('}');
        });
  }

  /** The number's one decimal text: no exponent, no trailing zeros ({@code 1.50} → {@code 1.5}). */
  public static String canonical(BigDecimal number) {
    return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
  }

  private static long toBigint(String name, BigDecimal value) {
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "key attribute \"" + name + "\" = " + value + " does not fit the BIGINT key column");
    }
  }

  private IllegalArgumentException mismatch(Map<String, AttributeValue> keys) {
    StringBuilder given = new StringBuilder();
    keys.forEach(
        (name, value) ->
            given
                .append(given.length() == 0 ? "" : ", ")
                .append(name)
                .append(':')
                .append(value.type()));
    StringBuilder expected = new StringBuilder();
    for (KeyColumn column : columns) {
      expected
          .append(expected.length() == 0 ? "" : ", ")
          .append(column.name())
          .append(':')
          .append(column.type());
    }
    return new IllegalArgumentException(
        "keys {" + given + "} do not match the table's primary key {" + expected + "}");
  }
}
