package io.cdcrelay.local;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** {@link RelayLeaseRaceContract} on the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbRelayLeaseRaceIT extends RelayLeaseRaceContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }
}
