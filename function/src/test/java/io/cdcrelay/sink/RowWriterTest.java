package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.plan.KeySchema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code pk} object as a database gives it back is matched to the planner's form of the same key:
 * the stale check finds each row of the batch whatever the database's key order, spacing and number
 * text.
 */
class RowWriterTest {

  @Test
  void aPkObjectReadBackInAnotherKeyOrderAndSpacingIsThePlannersForm() {
    KeySchema keys =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("device", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("ts", KeySchema.KeyType.N)));
    String planned =
        keys.toJson(
            Map.of(
                "device", new AttributeValue.S("d'\"ü"),
                "ts", new AttributeValue.N(new BigDecimal("1.50"))));

    // PostgreSQL's jsonb: shorter keys first, a space after each colon and comma.
    assertThat(RowWriter.canonicalPk(keys, "{\"ts\": 1.5, \"device\": \"d'\\\"ü\"}"))
        .isEqualTo(planned);
    assertThat(RowWriter.canonicalPk(keys, "{\"ts\": 1.50, \"device\": \"d'\\\"ü\"}"))
        .isEqualTo(planned);
    // Numbers beyond a double, written out in full as jsonb gives them back.
    for (String number : List.of("1E+125", "1.2345E-129", "-12345678901234567890.123456789")) {
      String plain = new BigDecimal(number).toPlainString();
      assertThat(RowWriter.canonicalPk(keys, "{\"ts\": " + plain + ", \"device\": \"d\"}"))
          .as(number)
          .isEqualTo(
              keys.toJson(
                  Map.of(
                      "device", new AttributeValue.S("d"),
                      "ts", new AttributeValue.N(new BigDecimal(number)))));
    }
  }

  @Test
  void textAndBigintNumberKeysKeepTheirForm() {
    KeySchema text = numberKey(KeySchema.NumberKey.TEXT);
    KeySchema bigint = numberKey(KeySchema.NumberKey.BIGINT);
    String big = "12345678901234567890123456789012345678";

    assertThat(RowWriter.canonicalPk(text, "{\"n\": \"" + big + "\"}"))
        .isEqualTo(text.toJson(Map.of("n", new AttributeValue.N(new BigDecimal(big)))));
    assertThat(RowWriter.canonicalPk(bigint, "{\"n\":7}"))
        .isEqualTo(bigint.toJson(Map.of("n", new AttributeValue.N(new BigDecimal("7")))));
  }

  /**
   * The planner's pk is its own canonical form, so that a key given back as the same text can be
   * taken as it is (RowWriter's writes of arrays): keys of every type and number form, with text
   * that needs escaping.
   */
  @Test
  void thePlannersPkIsItsOwnCanonicalForm() {
    KeySchema keys =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("b", KeySchema.KeyType.B),
                new KeySchema.KeyColumn("n", KeySchema.KeyType.N),
                new KeySchema.KeyColumn("s", KeySchema.KeyType.S)));
    KeySchema text = numberKey(KeySchema.NumberKey.TEXT);
    KeySchema bigint = numberKey(KeySchema.NumberKey.BIGINT);
    List<String> strings =
        List.of("", "plain", "q\"uote", "back\\slash", "tab\tnew\nline\u0001", "ü€😀", "a/b");
    List<String> numbers =
        List.of("0", "7", "-1.50", "1E+125", "1.2345E-129", "123456789012345678");
    for (String s : strings) {
      for (String n : numbers) {
        String planned =
            keys.toJson(
                Map.of(
                    "b", new AttributeValue.B("AAH/"),
                    "n", new AttributeValue.N(new BigDecimal(n)),
                    "s", new AttributeValue.S(s)));
        assertThat(RowWriter.canonicalPk(keys, planned)).as("%s %s", s, n).isEqualTo(planned);
        String asText = text.toJson(Map.of("n", new AttributeValue.N(new BigDecimal(n))));
        assertThat(RowWriter.canonicalPk(text, asText)).isEqualTo(asText);
      }
    }
    String whole = bigint.toJson(Map.of("n", new AttributeValue.N(new BigDecimal("-42"))));
    assertThat(RowWriter.canonicalPk(bigint, whole)).isEqualTo(whole);
  }

  /** A key of one number attribute {@code n}, kept in the given form. */
  private static KeySchema numberKey(KeySchema.NumberKey form) {
    return new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N, form)));
  }
}
