package io.cdcrelay.change;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A DynamoDB attribute value with its type, as carried by a change record. */
public sealed interface AttributeValue {

  /** The DynamoDB type descriptor of this value: S, N, B, BOOL, NULL, M, L, SS, NS or BS. */
  String type();

  /** A string. */
  record S(String value) implements AttributeValue {
    public S {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String type() {
      return "S";
    }
  }

  /** A number, kept exactly as DynamoDB holds it (up to 38 significant digits). */
  record N(BigDecimal value) implements AttributeValue {
    public N {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String type() {
      return "N";
    }
  }

  /** Binary data, in its base64 form as DynamoDB serialises it. */
  record B(String base64) implements AttributeValue {
    public B {
      Objects.requireNonNull(base64, "base64");
    }

    @Override
    public String type() {
      return "B";
    }
  }

  /** A boolean. */
  record Bool(boolean value) implements AttributeValue {
    @Override
    public String type() {
      return "BOOL";
    }
  }

  /** The null value. */
  record Null() implements AttributeValue {
    public static final Null INSTANCE = new Null();

    @Override
    public String type() {
      return "NULL";
    }
  }

  /** A map of attribute values, in the order the record gave them. */
  record M(Map<String, AttributeValue> value) implements AttributeValue {
    public M {
      value = AttributeMap.of(value);
    }

    @Override
    public String type() {
      return "M";
    }
  }

  /** A list of attribute values. */
  record L(List<AttributeValue> value) implements AttributeValue {
    public L {
      value = List.copyOf(value);
    }

    @Override
    public String type() {
      return "L";
    }
  }

  /** A string set. */
  record SS(List<String> value) implements AttributeValue {
    public SS {
      value = List.copyOf(value);
    }

    @Override
    public String type() {
      return "SS";
    }
  }

  /** A number set. */
  record NS(List<BigDecimal> value) implements AttributeValue {
    public NS {
      value = List.copyOf(value);
    }

    @Override
    public String type() {
      return "NS";
    }
  }

  /** A binary set, each element in base64. */
  record BS(List<String> value) implements AttributeValue {
    public BS {
      value = List.copyOf(value);
    }

    @Override
    public String type() {
      return "BS";
    }
  }
}
