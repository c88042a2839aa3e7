package io.cdcrelay.relay;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The data model contract against a real PostgreSQL server, started by the test itself. */
class PostgreSqlDataModelIT extends DataModelContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
