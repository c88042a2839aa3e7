package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.sink.CrateDbSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys of verify's lookups on CrateDB as their rows hold them, and the lookups they make. */
class TargetRowsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** The filter of the CrateDB lookup of these keys; empty when no key can match. */
  private static Optional<String> crateDbFilter(
      KeySchema schema, Map<String, String> types, List<JsonNode> keys) {
    List<String> stored = new ArrayList<>();
    for (JsonNode key : keys) {
      TargetRows.storedKey(key, schema, types, true).ifPresent(stored::add);
    }
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    List<TargetSql.RowLookup> lookups =
        new CrateDbSql().selectRows("\"pk\"", new TableName("doc", "t"), schema, stored);
    assertThat(lookups).hasSize(1);
    String sql = lookups.get(0).sql();
    return Optional.of(sql.substring(sql.indexOf(" WHERE ") + " WHERE ".length()));
  }

  @Test
  void aLookupOfOneKeyColumnIsAnInListOfLiterals() throws Exception {
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));
    assertThat(
            crateDbFilter(
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
            crateDbFilter(
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
    assertThat(crateDbFilter(schema, types, List.of(json("{\"n\":42}"), json("{\"n\":1.5}"))))
        .contains("\"pk\"['n'] IN (42)");
    assertThat(crateDbFilter(schema, types, List.of(json("{\"n\":1.5}"))))
        .as("no BIGINT holds 1.5")
        .isEmpty();
  }

  @Test
  void anIntegerOrSmallintKeyColumnTakesTheIntegersItHoldsAndNoOtherKey() throws Exception {
    // A table made by hand: the layout check lets any integer column hold number keys; a literal
    // it cannot hold would fail the whole lookup, not just miss.
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N)));
    assertThat(
            crateDbFilter(
                schema,
                Map.of("pk['n']", "integer"),
                List.of(
                    json("{\"n\":2147483647}"), json("{\"n\":5000000000}"), json("{\"n\":1.5}"))))
        .contains("\"pk\"['n'] IN (2147483647)");
    assertThat(
            crateDbFilter(
                schema,
                Map.of("pk['n']", "smallint"),
                List.of(json("{\"n\":-32768}"), json("{\"n\":32768}"))))
        .contains("\"pk\"['n'] IN (-32768)");
  }

  @Test
  void onPostgreSqlAKeyIsStoredAsGiven() throws Exception {
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N)));
    assertThat(TargetRows.storedKey(json("{\"n\":1.5}"), schema, Map.of(), false))
        .contains("{\"n\":1.5}");
  }

  @Test
  void aNumberKeyStoredAsTextOtherThanItsCanonicalDecimalIsStray() throws Exception {
    KeySchema schema =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("dev", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("ts", KeySchema.KeyType.N)));
    for (String stray : List.of("\"09\"", "\"12.0\"", "\"abc\"", "\"1E+1\"", "\"\"")) {
      assertThat(TargetRows.isStrayKey(json("{\"dev\":\"a\",\"ts\":" + stray + "}"), schema, true))
          .as(stray)
          .isTrue();
    }
    for (String canonical :
        List.of("\"9\"", "\"12.5\"", "\"10\"", "\"0\"", "\"-3\"", "9", "12.0")) {
      assertThat(
              TargetRows.isStrayKey(json("{\"dev\":\"a\",\"ts\":" + canonical + "}"), schema, true))
          .as(canonical)
          .isFalse();
    }
    // A string key may hold any text.
    assertThat(TargetRows.isStrayKey(json("{\"dev\":\"09\",\"ts\":\"1\"}"), schema, true))
        .isFalse();
  }

  @Test
  void onPostgreSqlANumberKeyAsTextAtAllIsStrayAsTheRelayWritesAJsonNumber() throws Exception {
    KeySchema schema = new KeySchema(List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N)));
    assertThat(TargetRows.isStrayKey(json("{\"n\":\"100\"}"), schema, false)).isTrue();
    assertThat(TargetRows.isStrayKey(json("{\"n\":100}"), schema, false)).isFalse();
    assertThat(TargetRows.isStrayKey(json("{\"n\":1.50}"), schema, false)).isFalse();
  }

  @Test
  void aKeyOfOtherAttributesOrOtherTypesThanTheTablesIsStray() throws Exception {
    KeySchema schema =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("id", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("blob", KeySchema.KeyType.B)));
    for (boolean crateDb : List.of(true, false)) {
      for (String stray :
          List.of(
              "{\"id\":\"k\",\"blob\":\"AQI=\",\"x\":1}",
              "{\"id\":\"k\"}",
              "{\"idd\":\"k\",\"blob\":\"AQI=\"}",
              "{\"id\":123,\"blob\":\"AQI=\"}",
              "{\"id\":null,\"blob\":\"AQI=\"}",
              "{\"id\":\"k\",\"blob\":\"not base64!\"}",
              "{\"id\":\"k\",\"blob\":[1]}",
              "[\"k\"]",
              "\"k\"")) {
        assertThat(TargetRows.isStrayKey(json(stray), schema, crateDb))
            .as(stray + (crateDb ? " on CrateDB" : " on PostgreSQL"))
            .isTrue();
      }
      assertThat(TargetRows.isStrayKey(json("{\"id\":\"k\",\"blob\":\"AQI=\"}"), schema, crateDb))
          .isFalse();
    }
    assertThat(TargetRows.isStrayKey(null, schema, false)).isTrue();
  }
}
