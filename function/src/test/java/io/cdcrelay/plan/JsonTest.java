package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generator and the plain writer a thread reuses: each document whole and alone, even after one
 * that failed, and the plain writer's text the generator's to the character.
 */
class JsonTest {

  @Test
  void documentsWrittenOneAfterAnotherAreEachTheirOwn() {
    assertThat(Json.write(json -> json.writeString("a"))).isEqualTo("\"a\"");
    assertThat(Json.write(json -> json.writeNumber(2))).isEqualTo("2");
    assertThat(
            Json.write(
                json -> {
                  json.writeStartObject();
                  json.writeNumberField("n", 3);
                  json.writeEndObject();
                }))
        .isEqualTo("{\"n\":3}");
  }

  @Test
  void aDocumentThatFailedHalfWayLeavesNothingInTheNext() {
    KeySchema keys = KeySchema.fromKeys(new LinkedHashMap<>(twoKeys("x", "1")));
    // The second key has the wrong type: the object is begun, then the schema refuses it.
    Map<String, AttributeValue> wrong = new LinkedHashMap<>();
    wrong.put("id", new AttributeValue.S("x"));
    wrong.put("n", new AttributeValue.S("not a number"));
    assertThatThrownBy(() -> keys.toJson(wrong)).isInstanceOf(IllegalArgumentException.class);
    assertThat(keys.toJson(twoKeys("y", "2"))).isEqualTo("{\"id\":\"y\",\"n\":2}");
    assertThat(
            new ItemMapper(true, 100)
                .map(
                    Map.of(
                        "id", new AttributeValue.S("y"), "v", new AttributeValue.SS(List.of("s"))),
                    keys,
                    null,
                    java.util.Set.of(),
                    false)
                .dataJson())
        .isEqualTo("{\"v\":[\"s\"]}");
  }

  @Test
  void thePlainWriterWritesEveryCharacterAsTheGeneratorDoes() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String value = "a" + (char) c + "b";
      assertThat(Json.text(out -> Json.string(out, value)))
          .as("character %04x", c)
          .isEqualTo(Json.write(json -> json.writeString(value)));
    }
  }

  @Test
  void thePlainWriterWritesStringsAndNumbersAsTheGeneratorDoes() {
    Random random = new Random(11);
    char[] alphabet = "ab\"\\/\n\t\r\u0000\u001f\u007fé€\ud83d\ude00 ".toCharArray();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder value = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        value.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = value.toString();
      double number =
          switch (i % 4) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> random.nextInt();
            case 2 -> random.nextInt(1_000_000) / 100.0;
            default -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
          };
      assertThat(
              Json.text(
                  out -> {
                    out.append('[');
                    Json.string(out, text);
                    out.append(',');
                    Json.number(out, number);
                    out.append(']');
                  }))
          .isEqualTo(
              Json.write(
                  json -> {
                    json.writeStartArray();
                    json.writeString(text);
                    json.writeNumber(number);
                    json.writeEndArray();
                  }));
    }
    for (double special :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0}) {
      assertThat(Json.text(out -> Json.number(out, special)))
          .isEqualTo(Json.write(json -> json.writeNumber(special)));
    }
  }

  @Test
  void aDecimalIsWrittenAsItsDouble() {
    Random random = new Random(12);
    List<BigDecimal> numbers = new ArrayList<>();
    for (long edge : new long[] {0, 1, 9_999_999, 10_000_000, 123_456_789_012L}) {
      numbers.add(BigDecimal.valueOf(edge));
      numbers.add(BigDecimal.valueOf(-edge));
    }
    numbers.add(new BigDecimal("1E+3"));
    numbers.add(new BigDecimal("1.50"));
    numbers.add(new BigDecimal("-0.000"));
    for (int i = 0; i < 20_000; i++) {
      numbers.add(BigDecimal.valueOf(random.nextLong() % 100_000_000L, random.nextInt(6) - 1));
    }
    for (BigDecimal number : numbers) {
      assertThat(Json.text(out -> Json.number(out, number)))
          .as("%s", number)
          .isEqualTo(Json.text(out -> Json.number(out, number.doubleValue())));
    }
  }

  @Test
  void aTextThatFailedHalfWayLeavesNothingInTheNext() {
    assertThatThrownBy(
            () ->
                Json.text(
                    out -> {
                      out.append("{\"half\":");
                      throw new IllegalStateException("refused");
                    }))
        .hasMessage("refused");
    assertThat(Json.text(out -> Json.string(out, "next"))).isEqualTo("\"next\"");
  }

  private static Map<String, AttributeValue> twoKeys(String id, String n) {
    Map<String, AttributeValue> keys = new LinkedHashMap<>();
    keys.put("id", new AttributeValue.S(id));
    keys.put("n", new AttributeValue.N(new BigDecimal(n)));
    return keys;
  }
}
