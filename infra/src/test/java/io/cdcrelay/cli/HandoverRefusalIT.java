package io.cdcrelay.cli;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** {@link HandoverRefusalContract} on an embedded PostgreSQL. */
class HandoverRefusalIT extends HandoverRefusalContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
