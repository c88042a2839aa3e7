package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key contract against the CrateDB that {@code CRATEDB_URL} points at: a table the relay
 * creates holds a number key as its canonical decimal text; a table of the reference tool keeps its
 * BIGINT key, which holds whole numbers only.
 */
class CrateDbKeyIT extends KeyContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  String numberKeyText(JsonNode stored) {
    assertThat(stored.isTextual()).as("a number key is TEXT in CrateDB: %s", stored).isTrue();
    return stored.asText();
  }

  @Test
  void aReferenceToolTableKeepsItsBigintKeyAndANumberThatCannotFitIsADeadLetter() throws Exception {
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement()) {
      // The reference tool's layout: the number key as BIGINT.
      s.execute(
          "CREATE TABLE "
              + table.quoted()
              + " (\"pk\" OBJECT(STRICT) AS (\"n\" BIGINT PRIMARY KEY),"
              + " \"data\" OBJECT(DYNAMIC), \"aux\" OBJECT(IGNORED))");
    }

    BatchResult result =
        apply(
            keyed("INSERT", "\"n\":{\"N\":\"7\"}", 100, "\"v\":{\"N\":\"1\"}"),
            keyed("INSERT", "\"n\":{\"N\":\"1.5\"}", 101, "\"v\":{\"N\":\"1\"}"),
            keyed("INSERT", "\"n\":{\"N\":\"99999999999999999999\"}", 102, "\"v\":{\"N\":\"1\"}"));

    assertThat(result.upserted()).isEqualTo(1);
    assertThat(result.deadLettered()).isEqualTo(2);
    Map<String, TableRows.Row> rows = TableRows.read(database(), table);
    assertThat(rows.values())
        .singleElement()
        .satisfies(r -> assertThat(r.pk().get("n").asLong()).isEqualTo(7));
    // An older change of the row is found by its BIGINT key and counted stale.
    BatchResult late = apply(keyed("MODIFY", "\"n\":{\"N\":\"7\"}", 50, "\"v\":{\"N\":\"0\"}"));
    assertThat(late.stale()).isEqualTo(1);
    assertThat(late.upserted()).isZero();
    Map<String, String> reasons = deadLetterReasons();
    assertThat(reasons.values())
        .allSatisfy(reason -> assertThat(reason).contains("does not fit the BIGINT key column"));
  }

  private Map<String, String> deadLetterReasons() throws Exception {
    Map<String, String> reasons = new java.util.TreeMap<>();
    io.cdcrelay.sink.TableName letters = table.sibling("_dead_letters");
    crateDb.refresh(letters);
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT sequence_number, reason FROM " + letters.quoted())) {
      while (rs.next()) {
        reasons.put(rs.getString(1), rs.getString(2));
      }
    }
    return reasons;
  }
}
