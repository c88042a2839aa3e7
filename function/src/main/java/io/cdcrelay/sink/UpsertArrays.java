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
    int size = rows.size();
    String[] pk = new String[size];
    String[] data = new String[size];
    String[] aux = new String[size];
    String[] versions = new String[size];
    Boolean[] deleted = new Boolean[size];
    String[] expiredAt = expiry ? new String[size] : null;
    for (int i = 0; i < size; i++) {
      PlannedRow row = rows.get(i);
      pk[i] = row.pkJson();
      data[i] = row.dataJson();
      aux[i] = row.auxJson();
      versions[i] = row.version().encode();
      deleted[i] = row.deleted();
      if (expiredAt != null) {
        expiredAt[i] = row.expiredAt().map(Instant::toString).orElse(null);
      }
    }
    statement.setArray(1, connection.createArrayOf(jsonType, pk));
    statement.setArray(2, connection.createArrayOf(jsonType, data));
    statement.setArray(3, connection.createArrayOf(jsonType, aux));
    statement.setArray(4, connection.createArrayOf("text", versions));
    statement.setArray(5, connection.createArrayOf("bool", deleted));
    if (expiredAt != null) {
      statement.setArray(6, connection.createArrayOf("text", expiredAt));
    }
  }
}
