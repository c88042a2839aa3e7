package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.KeySchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The key lookups that read row versions on CrateDB: literal key values (CrateDB answers only those
 * without a refresh), in queries small enough that CrateDB keeps them key lookups.
 */
class CrateDbSqlTest {

  private static final TableName TABLE = new TableName("doc", "t");
  private final CrateDbSql sql = new CrateDbSql();

  @Test
  void oneKeyColumnIsAnInListOfQuotedLiteralsOfAtMostAThousandKeys() {
    KeySchema keys = new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));
    List<String> pks = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      pks.add("{\"id\":\"k" + i + "\"}");
    }
    pks.set(0, "{\"id\":\"it's\"}");

    List<TargetSql.RowLookup> lookups = sql.selectRowVersions(TABLE, keys, pks);

    assertThat(lookups).hasSize(3);
    assertThat(lookups).allSatisfy(l -> assertThat(l.jsonValues()).isEmpty());
    assertThat(lookups.get(0).sql())
        .startsWith(
            "SELECT \"pk\", \"cdc_version\" FROM \"doc\".\"t\" WHERE \"pk\"['id'] IN ('it''s', 'k1',")
        .endsWith("'k999')");
    assertThat(lookups.get(2).sql()).contains("'k2000', ").endsWith("'k2499')");
  }

  @Test
  void aBigintKeyIsANumberLiteral() {
    KeySchema keys =
        new KeySchema(
            List.of(new KeySchema.KeyColumn("n", KeySchema.KeyType.N, KeySchema.NumberKey.BIGINT)));

    List<TargetSql.RowLookup> lookups =
        sql.selectRowVersions(TABLE, keys, List.of("{\"n\":7}", "{\"n\":-12}"));

    assertThat(lookups)
        .singleElement()
        .extracting(TargetSql.RowLookup::sql)
        .asString()
        .endsWith("WHERE \"pk\"['n'] IN (7, -12)");
  }

  @Test
  void twoKeyColumnsKeepFewerThanFiveThousandCombinationsPerQuery() {
    KeySchema keys =
        new KeySchema(
            List.of(
                new KeySchema.KeyColumn("device", KeySchema.KeyType.S),
                new KeySchema.KeyColumn("ts", KeySchema.KeyType.N, KeySchema.NumberKey.TEXT)));
    List<String> pks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      pks.add("{\"device\":\"d" + i + "\",\"ts\":\"" + (1000 + i) + "\"}");
    }

    List<TargetSql.RowLookup> lookups = sql.selectRowVersions(TABLE, keys, pks);

    Pattern key =
        Pattern.compile("\\(\"pk\"\\['device'\\] = '(d\\d+)' AND \"pk\"\\['ts'\\] = '(\\d+)'\\)");
    Set<String> all = new HashSet<>();
    for (TargetSql.RowLookup lookup : lookups) {
      Set<String> devices = new HashSet<>();
      Set<String> times = new HashSet<>();
      Matcher m = key.matcher(lookup.sql());
      while (m.find()) {
        devices.add(m.group(1));
        times.add(m.group(2));
        all.add(m.group(1) + "/" + m.group(2));
      }
      assertThat(devices.size() * times.size()).isLessThan(CrateDbSql.LOOKUP_COMBINATIONS);
      assertThat(lookup.sql()).contains(") OR (");
    }
    assertThat(all).hasSize(300);
    assertThat(lookups.size()).isLessThanOrEqualTo(300 / 70 + 1);
  }
}
