package io.cdcrelay.sink;

import io.cdcrelay.plan.PlannedRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

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
    statement.setArray(1, connection.createArrayOf(jsonType, columns.pk));
    statement.setArray(2, connection.createArrayOf(jsonType, columns.data));
    statement.setArray(3, connection.createArrayOf(jsonType, columns.aux));
    statement.setArray(4, connection.createArrayOf("text", columns.versions));
    statement.setArray(5, connection.createArrayOf("bool", columns.deleted));
    if (columns.expiredAt != null) {
      statement.setArray(6, connection.createArrayOf("text", columns.expiredAt));
    }
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
      for (int i = 0; i < rows.size(); i++) {
        PlannedRow row = rows.get(i);
        columns.pk[i] = row.pkJson();
        columns.data[i] = row.dataJson();
        columns.aux[i] = row.auxJson();
        columns.versions[i] = row.version().encode();
        columns.deleted[i] = row.deleted();
        if (columns.expiredAt != null) {
          columns.expiredAt[i] = row.expiredAt().map(Instant::toString).orElse(null);
        }
      }
      return columns;
    }
  }
}
