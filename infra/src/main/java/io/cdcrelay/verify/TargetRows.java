package io.cdcrelay.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.sink.CrateDbSql;
import io.cdcrelay.sink.JdbcConnections;
import io.cdcrelay.sink.PostgreSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetSql;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.sink.TargetUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.postgresql.util.PGobject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a target table for verify: all rows in one pass through a cursor, a bounded {@code FETCH}
 * at a time (after a {@code REFRESH} on CrateDB, so that the pass sees every write), and single
 * rows by their primary key (a real-time lookup on CrateDB: {@code "pk"['k'] = ?} for each key
 * column; the JSONB key on PostgreSQL). Over a connection of its own.
 */
public final class TargetRows implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetRows.class);
  private static final String CURSOR = "cdc_relay_verify";

  /**
   * A row as verify compares it.
   *
   * @param strayKey the row's stored {@code pk} when it holds a key the relay never writes ({@link
   *     #isStrayKey}): no item can have that key, and {@code key} may be another row's; {@code
   *     null} otherwise
   */
  public record Row(String key, JsonNode item, boolean deleted, boolean expired, String strayKey) {

    public Row(String key, JsonNode item, boolean deleted, boolean expired) {
      this(key, item, deleted, expired, null);
    }
  }

  private final TargetUrl url;
  private final Supplier<String> password;
  private final int socketTimeoutSeconds;
  private Connection connection;
  private Boolean crateDb;

  public TargetRows(TargetUrl url, Supplier<String> password, int socketTimeoutSeconds) {
    this.url = url;
    this.password = password;
    this.socketTimeoutSeconds = socketTimeoutSeconds;
  }

  /** Whether the table exists. */
  public boolean exists(TableName table) {
    return !columns(table).isEmpty();
  }

  /**
   * Why the table cannot be compared with the DynamoDB table {@code sourceTable} of {@code keys}
   * ({@link TargetLayout}), or empty when it can: the table's columns, and on PostgreSQL one row's
   * key, read before any other row.
   */
  public Optional<String> layoutProblem(
      TableName table, String sourceTable, List<KeySchema.KeyColumn> keys) {
    Map<String, String> types = columnTypes(table);
    if (types.isEmpty()) {
      // The catalogue lists only what the user may use: a table it may not read looks missing.
      Optional<String> denied = readDenied(table);
      if (denied.isPresent()) {
        return denied;
      }
    }
    Optional<JsonNode> firstKey = Optional.empty();
    if (!crateDb && "jsonb".equals(types.get("pk"))) {
      firstKey = sampleKey(table, new KeySchema(keys));
    }
    return TargetLayout.problem(table, types, crateDb, firstKey, sourceTable, keys);
  }

  /**
   * Why the user may not read the table, when a query of it is refused for a missing privilege
   * (PostgreSQL's SQLSTATE 42501); empty when it is not (the table is missing, say). CrateDB
   * answers a table the user may not read as missing ("Schema 'doc' unknown"): {@link TargetLayout}
   * says so.
   */
  private Optional<String> readDenied(TableName table) {
    try (Statement statement = connect().createStatement()) {
      statement.executeQuery("SELECT 1 FROM " + table.quoted() + " LIMIT 0").close();
      return Optional.empty();
    } catch (SQLException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (!"42501".equals(e.getSQLState())) {
        return Optional.empty();
      }
      return Optional.of(
          "the user "
              + (url.user() == null ? "of the target URL" : url.user())
              + " may not read the target table "
              + table
              + " ("
              + message.lines().findFirst().orElse("").strip()
              + "): grant it SELECT on the table, or verify as a user who may; nothing was"
              + " scanned");
    }
  }

  /** The rows whose {@code pk} the layout check looks at, at most. */
  static final int SAMPLED_KEYS = 100;

  /**
   * The {@code pk} of a row of the table, if it has any: the first of up to {@value #SAMPLED_KEYS}
   * rows that holds a key as the relay writes it, else the first (a stray row written by hand does
   * not make the table another table's; rows that all hold other keys do).
   */
  private Optional<JsonNode> sampleKey(TableName table, KeySchema keys) {
    try (Statement statement = connect().createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT \"pk\" FROM " + table.quoted() + " LIMIT " + SAMPLED_KEYS)) {
      return sampleKey(rs, keys);
    } catch (SQLException e) {
      throw failure("reading rows of " + table, e);
    }
  }

  private static Optional<JsonNode> sampleKey(ResultSet rs, KeySchema keys) throws SQLException {
    JsonNode first = null;
    while (rs.next()) {
      JsonNode pk = json(rs.getString(1));
      if (pk != null && !isStrayKey(pk, keys, false)) {
        return Optional.of(pk);
      }
      first = first == null ? pk : first;
    }
    return Optional.ofNullable(first);
  }

  /**
   * Reads every row of the table, in one pass, handing each to {@code rows}; each fetch holds about
   * {@code fetchBytes} of rows.
   */
  public void readAll(TableName table, KeySchema keys, long fetchBytes, Consumer<Row> rows) {
    readAll(table, keys, new FetchSize(fetchBytes), rows);
  }

  /** {@link #readAll(TableName, KeySchema, long, Consumer)}, its fetches sized by {@code fetch}. */
  void readAll(TableName table, KeySchema keys, FetchSize fetch, Consumer<Row> rows) {
    Set<String> columns = columns(table);
    if (columns.isEmpty()) {
      return;
    }
    boolean expiry = columns.contains("cdc_expired_at");
    boolean deletes = columns.contains("cdc_deleted");
    try {
      Connection c = connect();
      if (crateDb) {
        try (Statement refresh = c.createStatement()) {
          refresh.execute("REFRESH TABLE " + table.quoted());
        }
      }
      // Through a cursor, a FETCH at a time: CrateDB 6.4.3 ignores a query's fetch size (the
      // protocol's row limit) once it selects "aux", an OBJECT(IGNORED) column, and sends every
      // row at once. A cursor needs a transaction on PostgreSQL; CrateDB ignores it.
      c.setAutoCommit(false);
      boolean read = false;
      try (Statement statement = c.createStatement()) {
        statement.execute(
            "DECLARE " + CURSOR + " NO SCROLL CURSOR FOR " + select(table, expiry, deletes));
        int[] size = new int[1];
        while (true) {
          int wanted = fetch.next();
          int fetched = 0;
          try (ResultSet rs = statement.executeQuery("FETCH " + wanted + " FROM " + CURSOR)) {
            while (rs.next()) {
              fetched++;
              Row row = row(rs, expiry, keys, size);
              fetch.read(size[0]);
              rows.accept(row);
            }
          }
          if (fetched < wanted) {
            break;
          }
        }
        statement.execute("CLOSE " + CURSOR);
        read = true;
      } finally {
        if (read) {
          c.setAutoCommit(true);
        } else {
          endAfterFailure(c);
        }
      }
    } catch (SQLException e) {
      throw failure("reading " + table, e);
    }
  }

  /**
   * Ends the cursor's transaction after a failed read or a reader that gave up: rolled back, not
   * committed (PostgreSQL refuses to commit a failed transaction, and that refusal would hide the
   * failure), and any failure of its own left to the connection's close rather than thrown.
   */
  private static void endAfterFailure(Connection c) {
    try {
      c.rollback();
      c.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.debug("ending the cursor's transaction after a failure: {}", e.getMessage());
    }
  }

  /**
   * The rows of {@code keys} (each as {@link PlainItems} writes it) that exist, by their key text;
   * a few key lookups ({@link TargetSql#selectRows}: on CrateDB real-time ones of literals) instead
   * of one query per key.
   */
  public Map<String, Row> readMany(TableName table, KeySchema schema, List<JsonNode> keys) {
    Map<String, String> types = columnTypes(table);
    if (types.isEmpty() || keys.isEmpty()) {
      return Map.of();
    }
    boolean expiry = types.containsKey("cdc_expired_at");
    boolean deletes = types.containsKey("cdc_deleted");
    Map<String, Row> found = new HashMap<>();
    try {
      Connection c = connect();
      List<String> pkJsons = new ArrayList<>(keys.size());
      for (JsonNode key : keys) {
        storedKey(key, schema, types, crateDb).ifPresent(pkJsons::add);
      }
      if (pkJsons.isEmpty()) {
        return found;
      }
      TargetSql sql = crateDb ? new CrateDbSql() : new PostgreSql();
      for (TargetSql.RowLookup lookup :
          sql.selectRows(columns(expiry, deletes), table, schema, pkJsons)) {
        try (PreparedStatement statement = c.prepareStatement(lookup.sql())) {
          for (int i = 0; i < lookup.jsonValues().size(); i++) {
            PGobject json = new PGobject();
            json.setType(sql.jsonType());
            json.setValue(lookup.jsonValues().get(i));
            statement.setObject(i + 1, json);
          }
          try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              Row row = row(rs, expiry, schema);
              found.put(row.key(), row);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw failure("reading rows of " + table, e);
    }
    return found;
  }

  /**
   * The integer types of a key column the layout check lets hold number keys, and the largest each
   * holds: a key beyond it can have no row, and as a literal it would fail the whole lookup.
   */
  private static final Map<String, Long> INTEGER_KEYS =
      Map.of(
          "bigint", Long.MAX_VALUE,
          "integer", (long) Integer.MAX_VALUE,
          "smallint", (long) Short.MAX_VALUE);

  /**
   * A key as its row's {@code pk} holds it, as JSON: on CrateDB a number key is its canonical
   * decimal text, or an integer in an integer key column ({@code BIGINT}, the reference tool's, or
   * {@code INTEGER}, {@code SMALLINT}); on PostgreSQL the key as given. Empty when no row can hold
   * it (a key value missing, or a number the key column's type does not hold).
   *
   * @param types the table's columns and their types ({@code pk['k']} for a CrateDB key column)
   */
  static Optional<String> storedKey(
      JsonNode key, KeySchema schema, Map<String, String> types, boolean crateDb) {
    ObjectNode stored = JsonNodeFactory.withExactBigDecimals(true).objectNode();
    for (KeySchema.KeyColumn column : schema.columns()) {
      JsonNode value = key.get(column.name());
      if (value == null || value.isNull()) {
        return Optional.empty();
      }
      if (crateDb && value.isNumber()) {
        Long largest = INTEGER_KEYS.get(types.get("pk['" + column.name() + "']"));
        if (largest != null) {
          long integer;
          try {
            integer = value.decimalValue().longValueExact();
          } catch (ArithmeticException e) {
            return Optional.empty();
          }
          if (integer > largest || integer < -largest - 1) {
            return Optional.empty();
          }
          stored.put(column.name(), integer);
        } else {
          stored.put(column.name(), KeySchema.canonical(value.decimalValue()));
        }
      } else {
        stored.set(column.name(), value);
      }
    }
    return Optional.of(stored.toString());
  }

  private static String select(TableName table, boolean expiry, boolean deletes) {
    return "SELECT " + columns(expiry, deletes) + " FROM " + table.quoted();
  }

  /**
   * The columns a row of verify is read from; a table without {@code cdc_deleted} (the reference
   * tool's, before this relay first wrote into it) has no soft-deleted row.
   */
  private static String columns(boolean expiry, boolean deletes) {
    return "\"pk\", \"data\", \"aux\", "
        + (deletes ? "\"cdc_deleted\"" : "NULL AS \"cdc_deleted\"")
        + (expiry ? ", \"cdc_expired_at\"" : "");
  }

  private Row row(ResultSet rs, boolean expiry, KeySchema keys) throws SQLException {
    return row(rs, expiry, keys, new int[1]);
  }

  /** The row; {@code size[0]} is set to the length of its stored text. */
  private Row row(ResultSet rs, boolean expiry, KeySchema keys, int[] size) throws SQLException {
    String pkText = rs.getString(1);
    String data = rs.getString(2);
    String aux = rs.getString(3);
    size[0] = length(pkText) + length(data) + length(aux);
    JsonNode stored = json(pkText);
    JsonNode pk = numberKeys(stored, keys);
    JsonNode item = PlainItems.ofRow(pk, json(data), json(aux));
    return new Row(
        PlainItems.keyText(pk),
        item,
        Boolean.TRUE.equals(rs.getObject(4)),
        expiry && rs.getObject(5) != null,
        isStrayKey(stored, keys, crateDb) ? String.valueOf(stored) : null);
  }

  /**
   * Whether {@code pk} holds a key the relay never writes, so that no item can have it (and a
   * lookup by its key would find another row, or be refused by DynamoDB): not an object; an
   * attribute of the key missing, or one more; an S or B key that is no text, or a B key that is no
   * base64; a number key that is neither a number nor text, or text other than the canonical
   * decimal of a number ({@code "09"}, {@code "12.0"}) — on PostgreSQL, where the relay writes a
   * number key as a JSON number, text at all.
   */
  static boolean isStrayKey(JsonNode pk, KeySchema keys, boolean crateDb) {
    if (pk == null || !pk.isObject() || pk.size() != keys.columns().size()) {
      return true;
    }
    for (KeySchema.KeyColumn key : keys.columns()) {
      JsonNode value = pk.get(key.name());
      if (value == null) {
        return true;
      }
      boolean written =
          switch (key.type()) {
            case S -> value.isTextual();
            case B ->
                value.isTextual()
                    && io.cdcrelay.decode.DynamoDbChangeDecoder.isBase64(value.asText());
            case N -> value.isNumber() || (crateDb && isCanonicalNumber(value));
          };
      if (!written) {
        return true;
      }
    }
    return false;
  }

  private static boolean isCanonicalNumber(JsonNode value) {
    if (!value.isTextual()) {
      return false;
    }
    try {
      return KeySchema.canonical(new java.math.BigDecimal(value.asText())).equals(value.asText());
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The {@code pk} object with each number key as a number: a CrateDB table the relay creates holds
   * it as its canonical decimal text.
   */
  private static JsonNode numberKeys(JsonNode pk, KeySchema keys) {
    if (pk == null || !pk.isObject()) {
      return pk;
    }
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        (com.fasterxml.jackson.databind.node.ObjectNode) pk.deepCopy();
    for (KeySchema.KeyColumn key : keys.columns()) {
      JsonNode value = copy.get(key.name());
      if (key.type() == KeySchema.KeyType.N && value != null && value.isTextual()) {
        try {
          copy.set(
              key.name(),
              com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true)
                  .numberNode(new java.math.BigDecimal(value.asText())));
        } catch (NumberFormatException e) {
          // Not a number: left as stored, so that verify reports the row as different.
        }
      }
    }
    return copy;
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }

  private static JsonNode json(String text) throws SQLException {
    if (text == null) {
      return null;
    }
    try {
      return DynamoDbJson.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SQLException("a stored value is not JSON: " + e.getMessage(), e);
    }
  }

  private Set<String> columns(TableName table) {
    return columnTypes(table).keySet();
  }

  /** The table's columns and their types, by name ({@code pk['k']} for a CrateDB key column). */
  private Map<String, String> columnTypes(TableName table) {
    try {
      Connection c = connect();
      Map<String, String> columns = new LinkedHashMap<>();
      try (PreparedStatement statement =
          c.prepareStatement(
              "SELECT column_name, data_type FROM information_schema.columns"
                  + " WHERE table_schema = ? AND table_name = ?")) {
        statement.setString(1, table.schema());
        statement.setString(2, table.table());
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            columns.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      return columns;
    } catch (SQLException e) {
      throw failure("reading the columns of " + table, e);
    }
  }

  private Connection connect() throws SQLException {
    if (connection == null) {
      try {
        connection = JdbcConnections.open(url, password, socketTimeoutSeconds, "cdc-relay-verify");
      } catch (SQLException e) {
        // Said as the relay's other connections say it: the URL without its password, the user,
        // and what was tried (a port of another protocol named as such).
        throw new TargetUnavailableException(JdbcConnections.describeConnectFailure(url, e), e);
      }
      if (crateDb == null) {
        try (Statement statement = connection.createStatement();
            ResultSet rs = statement.executeQuery("SELECT version()")) {
          rs.next();
          crateDb = String.valueOf(rs.getString(1)).contains("CrateDB");
        }
      }
    }
    return connection;
  }

  private TargetUnavailableException failure(String what, SQLException e) {
    close();
    return new TargetUnavailableException(what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing a failed connection.
      }
      connection = null;
    }
  }
}
