package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The status contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlStatusIT extends StatusContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
