package io.cdcrelay.sink;

import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.plan.PlannedRow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Oid;
import org.postgresql.core.TypeInfo;
import org.postgresql.jdbc.PgArray;
import org.postgresql.jdbc.PreferQueryMode;

/** Binds planned rows to {@link TargetSql#upsertArrays}: one array per column, in its order. */
public final class UpsertArrays {

  private UpsertArrays() {}

  /**
   * @param jsonType the database's JSON type ({@link TargetSql#jsonType()})
   * @param expiry whether the statement takes {@code cdc_expired_at} sixth
   */
  public static void bind(
      Connection connection,
      PreparedStatement statement,
      String jsonType,
      List<PlannedRow> rows,
      boolean expiry)
      throws SQLException {
    bind(connection, statement, jsonType, Columns.of(rows, expiry));
  }

  /** Binds rows already laid out as columns. */
  public static void bind(
      Connection connection, PreparedStatement statement, String jsonType, Columns columns)
      throws SQLException {
    BaseConnection pg = connection.unwrap(BaseConnection.class);
    statement.setArray(1, textArray(pg, jsonType, columns.pk));
    statement.setArray(2, textArray(pg, jsonType, columns.data));
    statement.setArray(3, textArray(pg, jsonType, columns.aux));
    statement.setArray(4, textArray(pg, "text", columns.versions));
    statement.setArray(5, connection.createArrayOf("bool", columns.deleted));
    if (columns.expiredAt != null) {
      statement.setArray(6, textArray(pg, "text", columns.expiredAt));
    }
  }

  /**
   * The array in the binary form of PostgreSQL's wire protocol: the database takes each element's
   * bytes as they are, where an array literal had every quote and backslash escaped here, then the
   * whole text encoded again by pgjdbc, and parsed back by the database (CrateDB with a generated
   * parser: a part of its CPU per row).
   */
  private static Array textArray(BaseConnection connection, String type, String[] values)
      throws SQLException {
    TypeInfo types = connection.getTypeInfo();
    int oid = types.getPGArrayType(type);
    int elementOid = types.getPGType(type);
    if (oid == Oid.UNSPECIFIED || elementOid == Oid.UNSPECIFIED) {
      throw new SQLException("the database has no array type of " + type);
    }
    if (connection.getPreferQueryMode() == PreferQueryMode.SIMPLE) {
      // The driver writes parameters into the statement's text there: no binary form.
      return new PgArray(connection, oid, literal(values));
    }
    return new PgArray(connection, oid, binary(elementOid, values));
  }

  /**
   * A PostgreSQL array literal of the values: each quoted, with {@code "} and {@code \} escaped by
   * a backslash, {@code NULL} for null — the text pgjdbc writes for a {@code String[]}.
   */
  static String literal(String[] values) {
    int length = 2;
    for (String value : values) {
      length += value == null ? 5 : value.length() + 3;
    }
    StringBuilder text = new StringBuilder(length + length / 8);
    text.append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      String value = values[i];
      if (value == null) {
        text.append("NULL");
        continue;
      }
      text.append('"');
      int from = 0;
      int quote = value.indexOf('"');
      int backslash = value.indexOf('\\');
      while (quote >= 0 || backslash >= 0) {
        int at = quote < 0 ? backslash : backslash < 0 ? quote : Math.min(quote, backslash);
        text.append(value, from, at).append('\\');
        from = at;
        if (at == quote) {
          quote = value.indexOf('"', at + 1);
        } else {
          backslash = value.indexOf('\\', at + 1);
        }
      }
      text.append(value, from, value.length()).append('"');
    }
    return text.append('}').toString();
  }

  /** The version byte before each {@code jsonb} value's text in the binary form. */
  private static final byte JSONB_VERSION = 1;

  /**
   * A one-dimensional array of the values in PostgreSQL's binary form ({@code array_send}): the
   * number of dimensions (none when empty), whether there is a NULL, the element type, the length
   * and lower bound (1), then each element as its length ({@code -1} for NULL) and its UTF-8 text —
   * after a version byte for {@code jsonb}.
   */
  static byte[] binary(int elementOid, String[] values) {
    boolean jsonb = elementOid == Oid.JSONB;
    byte[][] texts = new byte[values.length][];
    int length = values.length == 0 ? 12 : 20;
    boolean hasNull = false;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        hasNull = true;
        length += 4;
      } else {
        texts[i] = values[i].getBytes(StandardCharsets.UTF_8);
        length += 4 + (jsonb ? 1 : 0) + texts[i].length;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    out.putInt(values.length == 0 ? 0 : 1).putInt(hasNull ? 1 : 0).putInt(elementOid);
    if (values.length > 0) {
      out.putInt(values.length).putInt(1);
    }
    for (byte[] text : texts) {
      if (text == null) {
        out.putInt(-1);
      } else if (jsonb) {
        out.putInt(text.length + 1).put(JSONB_VERSION).put(text);
      } else {
        out.putInt(text.length).put(text);
      }
    }
    return out.array();
  }

  /**
   * Planned rows as the statement's columns: all a write needs of them, and much smaller than the
   * rows with their changes (a benchmark keeps a whole stream's).
   */
  public static final class Columns {
    private final String[] pk;
    private final String[] data;
    private final String[] aux;
    private final String[] versions;
    private final Boolean[] deleted;
    private final String[] expiredAt;

    private Columns(int size, boolean expiry) {
      pk = new String[size];
      data = new String[size];
      aux = new String[size];
      versions = new String[size];
      deleted = new Boolean[size];
      expiredAt = expiry ? new String[size] : null;
    }

    /** The rows' columns; {@code cdc_expired_at} as well with {@code expiry}. */
    public static Columns of(List<PlannedRow> rows, boolean expiry) {
      Columns columns = new Columns(rows.size(), expiry);
      ChangeVersion.Encoder versions = new ChangeVersion.Encoder();
      for (int i = 0; i < rows.size(); i++) {
        PlannedRow row = rows.get(i);
        columns.pk[i] = row.pkJson();
        columns.data[i] = row.dataJson();
        columns.aux[i] = row.auxJson();
        columns.versions[i] = versions.encode(row.version());
        columns.deleted[i] = row.deleted();
        if (columns.expiredAt != null) {
          columns.expiredAt[i] = row.expiredAt().map(Instant::toString).orElse(null);
        }
      }
      return columns;
    }
  }
}
