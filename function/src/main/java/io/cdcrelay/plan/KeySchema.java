package io.cdcrelay.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcrelay.change.AttributeValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The primary key of the target table: the DynamoDB key attributes, each stored in the {@code pk}
 * object with the type the reference tool chose (S as text, N as bigint, B as base64 text).
 */
public record KeySchema(List<KeyColumn> columns) {

  /** The DynamoDB scalar types a key attribute can have. */
  public enum KeyType {
    S,
    N,
    B
  }

  /** One key attribute. */
  public record KeyColumn(String name, KeyType type) {
    public KeyColumn {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
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
    StringWriter out = new StringWriter();
    try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
      json.writeStartObject();
      for (KeyColumn column : columns) {
        AttributeValue value = keys.get(column.name());
        if (value == null || !value.type().equals(column.type().name())) {
          throw mismatch(keys);
        }
        json.writeFieldName(column.name());
        if (value instanceof AttributeValue.S s) {
          json.writeString(s.value());
        } else if (value instanceof AttributeValue.B b) {
          json.writeString(b.base64());
        } else {
          json.writeNumber(toBigint(column.name(), ((AttributeValue.N) value).value()));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
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
