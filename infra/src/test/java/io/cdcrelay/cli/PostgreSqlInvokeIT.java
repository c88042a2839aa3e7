package io.cdcrelay.cli;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** {@code relay invoke} on both kinds of sample events against a real PostgreSQL server. */
class PostgreSqlInvokeIT extends InvokeContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
