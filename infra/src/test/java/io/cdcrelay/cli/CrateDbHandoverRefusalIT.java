package io.cdcrelay.cli;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** {@link HandoverRefusalContract} on the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbHandoverRefusalIT extends HandoverRefusalContract {

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
