package io.cdcrelay.lambda;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The handler contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlHandlerIT extends KinesisRelayHandlerContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
