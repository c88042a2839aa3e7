package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The ordering contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlOrderingIT extends OrderingContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
