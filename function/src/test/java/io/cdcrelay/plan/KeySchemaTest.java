package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How key attributes become the {@code pk} object, per storage of number keys. */
class KeySchemaTest {

  private static Map<String, AttributeValue> n(String value) {
    return Map.of("n", new AttributeValue.N(new BigDecimal(value)));
  }

  private static KeySchema numbers(KeySchema.NumberKey storage) {
    return new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N, storage)));
  }

  @Test
  void canonicalTextHasNoExponentAndNoTrailingZeros() {
    assertThat(KeySchema.canonical(new BigDecimal("1.50"))).isEqualTo("1.5");
    assertThat(KeySchema.canonical(new BigDecimal("15E-1"))).isEqualTo("1.5");
    assertThat(KeySchema.canonical(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(KeySchema.canonical(new BigDecimal("0.000"))).isEqualTo("0");
    assertThat(KeySchema.canonical(new BigDecimal("-0.0"))).isEqualTo("0");
    assertThat(KeySchema.canonical(new BigDecimal("-12.340"))).isEqualTo("-12.34");
  }

  @Test
  void aNumberKeyIsAnExactJsonNumberTextOrBigintByStorage() {
    assertThat(numbers(KeySchema.NumberKey.NUMBER).toJson(n("1.50"))).isEqualTo("{\"n\":1.5}");
    assertThat(numbers(KeySchema.NumberKey.NUMBER).toJson(n("1E+40")))
        .isEqualTo("{\"n\":1" + "0".repeat(40) + "}");
    assertThat(numbers(KeySchema.NumberKey.TEXT).toJson(n("1.50"))).isEqualTo("{\"n\":\"1.5\"}");
    assertThat(numbers(KeySchema.NumberKey.TEXT).toJson(n("70"))).isEqualTo("{\"n\":\"70\"}");
    assertThat(numbers(KeySchema.NumberKey.BIGINT).toJson(n("7.0"))).isEqualTo("{\"n\":7}");
  }

  @Test
  void aBigintKeyRefusesWhatDoesNotFit() {
    assertThatThrownBy(() -> numbers(KeySchema.NumberKey.BIGINT).toJson(n("1.5")))
        .hasMessage("key attribute \"n\" = 1.5 does not fit the BIGINT key column");
    assertThatThrownBy(() -> numbers(KeySchema.NumberKey.BIGINT).toJson(n("9223372036854775808")))
        .hasMessageContaining("does not fit the BIGINT key column");
  }

  @Test
  void keysFromAChangeAreSortedByNameAndStoredAsNumbersByDefault() {
    KeySchema keys =
        KeySchema.fromKeys(
            Map.of(
                "ts", new AttributeValue.N(BigDecimal.ONE), "device", new AttributeValue.S("d")));
    assertThat(keys.columns())
        .containsExactly(
            new KeySchema.KeyColumn("device", KeySchema.KeyType.S),
            new KeySchema.KeyColumn("ts", KeySchema.KeyType.N, KeySchema.NumberKey.NUMBER));
  }

  @Test
  void aKeyColumnReadsAsItsNameAndTypeInLogLines() {
    assertThat(new KeySchema.KeyColumn("device", KeySchema.KeyType.S)).hasToString("device (S)");
    assertThat(new KeySchema.KeyColumn("id", KeySchema.KeyType.N, KeySchema.NumberKey.TEXT))
        .hasToString("id (N as TEXT)");
  }

  @Test
  void theKeysOfARecordInAnyOrderGiveOneSchemaAndOneKeyText() {
    Map<String, AttributeValue> skFirst = new java.util.LinkedHashMap<>();
    skFirst.put("sk", new AttributeValue.S("x"));
    skFirst.put("pk", new AttributeValue.S("y"));
    Map<String, AttributeValue> pkFirst = new java.util.LinkedHashMap<>();
    pkFirst.put("pk", new AttributeValue.S("y"));
    pkFirst.put("sk", new AttributeValue.S("x"));

    KeySchema schema = KeySchema.fromKeys(skFirst);
    assertThat(schema.columns()).extracting(KeySchema.KeyColumn::name).containsExactly("pk", "sk");
    assertThat(schema.toJson(skFirst))
        .isEqualTo(KeySchema.fromKeys(pkFirst).toJson(pkFirst))
        .isEqualTo("{\"pk\":\"y\",\"sk\":\"x\"}");
  }
}
