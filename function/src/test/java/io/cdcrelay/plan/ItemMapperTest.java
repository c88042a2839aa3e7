package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per row of the SPEC §5 table of CrateDB facts, plus the PostgreSQL variant. */
class ItemMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeySchema KEYS =
      new KeySchema(List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)));

  private final ItemMapper crate = new ItemMapper(true, ItemMapper.CRATEDB_MAX_TEXT_BYTES);
  private final ItemMapper postgres = new ItemMapper(false, Integer.MAX_VALUE);

  private static Map<String, AttributeValue> item(String dynamoDbJson) throws Exception {
    return DynamoDbJson.readItem(
        JSON.readTree("{\"id\":{\"S\":\"k\"}," + dynamoDbJson + "}"), "item");
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private ItemMapper.Mapped map(ItemMapper mapper, String attributes, ColumnTypes types)
      throws Exception {
    return mapper.map(item(attributes), KEYS, types, Set.of(), false);
  }

  private static ColumnTypes known(String path, String type) {
    Map<List<String>, ColumnType> types = new HashMap<>();
    types.put(List.of(path), ColumnType.parse(type));
    return ColumnTypes.of(types, 6, ColumnTypes.DEFAULT_COLUMN_LIMIT);
  }

  @Test
  void numbersAreWrittenAsDoublesSoANewColumnIsNeverBigint() throws Exception {
    ItemMapper.Mapped mapped = map(crate, "\"x\":{\"N\":\"42\"}", ColumnTypes.empty());
    assertThat(mapped.dataJson()).isEqualTo("{\"x\":42.0}");
  }

  @Test
  void anItemWhoseAttributesAllFitDataHasAnEmptyAuxObject() throws Exception {
    ItemMapper.Mapped mapped = map(crate, "\"x\":{\"N\":\"42\"}", ColumnTypes.empty());
    assertThat(mapped.auxJson()).isEqualTo("{}");
    assertThat(mapped.inAux()).isEmpty();
  }

  @Test
  void fractionForAColumnCrateDbFixedAsBigintGoesToAux() throws Exception {
    ColumnTypes types = known("x", "bigint");
    assertThat(map(crate, "\"x\":{\"N\":\"42\"}", types).dataJson()).isEqualTo("{\"x\":42.0}");
    ItemMapper.Mapped fraction = map(crate, "\"x\":{\"N\":\"42.5\"}", types);
    assertThat(fraction.dataJson()).isEqualTo("{}");
    assertThat(json(fraction.auxJson())).isEqualTo(json("{\"x\":{\"N\":\"42.5\"}}"));
  }

  @Test
  void textForANumericColumnGoesToAux() throws Exception {
    ItemMapper.Mapped mapped = map(crate, "\"x\":{\"S\":\"str\"}", known("x", "double precision"));
    assertThat(mapped.dataJson()).isEqualTo("{}");
    assertThat(mapped.inAux()).containsExactly("x");
  }

  @Test
  void theColumnsAnItemCreatesHaveTheTypesCrateDbReportsForThem() throws Exception {
    // What CrateDB 6.4.3 lists in information_schema.columns after writing this item: a field of
    // an array of objects counts only the arrays below its own object.
    ColumnTypes planned = ColumnTypes.empty();
    ItemMapper.Mapped mapped =
        map(
            crate,
            "\"lines\":{\"L\":[{\"M\":{\"sku\":{\"S\":\"x\"},\"tags\":{\"SS\":[\"p\",\"q\"]},"
                + "\"deep\":{\"M\":{\"n\":{\"N\":\"1\"}}},"
                + "\"mat\":{\"L\":[{\"L\":[{\"N\":\"1\"}]}]}}}]}",
            planned);
    Map<List<String>, ColumnType> reported = new HashMap<>();
    reported.put(List.of("lines"), ColumnType.parse("object_array"));
    reported.put(List.of("lines", "sku"), ColumnType.parse("text"));
    reported.put(List.of("lines", "tags"), ColumnType.parse("text_array"));
    reported.put(List.of("lines", "deep"), ColumnType.parse("object"));
    reported.put(List.of("lines", "deep", "n"), ColumnType.parse("double precision"));
    reported.put(List.of("lines", "mat"), ColumnType.parse("double precision_array_array"));
    assertThat(mapped.newColumns()).isEqualTo(reported);
    reported.forEach((path, type) -> assertThat(planned.get(path)).as("%s", path).contains(type));
  }

  @Test
  void aNullOrAnEmptyListWithoutAColumnWaitsInAuxAndTheFirstValueTypesTheColumn() throws Exception {
    // An undefined column (CrateDB's for a null or []) would take no later value: every later
    // "tags" would go to aux for good. Without a column they wait in aux instead.
    ColumnTypes types = ColumnTypes.empty();
    ItemMapper.Mapped first =
        map(
            crate,
            "\"gone\":{\"NULL\":true},\"tags\":{\"L\":[]},\"m\":{\"M\":{\"z\":{\"NULL\":true}}}",
            types);
    assertThat(first.newColumns()).isEmpty();
    assertThat(first.inAux()).containsExactlyInAnyOrder("gone", "tags", "m");

    ItemMapper.Mapped second =
        map(
            crate,
            "\"gone\":{\"S\":\"x\"},\"tags\":{\"SS\":[\"a\"]},\"m\":{\"M\":{\"z\":{\"N\":\"1\"}}}",
            types);
    assertThat(second.inAux()).isEmpty();
    assertThat(second.newColumns())
        .containsOnly(
            Map.entry(List.of("gone"), new ColumnType(ColumnType.Base.TEXT, 0)),
            Map.entry(List.of("tags"), new ColumnType(ColumnType.Base.TEXT, 1)),
            Map.entry(List.of("m"), new ColumnType(ColumnType.Base.OBJECT, 0)),
            Map.entry(List.of("m", "z"), new ColumnType(ColumnType.Base.DOUBLE, 0)));

    // Once typed, a null or an empty list fits the column.
    ItemMapper.Mapped third =
        map(
            crate,
            "\"gone\":{\"NULL\":true},\"tags\":{\"L\":[]},\"m\":{\"M\":{\"z\":{\"NULL\":true}}}",
            types);
    assertThat(third.inAux()).isEmpty();
  }

  @Test
  void anEmptyListInsideAListFitsOnlyAnArrayColumnOfTwoLevels() throws Exception {
    // [[]] in a text_array column: CrateDB casts the inner [] to text and refuses the whole bulk.
    assertThat(map(crate, "\"tags\":{\"L\":[{\"L\":[]}]}", known("tags", "text_array")).inAux())
        .containsExactly("tags");
    assertThat(
            map(crate, "\"tags\":{\"L\":[{\"L\":[]}]}", known("tags", "array(text_array)")).inAux())
        .isEmpty();
    assertThat(map(crate, "\"tags\":{\"L\":[]}", known("tags", "text_array")).inAux()).isEmpty();
  }

  @Test
  void eachItemNeedsTheNewColumnsItHoldsEvenThoseAnEarlierItemOfTheBatchAdded() throws Exception {
    ColumnTypes types = known("s", "text");
    ItemMapper.Mapped first = map(crate, "\"s\":{\"S\":\"a\"},\"x\":{\"N\":\"1\"}", types);
    ItemMapper.Mapped second = map(crate, "\"s\":{\"S\":\"b\"},\"x\":{\"N\":\"2\"}", types);
    ItemMapper.Mapped third = map(crate, "\"s\":{\"S\":\"c\"}", types);
    ColumnType dbl = new ColumnType(ColumnType.Base.DOUBLE, 0);
    assertThat(first.newColumns()).containsOnly(Map.entry(List.of("x"), dbl));
    assertThat(second.newColumns())
        .as("written alone, it must still create x")
        .containsOnly(Map.entry(List.of("x"), dbl));
    assertThat(third.newColumns()).as("s is the table's").isEmpty();
    ItemMapper.Mapped inAux = map(crate, "\"x\":{\"S\":\"text\"}", types);
    assertThat(inAux.newColumns()).as("an attribute in aux needs no column").isEmpty();
  }

  @Test
  void aColumnPlannedInOneCopyIsNeededInEveryOtherUntilTheTableHasIt() throws Exception {
    ColumnTypes table = known("s", "text");
    ColumnType dbl = new ColumnType(ColumnType.Base.DOUBLE, 0);
    String item = "\"s\":{\"S\":\"a\"},\"x\":{\"N\":\"1\"}";
    ColumnTypes planned = table.copy();
    assertThat(map(crate, item, planned).newColumns()).containsOnly(Map.entry(List.of("x"), dbl));
    assertThat(map(crate, item, table.copy()).newColumns())
        .as("another batch, planned before x was added")
        .containsOnly(Map.entry(List.of("x"), dbl));
    // A copy of the planned copy takes x for the table's: what fits there is not the table's.
    assertThat(map(crate, item, planned.copy()).newColumns()).isEmpty();
    assertThat(map(crate, item, table.copy()).newColumns())
        .containsOnly(Map.entry(List.of("x"), dbl));

    table.addExisting(Map.of(List.of("x"), dbl));
    assertThat(map(crate, item, table.copy()).newColumns()).as("x added to the table").isEmpty();
    assertThat(map(crate, item, table.copy()).newColumns()).isEmpty();
    assertThat(map(crate, "\"x\":{\"S\":\"text\"}", table.copy()).inAux())
        .as("what fitted before does not make another shape fit")
        .containsExactly("x");
  }

  @Test
  void typeFixedEarlierInTheSameBatchIsRespected() throws Exception {
    ColumnTypes types = ColumnTypes.empty();
    assertThat(map(crate, "\"x\":{\"N\":\"1.5\"}", types).inAux()).isEmpty();
    assertThat(map(crate, "\"x\":{\"S\":\"str\"}", types).inAux()).containsExactly("x");
  }

  @Test
  void nameWithADotGoesToAuxOnCrateDbOnly() throws Exception {
    assertThat(map(crate, "\"a.b\":{\"N\":\"1\"}", ColumnTypes.empty()).inAux())
        .containsExactly("a.b");
    assertThat(map(postgres, "\"a.b\":{\"N\":\"1\"}", null).inAux()).isEmpty();
  }

  @Test
  void nameWithATabNewlineOrCarriageReturnGoesToAuxASpaceStays() throws Exception {
    // CrateDB 6.4.3 refuses these in a column name ("contains illegal whitespace character").
    assertThat(
            map(
                    crate,
                    "\"a\\tb\":{\"N\":\"1\"},\"c\\nd\":{\"N\":\"1\"},\"m\":{\"M\":{\"e\\rf\":{\"N\":\"1\"}}},"
                        + "\"sp ace\":{\"N\":\"1\"}",
                    ColumnTypes.empty())
                .inAux())
        .containsExactlyInAnyOrder("a\tb", "c\nd", "m");
  }

  @Test
  void aFieldOfAnArrayOfObjectsMustHaveItsColumnsDepthAsAnywhere() throws Exception {
    // CrateDB 6.4.3 types data['lines']['sku'] text and data['lines']['tags'] text_array (the
    // arrays below the object only), and refuses the whole bulk for a value of another depth.
    Map<List<String>, ColumnType> table = new HashMap<>();
    table.put(List.of("lines"), ColumnType.parse("object_array"));
    table.put(List.of("lines", "sku"), ColumnType.parse("text"));
    table.put(List.of("lines", "tags"), ColumnType.parse("text_array"));
    table.put(List.of("lines", "dims"), ColumnType.parse("object"));
    ColumnTypes types = ColumnTypes.of(table, 10, ColumnTypes.DEFAULT_COLUMN_LIMIT);
    String fits =
        "\"lines\":{\"L\":[{\"M\":{\"sku\":{\"S\":\"a\"},\"tags\":{\"SS\":[\"x\"]},"
            + "\"dims\":{\"M\":{\"w\":{\"N\":\"1.5\"}}}}}]}";
    assertThat(map(crate, fits, types.copy()).inAux()).isEmpty();
    for (String refused :
        List.of(
            "\"lines\":{\"L\":[{\"M\":{\"sku\":{\"SS\":[\"b\"]}}}]}",
            "\"lines\":{\"L\":[{\"M\":{\"sku\":{\"L\":[]}}}]}",
            "\"lines\":{\"L\":[{\"M\":{\"tags\":{\"S\":\"y\"}}}]}",
            "\"lines\":{\"L\":[{\"M\":{\"dims\":{\"L\":[{\"M\":{\"w\":{\"N\":\"2\"}}}]}}}]}",
            "\"lines\":{\"M\":{\"sku\":{\"S\":\"z\"}}}")) {
      assertThat(map(crate, refused, types.copy()).inAux()).as(refused).containsExactly("lines");
    }
  }

  @Test
  void nameWithBracketsGoesToAux() throws Exception {
    assertThat(map(crate, "\"a[0]\":{\"N\":\"1\"}", ColumnTypes.empty()).inAux())
        .containsExactly("a[0]");
  }

  @Test
  void nestedNameWithADotTakesTheWholeAttributeToAux() throws Exception {
    ItemMapper.Mapped mapped =
        map(
            crate,
            "\"m\":{\"M\":{\"ok\":{\"N\":\"1\"},\"no.pe\":{\"N\":\"2\"}}}",
            ColumnTypes.empty());
    assertThat(mapped.inAux()).containsExactly("m");
    assertThat(mapped.dataJson()).isEqualTo("{}");
  }

  @Test
  void numberBeyondDoubleKeepsItsExactTextInAux() throws Exception {
    String digits = "123456789012345678901234567890";
    ItemMapper.Mapped mapped =
        map(crate, "\"big\":{\"N\":\"" + digits + "\"}", ColumnTypes.empty());
    assertThat(mapped.dataJson()).isEqualTo("{}");
    assertThat(json(mapped.auxJson())).isEqualTo(json("{\"big\":{\"N\":\"" + digits + "\"}}"));
  }

  @Test
  void numberThatRoundTripsThroughDoubleStaysInData() throws Exception {
    assertThat(map(crate, "\"p\":{\"N\":\"0.1\"}", ColumnTypes.empty()).dataJson())
        .isEqualTo("{\"p\":0.1}");
  }

  @Test
  void mixedTypeListGoesToAuxOnBothDatabases() throws Exception {
    String mixed = "\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}";
    assertThat(map(crate, mixed, ColumnTypes.empty()).inAux()).containsExactly("mixed");
    ItemMapper.Mapped pg = map(postgres, mixed, null);
    assertThat(json(pg.auxJson()))
        .isEqualTo(json("{\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}}"));
  }

  @Test
  void listOfObjectsWhoseFieldsDisagreeGoesToAux() throws Exception {
    String list = "\"l\":{\"L\":[{\"M\":{\"a\":{\"N\":\"1\"}}},{\"M\":{\"a\":{\"S\":\"x\"}}}]}";
    assertThat(map(crate, list, ColumnTypes.empty()).inAux()).containsExactly("l");
  }

  @Test
  void newColumnsBeyondTheLimitGoToAux() throws Exception {
    ColumnTypes nearlyFull = ColumnTypes.of(Map.of(), 999, 1000);
    ItemMapper.Mapped mapped = map(crate, "\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"}", nearlyFull);
    assertThat(mapped.dataJson()).isEqualTo("{\"a\":1.0}");
    assertThat(mapped.inAux()).containsExactly("b");
  }

  @Test
  void anEmptyMapStaysInDataAnEmptyListWaitsForItsColumn() throws Exception {
    ItemMapper.Mapped mapped =
        map(crate, "\"empty\":{\"L\":[]},\"e\":{\"M\":{}}", ColumnTypes.empty());
    assertThat(mapped.dataJson()).isEqualTo("{\"e\":{}}");
    assertThat(mapped.inAux()).containsExactly("empty");
    ItemMapper.Mapped typed = map(crate, "\"empty\":{\"L\":[]}", known("empty", "bigint_array"));
    assertThat(typed.dataJson()).isEqualTo("{\"empty\":[]}");
  }

  @Test
  void everythingGoesToAuxAsGivenWhenAsked() throws Exception {
    Map<String, AttributeValue> item =
        item(
            "\"a.b\":{\"N\":\"1\"},\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},\"s\":{\"S\":\"t\"}");
    ItemMapper.Mapped mapped = crate.map(item, KEYS, ColumnTypes.empty(), Set.of(), true);
    assertThat(mapped.dataJson()).isEqualTo("{}");
    assertThat(json(mapped.auxJson()))
        .isEqualTo(
            json(
                "{\"a.b\":{\"N\":\"1\"},\"mixed\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},"
                    + "\"s\":{\"S\":\"t\"}}"));
  }

  @Test
  void unusualButValidNamesStayInData() throws Exception {
    ItemMapper.Mapped mapped =
        map(
            crate,
            "\"_x\":{\"N\":\"1\"},\"\":{\"N\":\"1\"},\"sp ace\":{\"N\":\"1\"},\"ü\":{\"N\":\"1\"}",
            ColumnTypes.empty());
    assertThat(mapped.inAux()).isEmpty();
    assertThat(json(mapped.dataJson()))
        .isEqualTo(json("{\"_x\":1.0,\"\":1.0,\"sp ace\":1.0,\"ü\":1.0}"));
  }

  @Test
  void referenceValueMappingForEveryType() throws Exception {
    ItemMapper.Mapped mapped =
        map(
            crate,
            "\"s\":{\"S\":\"t\"},\"n\":{\"N\":\"2.5\"},\"b\":{\"B\":\"AAEC\"},\"t\":{\"BOOL\":false},"
                + "\"z\":{\"NULL\":true},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},"
                + "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},\"ss\":{\"SS\":[\"a\"]},"
                + "\"ns\":{\"NS\":[\"1\",\"2\"]},\"bs\":{\"BS\":[\"AAE=\"]}",
            ColumnTypes.empty());
    // A null without a typed column waits in aux (see above).
    assertThat(mapped.inAux()).containsExactly("z");
    assertThat(json(mapped.dataJson()))
        .isEqualTo(
            json(
                "{\"s\":\"t\",\"n\":2.5,\"b\":\"AAEC\",\"t\":false,\"m\":{\"k\":\"v\"},"
                    + "\"l\":[1.0,2.0],\"ss\":[\"a\"],\"ns\":[1.0,2.0],\"bs\":[\"AAE=\"]}"));
  }

  @Test
  void keyAttributesStayOutOfDataAndAux() throws Exception {
    ItemMapper.Mapped mapped = map(crate, "\"x\":{\"S\":\"y\"}", ColumnTypes.empty());
    assertThat(json(mapped.dataJson()).has("id")).isFalse();
  }

  @Test
  void forcedAttributesGoToAux() throws Exception {
    Map<String, AttributeValue> item = item("\"x\":{\"S\":\"y\"},\"z\":{\"S\":\"w\"}");
    ItemMapper.Mapped mapped = crate.map(item, KEYS, ColumnTypes.empty(), Set.of("x"), false);
    assertThat(mapped.inAux()).containsExactly("x");
    assertThat(mapped.dataJson()).isEqualTo("{\"z\":\"w\"}");
  }

  @Test
  void textTooLongForCrateDbToIndexGoesToAux() throws Exception {
    String fits = "x".repeat(ItemMapper.CRATEDB_MAX_TEXT_BYTES);
    String tooLong = "ü".repeat(ItemMapper.CRATEDB_MAX_TEXT_BYTES / 2 + 1);
    ItemMapper.Mapped mapped =
        map(
            crate,
            "\"fits\":{\"S\":\""
                + fits
                + "\"},\"long\":{\"S\":\""
                + tooLong
                + "\"},"
                + "\"set\":{\"SS\":[\"a\",\""
                + tooLong
                + "\"]},"
                + "\"deep\":{\"M\":{\"k\":{\"S\":\""
                + tooLong
                + "\"}}}",
            ColumnTypes.empty());
    assertThat(mapped.inAux()).containsExactlyInAnyOrder("long", "set", "deep");
    assertThat(map(postgres, "\"long\":{\"S\":\"" + tooLong + "\"}", null).inAux()).isEmpty();
  }

  @Test
  void realColumnAcceptsOnlyFloatExactNumbers() throws Exception {
    ColumnTypes types = known("r", "real");
    assertThat(map(crate, "\"r\":{\"N\":\"0.5\"}", types).inAux()).isEmpty();
    assertThat(map(crate, "\"r\":{\"N\":\"0.1\"}", types).inAux()).isEmpty();
    assertThat(map(crate, "\"r\":{\"N\":\"0.123456789\"}", types).inAux()).containsExactly("r");
  }

  @Test
  void arrayColumnTypesAreCompared() throws Exception {
    ColumnTypes types = known("tags", "text_array");
    assertThat(map(crate, "\"tags\":{\"SS\":[\"a\"]}", types).inAux()).isEmpty();
    assertThat(map(crate, "\"tags\":{\"NS\":[\"1\"]}", types).inAux()).containsExactly("tags");
    assertThat(map(crate, "\"tags\":{\"S\":\"a\"}", types).inAux()).containsExactly("tags");
  }

  @Test
  void nestedTypesAreCompared() throws Exception {
    Map<List<String>, ColumnType> known = new LinkedHashMap<>();
    known.put(List.of("m"), ColumnType.parse("object"));
    known.put(List.of("m", "k"), ColumnType.parse("bigint"));
    ColumnTypes types = ColumnTypes.of(known, 7, 1000);
    assertThat(map(crate, "\"m\":{\"M\":{\"k\":{\"N\":\"3\"}}}", types).inAux()).isEmpty();
    assertThat(map(crate, "\"m\":{\"M\":{\"k\":{\"S\":\"3\"}}}", types).inAux())
        .containsExactly("m");
    assertThat(map(crate, "\"m\":{\"S\":\"scalar\"}", types).inAux()).containsExactly("m");
  }

  @Test
  void aValueOfAShapeThatFittedBeforeFitsAndOneOfAnotherShapeIsCheckedAgain() throws Exception {
    String tooLong = "x".repeat(ItemMapper.CRATEDB_MAX_TEXT_BYTES + 1);
    // The columns exist once the first item planned them; then its shapes fit as they are.
    ColumnTypes table = ColumnTypes.empty();
    ItemMapper.Mapped first =
        map(
            crate,
            "\"n\":{\"N\":\"7\"},\"s\":{\"S\":\"a\"},\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}},"
                + "\"l\":{\"L\":[{\"N\":\"1\"}]},\"ns\":{\"NS\":[\"2\"]}",
            table);
    table = ColumnTypes.of(Map.of(), 5, ColumnTypes.DEFAULT_COLUMN_LIMIT);
    table.addExisting(first.newColumns());
    map(
        crate,
        "\"n\":{\"N\":\"7\"},\"s\":{\"S\":\"a\"},\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}},"
            + "\"l\":{\"L\":[{\"N\":\"1\"}]},\"ns\":{\"NS\":[\"2\"]}",
        table);
    assertThat(table.fitsAsIs("n", new AttributeValue.N(new java.math.BigDecimal("8")), 100))
        .as("remembered")
        .isTrue();
    assertThat(map(crate, "\"n\":{\"N\":\"7.5\"}", table).inAux())
        .as("a fraction for a whole-number shape, into a double column")
        .isEmpty();
    assertThat(map(crate, "\"s\":{\"S\":\"" + tooLong + "\"}", table).inAux()).containsExactly("s");
    assertThat(
            map(crate, "\"m\":{\"M\":{\"k\":{\"N\":\"1\"},\"a.b\":{\"N\":\"1\"}}}", table).inAux())
        .as("a field more, whose name CrateDB refuses")
        .containsExactly("m");
    assertThat(map(crate, "\"m\":{\"M\":{\"k\":{\"S\":\"1\"}}}", table).inAux())
        .containsExactly("m");
    assertThat(map(crate, "\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"1\"}]}", table).inAux())
        .containsExactly("l");
    assertThat(map(crate, "\"ns\":{\"NS\":[\"2\",\"0.12345678901234567890123\"]}", table).inAux())
        .containsExactly("ns");
    ItemMapper.Mapped again =
        map(crate, "\"m\":{\"M\":{\"k\":{\"N\":\"5\"}}},\"l\":{\"L\":[]}", table);
    assertThat(again.inAux()).as("an empty list fits the array column").isEmpty();
    assertThat(again.dataJson()).isEqualTo("{\"m\":{\"k\":5.0},\"l\":[]}");
  }

  @Test
  void withoutColumnTypesAValueOfAShapeDataHeldBeforeStaysAndOneDataCannotHoldGoesToAux()
      throws Exception {
    ItemMapper pg = new ItemMapper(false, Integer.MAX_VALUE);
    String held =
        "\"n\":{\"N\":\"7\"},\"l\":{\"L\":[{\"N\":\"1\"}]},\"ns\":{\"NS\":[\"2\"]},"
            + "\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}}";
    assertThat(map(pg, held, null).inAux()).isEmpty();
    assertThat(map(pg, held, null).inAux()).as("again, by the shapes it remembers").isEmpty();
    String beyondDouble = "0.12345678901234567890123";
    assertThat(map(pg, "\"n\":{\"N\":\"" + beyondDouble + "\"}", null).inAux())
        .containsExactly("n");
    assertThat(map(pg, "\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"1\"}]}", null).inAux())
        .containsExactly("l");
    assertThat(map(pg, "\"ns\":{\"NS\":[\"2\",\"" + beyondDouble + "\"]}", null).inAux())
        .containsExactly("ns");
    assertThat(map(pg, "\"m\":{\"M\":{\"k\":{\"N\":\"" + beyondDouble + "\"}}}", null).inAux())
        .containsExactly("m");
    assertThat(map(pg, "\"m\":{\"M\":{\"k\":{\"S\":\"text\"}}}", null).inAux())
        .as("another shape: JSONB holds it")
        .isEmpty();
  }
}
