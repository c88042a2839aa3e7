package io.cdcrelay.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcrelay.change.AttributeMap;
import io.cdcrelay.change.AttributeValue;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A change record's JSON, read in one pass: its top level and its {@code dynamodb} object as small
 * trees, and the three items ({@code Keys}, {@code NewImage}, {@code OldImage}) read straight into
 * attribute values, with no tree in between (the tree of a whole record took most of the decoder's
 * time and memory). It reads what {@link DynamoDbJson#parse} and {@link
 * DynamoDbJson#readItem(JsonNode, String)} read, with the same messages, and keeps an item that
 * cannot be read as its error, so that the decoder reports the record's problems in its own order.
 */
final class RecordJson {

  /**
   * One of the three items: empty when absent, else what was read of it, or why it could not be.
   */
  static final class Item {
    private Map<String, AttributeValue> value = new LinkedHashMap<>();
    private IllegalArgumentException error;

    /** The item's attributes. @throws IllegalArgumentException when the item could not be read */
    Map<String, AttributeValue> get() {
      if (error != null) {
        throw error;
      }
      return value;
    }
  }

  /** The top level without {@code dynamodb}; {@code null} or not an object for such a document. */
  final JsonNode root;

  /** {@code dynamodb} without the three items; missing, or not an object, as the record has it. */
  final JsonNode dynamodb;

  final Item keys;
  final Item newImage;
  final Item oldImage;

  private RecordJson(JsonNode root, JsonNode dynamodb, Item keys, Item newImage, Item oldImage) {
    this.root = root;
    this.dynamodb = dynamodb;
    this.keys = keys;
    this.newImage = newImage;
    this.oldImage = oldImage;
  }

  /**
   * Reads a record's JSON. Where a name appears twice in one object, the last one counts, as in a
   * tree.
   *
   * @throws IOException when the bytes are not JSON
   */
  static RecordJson read(byte[] data) throws IOException {
    try (JsonParser p = DynamoDbJson.parser(data)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        JsonNode root = first == null ? null : value(p);
        return new RecordJson(root, MissingNode.getInstance(), new Item(), new Item(), new Item());
      }
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      RecordJson dynamodb = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("dynamodb")) {
          dynamodb = readDynamodb(p);
        } else {
          root.set(name, value(p));
        }
      }
      if (dynamodb == null) {
        return new RecordJson(root, MissingNode.getInstance(), new Item(), new Item(), new Item());
      }
      return new RecordJson(
          root, dynamodb.dynamodb, dynamodb.keys, dynamodb.newImage, dynamodb.oldImage);
    }
  }

  /**
   * The value the parser is at, as the tree of {@link DynamoDbJson#parse} holds it: a scalar made
   * here (a subtree read through the mapper costs a deserialization context each), a container
   * through the mapper.
   */
  static JsonNode value(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> TextNode.valueOf(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> IntNode.valueOf(p.getIntValue());
            case LONG -> LongNode.valueOf(p.getLongValue());
            default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
          };
      // Exact, as the mapper's USE_BIG_DECIMAL_FOR_FLOATS without stripping zeros reads it.
      case VALUE_NUMBER_FLOAT -> DecimalNode.valueOf(p.getDecimalValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.getInstance();
      default -> p.readValueAsTree();
    };
  }

  /** The {@code dynamodb} value the parser is at (its first token), to its last token. */
  private static RecordJson readDynamodb(JsonParser p) throws IOException {
    Item keys = new Item();
    Item newImage = new Item();
    Item oldImage = new Item();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return new RecordJson(null, value(p), keys, newImage, oldImage);
    }
    ObjectNode dynamodb = JsonNodeFactory.instance.objectNode();
    JsonStreamContext level = p.getParsingContext();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      Item item =
          switch (name) {
            case "Keys" -> keys;
            case "NewImage" -> newImage;
            case "OldImage" -> oldImage;
            default -> null;
          };
      if (item == null) {
        dynamodb.set(name, value(p));
        continue;
      }
      try {
        // Read here and held by nothing else: a change holds it uncopied.
        item.value = AttributeMap.adopt(DynamoDbJson.readItem(p, name));
        item.error = null;
      } catch (IllegalArgumentException e) {
        item.value = null;
        item.error = e;
        DynamoDbJson.skipToLevel(p, level);
      }
    }
    return new RecordJson(null, dynamodb, keys, newImage, oldImage);
  }
}
