package io.cdcrelay.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cdcrelay.change.AttributeMap;
import io.cdcrelay.change.AttributeValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DynamoDB JSON wire format of attribute values ({@code {"N": "42"}}, {@code {"SS": [...]}}):
 * reading it into {@link AttributeValue}s and writing them back.
 *
 * <p>Reading also accepts what people and other tools write, as the reference tool (boto3's {@code
 * TypeDeserializer}) does: numbers of {@code N} and {@code NS} as JSON numbers ({@code {"N": 1}}),
 * kept exact, and {@code {"S": null}}, read as {@code NULL}.
 */
public final class DynamoDbJson {

  /**
   * DynamoDB's limits rather than Jackson's defaults: an attribute name may have up to 65,535 bytes
   * (Jackson stops at 50,000 characters); an item is at most 400 KB, within Jackson's limits on
   * strings and nesting.
   */
  private static final StreamReadConstraints ITEM_LIMITS =
      StreamReadConstraints.builder().maxNameLength(1 << 20).build();

  /** A factory of parsers that read any DynamoDB item: every reader of items uses it. */
  public static JsonFactory factory() {
    return JsonFactory.builder().streamReadConstraints(ITEM_LIMITS).build();
  }

  /** A plain mapper whose parsers read any DynamoDB item ({@link #factory}). */
  public static ObjectMapper plainMapper() {
    return new ObjectMapper(factory());
  }

  // Every JSON number keeps its exact decimal text: no double in between, no trailing zero cut.
  private static final ObjectMapper EXACT =
      JsonMapper.builder(factory())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private DynamoDbJson() {}

  /** Parses a JSON document so that every number in it keeps its exact digits. */
  public static JsonNode parse(byte[] json) throws IOException {
    return EXACT.readTree(json);
  }

  /**
   * A parser of a JSON document that keeps every number's exact digits, as {@link #parse} does, and
   * reads subtrees ({@link JsonParser#readValueAsTree}) the same way.
   */
  public static JsonParser parser(byte[] json) throws IOException {
    return EXACT.createParser(json);
  }

  /**
   * Reads an item as {@link #readItem(JsonNode, String)} reads a node, from the parser at the
   * item's first token ({@code null} is an empty item), without building a tree: the parser is left
   * at the item's last token. Where the item is not one, the {@link IllegalArgumentException}
   * leaves the parser inside it; {@link #skipToLevel} moves on past it.
   */
  public static Map<String, AttributeValue> readItem(JsonParser p, String path) throws IOException {
    return readItem(p, new Where(null, path, -1));
  }

  /**
   * Moves the parser on until it is back in {@code level}, the context it was in when it read the
   * name of a field whose value could not be read: then it is at that value's last token.
   */
  public static void skipToLevel(JsonParser p, JsonStreamContext level) throws IOException {
    while (p.getParsingContext() != level) {
      p.nextToken();
    }
  }

  private static Map<String, AttributeValue> readItem(JsonParser p, Where path) throws IOException {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return item;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(path + " is not an object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      item.put(name, readValue(p, path.field(name)));
    }
    return item;
  }

  private static IllegalArgumentException notAttributeValue(Where path) {
    return new IllegalArgumentException(
        path + " is not a DynamoDB attribute value (an object with one type key)");
  }

