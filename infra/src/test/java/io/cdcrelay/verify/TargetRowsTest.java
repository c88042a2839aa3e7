package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.plan.KeySchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetRowsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void aLookupOfOneKeyColumnIsAnInListOfLiterals() throws Exception {
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));
    assertThat(
            TargetRows.crateDbKeyFilter(
                schema,
                Map.of("pk['id']", "text"),
                List.of(json("{\"id\":\"a\"}"), json("{\"id\":\"it's\"}"), json("{}"))))
        .contains("\"pk\"['id'] IN ('a', 'it''s')");
  }

  @Test
  void aLookupOfTwoKeyColumnsIsAnOrOfAndsAndNumbersAreTheirCanonicalText() throws Exception {
    KeySchema schema =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("pk", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("sk", KeySchema.KeyType.N)));
    assertThat(
            TargetRows.crateDbKeyFilter(
                schema,
                Map.of("pk['pk']", "text", "pk['sk']", "text"),
                List.of(json("{\"pk\":\"p\",\"sk\":1.50}"), json("{\"pk\":\"q\",\"sk\":100}"))))
        .contains(
            "(\"pk\"['pk'] = 'p' AND \"pk\"['sk'] = '"
                + KeySchema.canonical(new java.math.BigDecimal("1.50"))
                + "') OR (\"pk\"['pk'] = 'q' AND \"pk\"['sk'] = '"
                + KeySchema.canonical(new java.math.BigDecimal("100"))
                + "')");
  }

  @Test
  void aBigintKeyColumnTakesIntegersAndNoKeyThatCannotMatch() throws Exception {
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N)));
    Map<String, String> types = Map.of("pk['n']", "bigint");
    assertThat(
            TargetRows.crateDbKeyFilter(
                schema, types, List.of(json("{\"n\":42}"), json("{\"n\":1.5}"))))
        .contains("\"pk\"['n'] IN (42)");
    assertThat(TargetRows.crateDbKeyFilter(schema, types, List.of(json("{\"n\":1.5}"))))
        .as("no BIGINT holds 1.5")
        .isEmpty();
  }
}
