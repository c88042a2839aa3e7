package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The deadletter contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlDeadLetterIT extends DeadLetterContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