  /**
   * One typed value, from its first token to its last. As for a node, an object of two different
   * keys is not a value, whatever the first holds: a value that cannot be read is reported only
   * once the object is known to hold no other key.
   */
  private static AttributeValue readValue(JsonParser p, Where path) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw notAttributeValue(path);
    }
    JsonStreamContext object = p.getParsingContext();
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      throw notAttributeValue(path);
    }
    String type = p.currentName();
    AttributeValue value;
    try {
      do {
        if (!type.equals(p.currentName())) {
          throw notAttributeValue(path);
        }
        // A repeated type key: the last one counts, as in a tree.
        p.nextToken();
        value = readTyped(p, type, path);
      } while (p.nextToken() == JsonToken.FIELD_NAME);
    } catch (IllegalArgumentException e) {
      boolean otherKey = false;
      while (p.getParsingContext() != object.getParent()) {
        if (p.nextToken() == JsonToken.FIELD_NAME
            && p.getParsingContext() == object
            && !type.equals(p.currentName())) {
          otherKey = true;
        }
      }
      throw otherKey ? notAttributeValue(path) : e;
    }
    return value;
  }

  private static AttributeValue readTyped(JsonParser p, String type, Where path)
      throws IOException {
    return switch (type) {
      case "S" ->
          p.currentToken() == JsonToken.VALUE_NULL
              ? AttributeValue.Null.INSTANCE
              : new AttributeValue.S(text(p, path));
      case "N" -> new AttributeValue.N(number(p, path));
      case "B" -> new AttributeValue.B(base64(text(p, path), path));
      case "BOOL" -> {
        JsonToken token = p.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw new IllegalArgumentException(path + ".BOOL is not a boolean");
        }
        yield new AttributeValue.Bool(token == JsonToken.VALUE_TRUE);
      }
      case "NULL" -> {
        p.skipChildren();
        yield AttributeValue.Null.INSTANCE;
      }
      case "M" -> new AttributeValue.M(AttributeMap.adopt(readItem(p, path)));
      case "L" -> {
        array(p, path, type);
        List<AttributeValue> list = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(readValue(p, path.element(i++)));
        }
        yield new AttributeValue.L(list);
      }
      case "SS" -> new AttributeValue.SS(elements(p, path, type, e -> text(e, path)));
      case "NS" -> new AttributeValue.NS(elements(p, path, type, e -> number(e, path)));
      case "BS" -> new AttributeValue.BS(elements(p, path, type, e -> base64(text(e, path), path)));
      default -> throw unknownType(path, type);
    };
  }

  /** Reads one element of an array, the parser at its first token. */
  @FunctionalInterface
  private interface Element<T> {
    T read(JsonParser p) throws IOException;
  }

  /** The elements of the set the parser is at (its first token), to its last token. */
  private static <T> List<T> elements(JsonParser p, Where path, String type, Element<T> element)
      throws IOException {
    array(p, path, type);
    List<T> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      list.add(element.read(p));
    }
    return list;
  }

  private static void array(JsonParser p, Where path, String type) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException(path + "." + type + " is not an array");
    }
  }

  private static String text(JsonParser p, Where path) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(
          path + " holds " + nodeType(p.currentToken()) + ", not a string");
    }
    return p.getText();
  }

  private static BigDecimal number(JsonParser p, Where path) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      try {
        return inDynamoDbRange(p.getDecimalValue(), path);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(path + " is not a number: " + p.getText());
      }
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(
          path + " holds " + nodeType(token) + ", not a number or a string");
    }
    String text = p.getText();
    BigDecimal number;
    try {
      number = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + " is not a number: \"" + text + "\"");
    }
    return inDynamoDbRange(number, path);
  }

  /**
   * The number if DynamoDB can hold it: at most 38 significant digits, and 0 or a magnitude from
   * 1E-130 to below 1E+126. Anything else came from no table, and planning it would be costly or
   * worse ({@code 1E+2147483647} as a key's plain text fails, {@code 1E+999999999} exhausts
   * memory).
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number">Number</a>
   */
  private static BigDecimal inDynamoDbRange(BigDecimal number, Where path) {
    if (number.signum() == 0) {
      return number;
    }
    BigDecimal significant = number.precision() <= 38 ? number : number.stripTrailingZeros();
    long adjustedExponent = (long) significant.precision() - significant.scale() - 1;
    if (significant.precision() > 38 || adjustedExponent < -130 || adjustedExponent > 125) {
      throw new IllegalArgumentException(
          path
              + " is not a number DynamoDB holds (38 significant digits at most, magnitude 1E-130"
              + " to below 1E+126): "
              // As the number reads, whichever JSON form held it: both readers say the same.
              + shortened(number.toString()));
    }
    return number;
  }

  private static String shortened(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "…" : text;
  }

  /** The name a tree gives the node a value starting with {@code token} becomes. */
  private static String nodeType(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "OBJECT";
      case START_ARRAY -> "ARRAY";
      case VALUE_STRING -> "STRING";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
      case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
      case VALUE_NULL -> "NULL";
      default -> String.valueOf(token);
    };
  }

  private static IllegalArgumentException unknownType(Where path, String type) {
    return new IllegalArgumentException(
        path
            + " has unknown DynamoDB type \""
            + type
            + "\" (S, N, B, BOOL, NULL, M, L, SS,"
            + " NS, BS)");
  }

  /** Reads an item (attribute name to typed value); a missing node is an empty item. */
  public static Map<String, AttributeValue> readItem(JsonNode node, String path) {
    return readItem(node, new Where(null, path, -1));
  }

  /** Reads one typed value such as {@code {"S": "text"}}. */
  public static AttributeValue readValue(JsonNode node, String path) {
    return readValue(node, new Where(null, path, -1));
  }

  /**
   * Where a value is, as a path such as {@code NewImage.lines[2].sku}: written out only for an
   * error message, not for every value read.
   */
  private record Where(Where parent, String name, int index) {
    Where field(String field) {
      return new Where(this, field, -1);
    }

    Where element(int i) {
      return new Where(this, null, i);
    }

    @Override
    public String toString() {
      String prefix = parent == null ? "" : parent.toString();
      if (name == null) {
        return prefix + "[" + index + "]";
      }
      return parent == null ? name : prefix + "." + name;
    }
  }

  private static Map<String, AttributeValue> readItem(JsonNode node, Where path) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return item;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(path + " is not an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      item.put(field.getKey(), readValue(field.getValue(), path.field(field.getKey())));
    }
    return item;
  }

  private static AttributeValue readValue(JsonNode node, Where path) {
    if (node == null || !node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException(
          path + " is not a DynamoDB attribute value (an object with one type key)");
    }
    Map.Entry<String, JsonNode> typed = node.fields().next();
    String type = typed.getKey();
    JsonNode value = typed.getValue();
    return switch (type) {
      // boto3's TypeDeserializer, the reference tool's, reads {"S": null} as None, like NULL.
      case "S" ->
          value.isNull() ? AttributeValue.Null.INSTANCE : new AttributeValue.S(text(value, path));
      case "N" -> new AttributeValue.N(number(value, path));
      case "B" -> new AttributeValue.B(base64(text(value, path), path));
      case "BOOL" -> {
        if (!value.isBoolean()) {
          throw new IllegalArgumentException(path + ".BOOL is not a boolean");
        }
        yield new AttributeValue.Bool(value.booleanValue());
      }
      case "NULL" -> AttributeValue.Null.INSTANCE;
      case "M" -> new AttributeValue.M(AttributeMap.adopt(readItem(value, path)));
      case "L" -> {
        List<AttributeValue> list = new ArrayList<>(value.size());
        int i = 0;
        for (JsonNode element : array(value, path, type)) {
          list.add(readValue(element, path.element(i++)));
        }
        yield new AttributeValue.L(list);
      }
      case "SS" -> {
        List<String> set = new ArrayList<>();
        for (JsonNode element : array(value, path, type)) {
          set.add(text(element, path));
        }
        yield new AttributeValue.SS(set);
      }
      case "NS" -> {
        List<BigDecimal> set = new ArrayList<>();
        for (JsonNode element : array(value, path, type)) {
          set.add(number(element, path));
        }
        yield new AttributeValue.NS(set);
      }
      case "BS" -> {
        List<String> set = new ArrayList<>();
        for (JsonNode element : array(value, path, type)) {
          set.add(base64(text(element, path), path));
        }
        yield new AttributeValue.BS(set);
      }
      default -> throw unknownType(path, type);
    };
  }

  /** Writes one value in the DynamoDB JSON format, exactly as it was read. */
  public static void write(JsonGenerator out, AttributeValue value) throws IOException {
    out.writeStartObject();
    out.writeFieldName(value.type());
    if (value instanceof AttributeValue.S s) {
      out.writeString(s.value());
    } else if (value instanceof AttributeValue.N n) {
      out.writeString(n.value().toString());
    } else if (value instanceof AttributeValue.B b) {
      out.writeString(b.base64());
    } else if (value instanceof AttributeValue.Bool b) {
      out.writeBoolean(b.value());
    } else if (value instanceof AttributeValue.Null) {
      out.writeBoolean(true);
    } else if (value instanceof AttributeValue.M m) {
      out.writeStartObject();
      for (Map.Entry<String, AttributeValue> e : m.value().entrySet()) {
        out.writeFieldName(e.getKey());
        write(out, e.getValue());
      }
      out.writeEndObject();
    } else if (value instanceof AttributeValue.L l) {
      out.writeStartArray();
      for (AttributeValue element : l.value()) {
        write(out, element);
      }
      out.writeEndArray();
    } else if (value instanceof AttributeValue.SS ss) {
      writeStrings(out, ss.value());
    } else if (value instanceof AttributeValue.NS ns) {
      out.writeStartArray();
      for (BigDecimal n : ns.value()) {
        out.writeString(n.toString());
      }
      out.writeEndArray();
    } else if (value instanceof AttributeValue.BS bs) {
      writeStrings(out, bs.value());
    }
    out.writeEndObject();
  }

  private static void writeStrings(JsonGenerator out, List<String> values) throws IOException {
    out.writeStartArray();
    for (String s : values) {
      out.writeString(s);
    }
    out.writeEndArray();
  }

  private static Iterable<JsonNode> array(JsonNode value, Where path, String type) {
    if (!value.isArray()) {
      throw new IllegalArgumentException(path + "." + type + " is not an array");
    }
    return value;
  }

  private static String text(JsonNode value, Where path) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException(path + " holds " + value.getNodeType() + ", not a string");
    }
    return value.textValue();
  }

  private static BigDecimal number(JsonNode value, Where path) {
    if (value.isNumber()) {
      try {
        return inDynamoDbRange(value.decimalValue(), path);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(path + " is not a number: " + value);
      }
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(
          path + " holds " + value.getNodeType() + ", not a number or a string");
    }
    String text = value.textValue();
    BigDecimal number;
    try {
      number = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + " is not a number: \"" + text + "\"");
    }
    return inDynamoDbRange(number, path);
  }

  private static String base64(String text, Where path) {
    try {
      Base64.getDecoder().decode(text);
      return text;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + " is not base64: " + e.getMessage());
    }
  }
}
