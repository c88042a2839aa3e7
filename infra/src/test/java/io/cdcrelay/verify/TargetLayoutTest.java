package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.KeySchema.KeyType;
import io.cdcrelay.sink.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What verify refuses before its Scan: a target table missing, of another layout, keyed otherwise.
 */
class TargetLayoutTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableName TABLE = new TableName("doc", "orders");
  private static final List<KeySchema.KeyColumn> ID_S = List.of(key("id", KeyType.S));
  private static final List<KeySchema.KeyColumn> PK_S_SK_N =
      List.of(key("pk", KeyType.S), key("sk", KeyType.N));

  private static KeySchema.KeyColumn key(String name, KeyType type) {
    return new KeySchema.KeyColumn(name, type);
  }

  /** The columns of a CrateDB table of the relay's layout with these key columns. */
  private static Map<String, String> crateDb(String... keyColumns) {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("pk", "object");
    for (int i = 0; i < keyColumns.length; i += 2) {
      columns.put("pk['" + keyColumns[i] + "']", keyColumns[i + 1]);
    }
    columns.put("data", "object");
    columns.put("data['v']", "text");
    columns.put("aux", "object");
    columns.put("cdc_version", "text");
    columns.put("cdc_deleted", "boolean");
    return columns;
  }

  private static Map<String, String> postgreSql() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("pk", "jsonb");
    columns.put("data", "jsonb");
    columns.put("aux", "jsonb");
    columns.put("cdc_version", "text");
    columns.put("cdc_deleted", "boolean");
    return columns;
  }

  private static Optional<String> crateDbProblem(
      Map<String, String> columns, List<KeySchema.KeyColumn> keys) {
    return TargetLayout.problem(TABLE, columns, true, Optional.empty(), "Orders", keys);
  }

  private static Optional<String> postgreSqlProblem(String firstKey, List<KeySchema.KeyColumn> keys)
      throws Exception {
    Optional<JsonNode> pk =
        firstKey == null ? Optional.empty() : Optional.of(JSON.readTree(firstKey));
    return TargetLayout.problem(TABLE, postgreSql(), false, pk, "Orders", keys);
  }

  @Test
  void aMissingTableIsNamedWithWhatToDo() throws Exception {
    assertThat(TargetLayout.problem(TABLE, Map.of(), false, Optional.empty(), "Orders", ID_S))
        .hasValue(
            "the target table doc.orders does not exist: load it first with `relay load"
                + " dynamodb://…/Orders TARGET`, or name the table Orders was loaded into"
                + " (TARGET's table option, --table, --table-map); nothing was scanned");
    // CrateDB hides a table from a user who may not read it.
    assertThat(crateDbProblem(Map.of(), ID_S))
        .hasValue(
            "the target table doc.orders does not exist (or the target URL's user may not read"
                + " it: CrateDB answers as if a table a user may not read did not exist; grant it"
                + " DQL on the table): load it first with `relay load dynamodb://…/Orders"
                + " TARGET`, or name the table Orders was loaded into (TARGET's table option,"
                + " --table, --table-map); nothing was scanned");
  }

  @Test
  void aTableOfAnotherLayoutNamesTheColumnsItLacks() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("v", "text");
    columns.put("id", "text");
    columns.put("data", "object");
    columns.put("data['x']", "text");
    assertThat(crateDbProblem(columns, ID_S))
        .hasValue(
            "the target table doc.orders is not a table of the relay's layout: it has no column"
                + " \"pk\", \"aux\" (its columns: \"data\", \"id\", \"v\");"
                + " nothing was scanned");
  }

  @Test
  void crateDbKeyColumnsMatchByNameAndTypeAsTheRelayWritesThem() {
    assertThat(crateDbProblem(crateDb("id", "text"), ID_S)).isEmpty();
    assertThat(crateDbProblem(crateDb("pk", "text", "sk", "text"), PK_S_SK_N)).isEmpty();
    // The reference tool's layout: a number key as BIGINT.
    assertThat(crateDbProblem(crateDb("pk", "text", "sk", "bigint"), PK_S_SK_N)).isEmpty();
    assertThat(crateDbProblem(crateDb("id", "text"), List.of(key("id", KeyType.B)))).isEmpty();
  }

  @Test
  void crateDbKeyColumnsOfOtherNamesOrTypesAreRefusedNamingBothKeySchemas() {
    assertThat(crateDbProblem(crateDb("id", "text"), PK_S_SK_N))
        .hasValue(
            "the target table doc.orders is keyed by [\"pk\"['id'] text], the DynamoDB table"
                + " Orders by [pk (S), sk (N)]: it is not the table Orders was loaded into (check"
                + " TARGET's table option, --table, --table-map); nothing was scanned");
    // One key of two; a sort key the DynamoDB table lacks.
    assertThat(crateDbProblem(crateDb("pk", "text"), PK_S_SK_N)).isPresent();
    assertThat(crateDbProblem(crateDb("id", "text", "at", "text"), ID_S)).isPresent();
    // An integer column holds no string key.
    assertThat(crateDbProblem(crateDb("id", "bigint"), ID_S).orElseThrow())
        .contains("keyed by [\"pk\"['id'] bigint], the DynamoDB table Orders by [id (S)]");
    assertThat(crateDbProblem(crateDb("id", "double"), List.of(key("id", KeyType.N)))).isPresent();
    assertThat(crateDbProblem(crateDb("id", "text_array"), ID_S)).isPresent();
    // No key columns at all.
    assertThat(crateDbProblem(crateDb(), ID_S).orElseThrow()).contains("keyed by []");
  }

  @Test
  void postgreSqlKeysAreJudgedByOneRowsKeyNamesAndJsonTypes() throws Exception {
    assertThat(postgreSqlProblem("{\"id\":\"a\"}", ID_S)).isEmpty();
    assertThat(postgreSqlProblem("{\"id\":\"YWJj\"}", List.of(key("id", KeyType.B)))).isEmpty();
    assertThat(postgreSqlProblem("{\"pk\":\"a\",\"sk\":1.5}", PK_S_SK_N)).isEmpty();
    // An empty table has no row to tell its keys by: nothing to refuse.
    assertThat(postgreSqlProblem(null, PK_S_SK_N)).isEmpty();

    assertThat(postgreSqlProblem("{\"id\":\"a\"}", PK_S_SK_N))
        .hasValue(
            "the target table doc.orders is keyed by [id (string)] (the key names and JSON types"
                + " of a row's \"pk\"), the DynamoDB table Orders by [pk (S), sk (N)]: it is not"
                + " the table Orders was loaded into (check TARGET's table option, --table,"
                + " --table-map); nothing was scanned");
    assertThat(postgreSqlProblem("{\"id\":7}", ID_S).orElseThrow())
        .contains("keyed by [id (number)]");
    assertThat(postgreSqlProblem("{\"pk\":\"a\",\"sk\":\"1\"}", PK_S_SK_N).orElseThrow())
        .contains("keyed by [pk (string), sk (string)]");
    assertThat(postgreSqlProblem("\"a\"", ID_S).orElseThrow())
        .contains("keyed by a \"pk\" that is no object (\"a\")");
  }
}
