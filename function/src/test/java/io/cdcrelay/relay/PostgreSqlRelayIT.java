package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The relay contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlRelayIT extends RelayContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
