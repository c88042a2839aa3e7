package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generator a thread reuses: each document whole and alone, even after one that failed. */
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

  private static Map<String, AttributeValue> twoKeys(String id, String n) {
    Map<String, AttributeValue> keys = new LinkedHashMap<>();
    keys.put("id", new AttributeValue.S(id));
    keys.put("n", new AttributeValue.N(new BigDecimal(n)));
    return keys;
  }
}
