package io.cdcrelay.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.cdcrelay.change.AttributeValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming item reader ({@link DynamoDbJson#readItem(JsonParser, String)}) against the tree
 * reader it replaces in the decoder, on generated items, good and bad at every depth: the same
 * attributes, or the same message; and after a bad item the parser moves on to the next field.
 */
class StreamingItemReadTest {

  private static final String[] WORDS = {"a", "b", "name", "x y", "ü", ""};

  /** What a reader made of an item: its attributes, or the message of why it is none. */
  private static Object tree(String item) throws Exception {
    String json = "{\"NewImage\": " + item + ", \"after\": 1}";
    try {
      return DynamoDbJson.readItem(
          DynamoDbJson.parse(json.getBytes(StandardCharsets.UTF_8)).path("NewImage"), "NewImage");
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Object streamed(String item) throws Exception {
    String json = "{\"NewImage\": " + item + ", \"after\": 1}";
    try (JsonParser p = DynamoDbJson.parser(json.getBytes(StandardCharsets.UTF_8))) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
      JsonStreamContext level = p.getParsingContext();
      p.nextToken();
      Object result;
      try {
        Map<String, AttributeValue> read = DynamoDbJson.readItem(p, "NewImage");
        assertThat(p.getParsingContext()).as("at the item's last token").isSameAs(level);
        result = read;
      } catch (IllegalArgumentException e) {
        DynamoDbJson.skipToLevel(p, level);
        result = e.getMessage();
      }
      assertThat(p.nextToken()).as("after %s", item).isEqualTo(JsonToken.FIELD_NAME);
      assertThat(p.currentName()).isEqualTo("after");
      return result;
    }
  }

  @Test
  void generatedItemsReadAsTheTreeReadsThem() throws Exception {
    Random random = new Random(2026);
    int bad = 0;
    for (int i = 0; i < 20_000; i++) {
      String item = i % 50 == 0 ? scalar(random) : item(random, 0);
      Object expected = tree(item);
      assertThat(streamed(item)).as(item).isEqualTo(expected);
      bad += expected instanceof String ? 1 : 0;
    }
    // Both kinds, plenty of each.
    assertThat(bad).isBetween(4_000, 16_000);
  }

  @Test
  void namedCases() throws Exception {
    for (String item :
        new String[] {
          "null",
          "{}",
          "[]",
          "{\"a\": {}}",
          "{\"a\": {\"S\": \"x\", \"N\": \"1\"}}",
          "{\"a\": {\"Q\": [1, {\"b\": 2}], \"N\": \"1\"}}",
          "{\"a\": {\"N\": \"abc\", \"S\": \"x\"}}",
          "{\"a\": {\"L\": [{\"S\": 1}]}, \"b\": {\"S\": \"x\"}}",
          "{\"a\": {\"NULL\": {\"deep\": [1, 2, {\"x\": []}]}}}",
          "{\"a\": {\"M\": {\"b\": {\"L\": [{\"M\": {\"c\": {\"BOOL\": \"no\"}}}]}}}}",
          "{\"a\": {\"N\": 1e400}, \"b\": {\"NS\": [1, 2.50, \"3\"]}}",
          "{\"a\": {\"B\": \"not base64!\"}}",
          "{\"a\": [1]}",
          "{\"a\": {\"SS\": [\"x\", null]}}"
        }) {
      assertThat(streamed(item)).as(item).isEqualTo(tree(item));
    }
  }

  private static String item(Random random, int depth) {
    StringBuilder json = new StringBuilder("{");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ", ").append('"').append("k").append(i).append("\": ");
      json.append(value(random, depth + 1));
    }
    return json.append('}').toString();
  }

  private static String value(Random random, int depth) {
    if (random.nextInt(40) == 0) {
      return scalar(random);
    }
    int pick = random.nextInt(depth > 3 ? 9 : 14);
    String body =
        switch (pick) {
          case 0 -> "\"S\": " + pickOf(random, str(random), "null", "5", "[]");
          case 1 -> "\"N\": " + pickOf(random, "\"12.50\"", "7", "-0.5e3", "\"x1\"", "true", "{}");
          case 2 -> "\"B\": " + pickOf(random, "\"AAE=\"", "\"%%\"", "3");
          case 3 -> "\"BOOL\": " + pickOf(random, "true", "false", "\"true\"", "null");
          case 4 -> "\"NULL\": " + pickOf(random, "true", "[1, {\"a\": [2]}]", "{\"x\": {}}");
          case 5 -> "\"SS\": " + pickOf(random, "[\"a\", \"b\"]", "[]", "[1]", "\"a\"");
          case 6 -> "\"NS\": " + pickOf(random, "[\"1\", 2, 3.0]", "[\"z\"]", "[null]", "{}");
          case 7 -> "\"BS\": " + pickOf(random, "[\"AAE=\"]", "[\"?\"]", "[]");
          case 8 -> "\"" + pickOf(random, "X", "s", "SSS") + "\": " + scalar(random);
          case 9, 10 -> "\"M\": " + (random.nextInt(8) == 0 ? scalar(random) : item(random, depth));
          default -> "\"L\": " + list(random, depth);
        };
    String extra =
        random.nextInt(25) == 0
            ? ", \"" + pickOf(random, "N", "S", "M", "other") + "\": " + scalar(random)
            : "";
    // Never the same key twice in one object: a tree keeps the last, the stream reads both.
    if (body.startsWith("\"" + extra.replaceAll("^, \"|\":.*$", "") + "\"")) {
      extra = "";
    }
    return random.nextInt(60) == 0 ? "{}" : "{" + body + extra + "}";
  }

  private static String list(Random random, int depth) {
    if (random.nextInt(10) == 0) {
      return scalar(random);
    }
    StringBuilder json = new StringBuilder("[");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ", ").append(value(random, depth + 1));
    }
    return json.append(']').toString();
  }

  private static String scalar(Random random) {
    return pickOf(random, "1", "\"s\"", "null", "true", "[]", "[1, [2]]", "2.5");
  }

  private static String str(Random random) {
    return "\"" + WORDS[random.nextInt(WORDS.length)] + "\"";
  }

  private static String pickOf(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }
}
