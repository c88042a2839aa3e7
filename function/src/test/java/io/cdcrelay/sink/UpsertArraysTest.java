package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgArray;

class UpsertArraysTest {

  /** The literal pgjdbc's {@code createArrayOf} builds of a {@code String[]}: the oracle. */
  private static String pgjdbc(String[] values) {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      if (values[i] == null) {
        text.append("NULL");
      } else {
        PgArray.escapeArrayElement(text, values[i]);
      }
    }
    return text.append('}').toString();
  }

  @Test
  void quotesAndBackslashesAreEscapedAndNullsStayNull() {
    String[] values = {
      "{\"id\":\"a\\\"b\"}", null, "", "\\", "\"", "plain", "\\\\\"\"", "ünï \"cödé\" ✓"
    };
    assertThat(UpsertArrays.literal(values))
        .isEqualTo(
            "{\"{\\\"id\\\":\\\"a\\\\\\\"b\\\"}\",NULL,\"\",\"\\\\\",\"\\\"\",\"plain\","
                + "\"\\\\\\\\\\\"\\\"\",\"ünï \\\"cödé\\\" ✓\"}")
        .isEqualTo(pgjdbc(values));
  }

  @Test
  void anEmptyArrayIsBraces() {
    assertThat(UpsertArrays.literal(new String[0])).isEqualTo("{}");
  }

  @Test
  void randomTextIsEncodedAsPgjdbcEncodesIt() {
    Random random = new Random(42);
    char[] alphabet = {'"', '\\', 'a', ',', '{', '}', ' ', 'é', '✓', 'N', '\n'};
    for (int round = 0; round < 2_000; round++) {
      String[] values = new String[random.nextInt(5)];
      for (int i = 0; i < values.length; i++) {
        if (random.nextInt(10) == 0) {
          continue;
        }
        char[] text = new char[random.nextInt(12)];
        for (int j = 0; j < text.length; j++) {
          text[j] = alphabet[random.nextInt(alphabet.length)];
        }
        values[i] = new String(text);
      }
      assertThat(UpsertArrays.literal(values)).isEqualTo(pgjdbc(values));
    }
  }
}
