package io.cdcrelay.local;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** {@link RelayLeaseRaceContract} on an embedded PostgreSQL. */
class RelayLeaseRaceIT extends RelayLeaseRaceContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
