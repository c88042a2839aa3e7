package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Oid;
import org.postgresql.jdbc.PgArray;

class UpsertArraysTest {

  /** An array in the binary form, read back as PostgreSQL's {@code array_recv} reads it. */
  private record Read(int elementOid, List<String> values) {}

  private static Read read(byte[] bytes, boolean jsonb) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int dimensions = in.getInt();
    boolean hasNull = in.getInt() == 1;
    int elementOid = in.getInt();
    List<String> values = new ArrayList<>();
    if (dimensions == 0) {
      assertThat(hasNull).isFalse();
      assertThat(in.hasRemaining()).as("nothing after an empty array's header").isFalse();
      return new Read(elementOid, values);
    }
    assertThat(dimensions).isEqualTo(1);
    int size = in.getInt();
    assertThat(in.getInt()).as("lower bound").isEqualTo(1);
    for (int i = 0; i < size; i++) {
      int length = in.getInt();
      if (length == -1) {
        values.add(null);
        continue;
      }
      if (jsonb) {
        assertThat(in.get()).as("jsonb version").isEqualTo((byte) 1);
        length--;
      }
      byte[] text = new byte[length];
      in.get(text);
      values.add(new String(text, StandardCharsets.UTF_8));
    }
    assertThat(in.hasRemaining()).as("nothing after the last element").isFalse();
    assertThat(hasNull).isEqualTo(values.contains(null));
    return new Read(elementOid, values);
  }

  @Test
  void eachValueIsItsUtf8TextAndNullsStayNull() {
    String[] values = {"{\"id\":\"a\\\"b\"}", null, "", "\\", "\"", "ünï \"cödé\" ✓ \ud83d\ude00"};
    Read json = read(UpsertArrays.binary(Oid.JSON, values), false);
    assertThat(json.elementOid()).isEqualTo(Oid.JSON);
    assertThat(json.values()).containsExactly(values);
    byte[] bytes = UpsertArrays.binary(Oid.TEXT, new String[] {"é"});
    assertThat(Arrays.copyOfRange(bytes, 20, bytes.length))
        .as("the length in bytes, then the bytes")
        .containsExactly(0, 0, 0, 2, 0xc3, 0xa9);
  }

  @Test
  void aJsonbValueHasItsVersionFirst() {
    String[] values = {"{\"a\":1}", null, "{}"};
    Read jsonb = read(UpsertArrays.binary(Oid.JSONB, values), true);
    assertThat(jsonb.elementOid()).isEqualTo(Oid.JSONB);
    assertThat(jsonb.values()).containsExactly(values);
  }

  @Test
  void anEmptyArrayHasNoDimension() {
    byte[] bytes = UpsertArrays.binary(Oid.TEXT, new String[0]);
    assertThat(bytes).hasSize(12);
    assertThat(read(bytes, false).values()).isEmpty();
  }

  @Test
  void randomTextComesBackAsItWent() {
    Random random = new Random(42);
    char[] alphabet = {'"', '\\', 'a', ',', '{', '}', ' ', 'é', '✓', 'N', '\n', '\ud83d', '\ude00'};
    for (int round = 0; round < 2_000; round++) {
      String[] values = new String[random.nextInt(5)];
      for (int i = 0; i < values.length; i++) {
        if (random.nextInt(10) == 0) {
          continue;
        }
        StringBuilder text = new StringBuilder();
        for (int j = random.nextInt(12); j > 0; j--) {
          char c = alphabet[random.nextInt(alphabet.length)];
          // Whole surrogate pairs only: a lone surrogate has no UTF-8 form.
          text.append(c == '\ud83d' || c == '\ude00' ? "\ud83d\ude00" : String.valueOf(c));
        }
        values[i] = text.toString();
      }
      boolean jsonb = random.nextBoolean();
      assertThat(read(UpsertArrays.binary(jsonb ? Oid.JSONB : Oid.TEXT, values), jsonb).values())
          .containsExactly(values);
    }
  }

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
