package io.cdcrelay.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Items (and keys) as DynamoDB JSON text, exact both ways: how a cursor and a payload are kept. */
public final class ItemJson {

  private static final JsonFactory JSON = new JsonFactory();

  private ItemJson() {}

  /** {@code {"id": {"S": "a"}, …}} as UTF-8 bytes. */
  public static byte[] bytes(Map<String, AttributeValue> item) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
        json.writeFieldName(e.getKey());
        DynamoDbJson.write(json, e.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@link #bytes} as text. */
  public static String text(Map<String, AttributeValue> item) {
    return new String(bytes(item), StandardCharsets.UTF_8);
  }

  /** Reads what {@link #text} wrote. */
  public static Map<String, AttributeValue> parse(String text) {
    try {
      return DynamoDbJson.readItem(
          DynamoDbJson.parse(text.getBytes(StandardCharsets.UTF_8)), "item");
    } catch (IOException e) {
      throw new IllegalArgumentException("not DynamoDB JSON: " + e.getMessage(), e);
    }
  }
}
