package io.cdcrelay.sink;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The bulk upsert contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlBulkUpsertIT extends BulkUpsertContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  /** jsonb holds no NUL character: the statement fails, every row with it. */
  @Override
  String refusedData() {
    return "{\"s\":\"a\\u0000b\"}";
  }
}
