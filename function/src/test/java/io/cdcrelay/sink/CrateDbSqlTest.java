package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.ColumnType;
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
 * without a refresh), in queries small enough that CrateDB keeps them key lookups; and the
 * statement that adds sub-columns of {@code data} before a write; what the bulk upsert returns.
 */
class CrateDbSqlTest {

  private static final TableName TABLE = new TableName("doc", "t");
  private final CrateDbSql sql = new CrateDbSql();

  @Test
  void aKeyAttributeCrateDbCannotNameIsABadTargetNotAnOutageRetriedForEver() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                sql.createTable(
                    TABLE,
                    new KeySchema(
                        List.of(new KeySchema.KeyColumn("user.id", KeySchema.KeyType.S)))))
        .isInstanceOf(BadTargetException.class)
        .hasMessageStartingWith(
            "the DynamoDB key attribute \"user.id\" of doc.t cannot be a CrateDB column name");
    assertThat(
            sql.createTable(
                TABLE, new KeySchema(List.of(new KeySchema.KeyColumn("i d", KeySchema.KeyType.S)))))
        .contains("\"i d\" TEXT PRIMARY KEY");
  }

  @Test
  void theArraysUpsertReturnsTheVersionEachRowHoldsAndWritesNoInsertMark() {
    String upsert =
        sql.upsertArrays(
            TABLE,
            new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S))),
            false);
    assertThat(upsert)
        .contains("(SELECT * FROM UNNEST(")
        .doesNotContain("cdc_inserted")
        .endsWith("RETURNING \"pk\", \"cdc_version\"");
  }

  @Test
  void newSubColumnsAreAddedInOneStatementParentsFirstWithTheirPlannedTypes() {
    java.util.Map<List<String>, ColumnType> columns = new java.util.LinkedHashMap<>();
    columns.put(List.of("lines", "sku"), new ColumnType(ColumnType.Base.TEXT, 0));
    columns.put(List.of("lines"), new ColumnType(ColumnType.Base.OBJECT, 1));
    columns.put(List.of("it's"), new ColumnType(ColumnType.Base.UNDEFINED, 1));
    columns.put(List.of("m", "n"), new ColumnType(ColumnType.Base.DOUBLE, 2));
    columns.put(List.of("flag"), new ColumnType(ColumnType.Base.BOOLEAN, 0));
    String ddl = sql.addDataColumns(TABLE, columns);
    assertThat(ddl)
        .startsWith("ALTER TABLE \"doc\".\"t\" ADD COLUMN ")
        .contains("ADD COLUMN \"data\"['lines'] ARRAY(OBJECT(DYNAMIC))")
        .contains("ADD COLUMN \"data\"['lines']['sku'] TEXT")
        .contains("ADD COLUMN \"data\"['it''s'] ARRAY(UNDEFINED)")
        .contains("ADD COLUMN \"data\"['m']['n'] ARRAY(ARRAY(DOUBLE PRECISION))")
        .contains("ADD COLUMN \"data\"['flag'] BOOLEAN");
    assertThat(ddl.indexOf("['lines'] ")).isLessThan(ddl.indexOf("['lines']['sku']"));
    assertThat(ddl.split("ADD COLUMN", -1)).hasSize(6);
  }

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

  @Test
  void longKeysMakeMoreLookupsNoneLongerThanCrateDbAccepts() {
    // CrateDB refuses a statement longer than statement_max_length (262,144 characters by
    // default): a thousand keys of 2,000 characters are 2 MB of literals.
    KeySchema keys = new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));
    List<String> pks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      pks.add("{\"id\":\"" + "k'".repeat(1000) + i + "\"}");
    }

    List<TargetSql.RowLookup> lookups = sql.selectRowVersions(TABLE, keys, pks);

    assertThat(lookups).hasSizeGreaterThan(10);
    assertThat(lookups).allSatisfy(l -> assertThat(l.sql().length()).isLessThan(262_144));
    int found = 0;
    for (TargetSql.RowLookup lookup : lookups) {
      found += lookup.sql().split("'\\)|', '").length;
    }
    assertThat(found).isEqualTo(1000);
  }

  @Test
  void tombstoneLookupsHoldAThousandIdsOrFewerWhenTheyAreLong() {
    StateSql state = new StateSql("state", "TEXT", false);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      ids.add("doc.t/{\"id\":\"k" + i + "\"}");
    }
    ids.set(0, "doc.t/{\"id\":\"it's\"}");

    List<String> small = state.selectTombstones(ids);

    assertThat(small).hasSize(3);
    assertThat(small.get(0))
        .startsWith(
            "SELECT \"id\", \"version\" FROM \"state\".\"cdc_relay_tombstones\" WHERE \"id\" IN"
                + " ('doc.t/{\"id\":\"it''s\"}', 'doc.t/{\"id\":\"k1\"}',")
        .endsWith("'doc.t/{\"id\":\"k999\"}')");
    assertThat(small.get(2)).endsWith("'doc.t/{\"id\":\"k2499\"}')");

    List<String> longIds = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      longIds.add("doc.t/{\"id\":\"" + "x".repeat(2000) + i + "\"}");
    }
    List<String> long_ = state.selectTombstones(longIds);
    assertThat(long_).hasSizeGreaterThan(10);
    assertThat(long_).allSatisfy(sql -> assertThat(sql.length()).isLessThan(262_144));
    assertThat(String.join("", long_).split("x{2000}").length - 1).isEqualTo(1000);
  }
}
