package io.cdcrelay.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.sink.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a target table back and rebuilds each item from {@code pk}, {@code data} and {@code aux}
 * (SPEC §5), in a plain JSON form in which source items can be compared: numbers exact, sets as
 * arrays, binary as base64 text.
 */
public final class TableRows {

  // Parsers that read any DynamoDB item (attribute names of up to 65,535 bytes).
  private static final ObjectMapper JSON =
      io.cdcrelay.decode.DynamoDbJson.plainMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** One row as stored. */
  public record Row(JsonNode pk, JsonNode data, JsonNode aux, String version, Boolean deleted) {
    /** The item rebuilt from its row. */
    public JsonNode item() {
      ObjectNode item = NODES.objectNode();
      pk.fields().forEachRemaining(e -> item.set(e.getKey(), plain(e.getValue())));
      if (data != null && !data.isNull()) {
        data.fields().forEachRemaining(e -> item.set(e.getKey(), plain(e.getValue())));
      }
      if (aux != null && !aux.isNull()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = aux.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          item.set(e.getKey(), plain(DynamoDbJson.readValue(e.getValue(), "aux")));
        }
      }
      return item;
    }
  }

  private TableRows() {}

  /** All rows of the table, live and deleted, by their pk JSON. */
  public static Map<String, Row> read(TargetDatabase database, TableName table) throws Exception {
    database.refresh(table);
    Map<String, Row> rows = new TreeMap<>();
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"pk\", \"data\", \"aux\", \"cdc_version\", \"cdc_deleted\" FROM "
                    + table.quoted())) {
      while (rs.next()) {
        JsonNode pk = parse(rs.getString(1));
        rows.put(
            JSON.writeValueAsString(pk),
            new Row(
                pk,
                parse(rs.getString(2)),
                parse(rs.getString(3)),
                rs.getString(4),
                (Boolean) rs.getObject(5)));
      }
    }
    return rows;
  }

  /** The tombstones ({@code hard} deletes) of the table: version by pk JSON. */
  public static Map<String, String> tombstones(TargetDatabase database, TableName table)
      throws Exception {
    Map<String, String> versions = new TreeMap<>();
    for (String[] row : stateRows(database, table, "cdc_relay_tombstones", "pk", "version")) {
      versions.put(JSON.writeValueAsString(parse(row[0])), row[1]);
    }
    return versions;
  }

  /** The table's rows in the status table, each as "LAST_SEQUENCE_NUMBER received N". */
  public static List<String> status(TargetDatabase database, TableName table) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    for (String[] row :
        stateRows(database, table, "cdc_relay_status", "last_sequence_number", "received")) {
      rows.add(row[0] + " received " + row[1]);
    }
    return rows;
  }

  /**
   * The rows of a state table (in the table's schema) about the table, the columns as text; none
   * while the state table does not exist.
   */
  private static List<String[]> stateRows(
      TargetDatabase database, TableName table, String stateTable, String... columns)
      throws Exception {
    TableName state = new TableName(table.schema(), stateTable);
    List<String[]> rows = new java.util.ArrayList<>();
    try {
      database.refresh(state);
      try (Connection c = database.connect();
          java.sql.PreparedStatement s =
              c.prepareStatement(
                  "SELECT \""
                      + String.join("\", \"", columns)
                      + "\" FROM "
                      + state.quoted()
                      + " WHERE \"target_table\" = ?")) {
        s.setString(1, table.toString());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            String[] row = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
              row[i] = rs.getString(i + 1);
            }
            rows.add(row);
          }
        }
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains(stateTable)) {
        return rows;
      }
      throw e;
    }
    return rows;
  }

  /** Live items only, rebuilt, by their pk JSON. */
  public static Map<String, JsonNode> liveItems(TargetDatabase database, TableName table)
      throws Exception {
    Map<String, JsonNode> items = new TreeMap<>();
    read(database, table)
        .forEach(
            (pk, row) -> {
              if (!Boolean.TRUE.equals(row.deleted())) {
                items.put(pk, row.item());
              }
            });
    return items;
  }

  /**
   * Live items, rebuilt with the named number keys as numbers: a CrateDB table the relay creates
   * holds a number key as its canonical decimal text.
   */
  public static Map<String, JsonNode> liveItems(
      TargetDatabase database, TableName table, java.util.Set<String> numberKeys) throws Exception {
    Map<String, JsonNode> items = new TreeMap<>();
    liveItems(database, table)
        .forEach(
            (pk, item) -> {
              ObjectNode copy = (ObjectNode) item.deepCopy();
              for (String key : numberKeys) {
                JsonNode value = copy.get(key);
                if (value != null && value.isTextual()) {
                  copy.set(key, number(new BigDecimal(value.asText())));
                }
              }
              items.put(pk, copy);
            });
    return items;
  }

  /** Counts the rows of a table. */
  public static long count(TargetDatabase database, TableName table) throws SQLException {
    database.refresh(table);
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** How many shards a CrateDB table has, as {@code information_schema.tables} says. */
  public static int shards(TargetDatabase database, TableName table) throws SQLException {
    return (int)
        ofTable(
            database,
            "SELECT number_of_shards FROM information_schema.tables WHERE table_schema = ? AND"
                + " table_name = ?",
            table);
  }

  /** The one number a query of the table's schema and name (in that order) answers. */
  private static long ofTable(TargetDatabase database, String query, TableName table)
      throws SQLException {
    try (Connection c = database.connect();
        PreparedStatement s = c.prepareStatement(query)) {
      s.setString(1, table.schema());
      s.setString(2, table.table());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no table " + table);
        }
        return rs.getLong(1);
      }
    }
  }

  /** The table's column names (on CrateDB with its sub-columns, {@code pk['id']}), sorted. */
  public static List<String> columns(TargetDatabase database, TableName table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND"
                    + " table_name = ? ORDER BY column_name")) {
      s.setString(1, table.schema());
      s.setString(2, table.table());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  /** How many partitions a CrateDB table has: none unless it is partitioned. */
  public static int partitions(TargetDatabase database, TableName table) throws SQLException {
    return (int)
        ofTable(
            database,
            "SELECT count(*) FROM information_schema.table_partitions WHERE table_schema = ? AND"
                + " table_name = ?",
            table);
  }

  /** Whether the table exists in the database. */
  public static boolean exists(TargetDatabase database, TableName table) throws SQLException {
    return ofTable(
            database,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND"
                + " table_name = ?",
            table)
        > 0;
  }

  /** A source item in the plain form {@link Row#item()} gives. */
  public static JsonNode plain(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    item.forEach((name, value) -> node.set(name, plain(value)));
    return node;
  }

  private static JsonNode plain(AttributeValue value) {
    if (value instanceof AttributeValue.S s) {
      return NODES.textNode(s.value());
    } else if (value instanceof AttributeValue.N n) {
      return number(n.value());
    } else if (value instanceof AttributeValue.B b) {
      return NODES.textNode(b.base64());
    } else if (value instanceof AttributeValue.Bool b) {
      return NODES.booleanNode(b.value());
    } else if (value instanceof AttributeValue.Null) {
      return NODES.nullNode();
    } else if (value instanceof AttributeValue.M m) {
      return plain(m.value());
    }
    ArrayNode array = NODES.arrayNode();
    if (value instanceof AttributeValue.L l) {
      l.value().forEach(v -> array.add(plain(v)));
    } else if (value instanceof AttributeValue.SS ss) {
      ss.value().forEach(array::add);
    } else if (value instanceof AttributeValue.NS ns) {
      ns.value().forEach(n -> array.add(number(n)));
    } else if (value instanceof AttributeValue.BS bs) {
      bs.value().forEach(array::add);
    }
    return array;
  }

  /** A JSON value in the plain form, numbers exact without trailing zeros (for golden files). */
  public static JsonNode normalized(JsonNode value) {
    return plain(value);
  }

  private static JsonNode plain(JsonNode stored) {
    if (stored.isNumber()) {
      return number(stored.decimalValue());
    } else if (stored.isObject()) {
      ObjectNode node = NODES.objectNode();
      stored.fields().forEachRemaining(e -> node.set(e.getKey(), plain(e.getValue())));
      return node;
    } else if (stored.isArray()) {
      ArrayNode node = NODES.arrayNode();
      stored.forEach(v -> node.add(plain(v)));
      return node;
    }
    return stored;
  }

  private static JsonNode number(BigDecimal value) {
    return NODES.numberNode(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
  }

  private static JsonNode parse(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new SQLException(
          "not JSON: " + (json.length() > 200 ? json.substring(0, 200) + "…" : json), e);
    }
  }
}
