package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The outage contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlOutageIT extends OutageContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
