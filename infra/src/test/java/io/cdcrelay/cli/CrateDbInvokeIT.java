package io.cdcrelay.cli;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code relay invoke} on both kinds of sample events against the CrateDB of {@code CRATEDB_URL}.
 */
class CrateDbInvokeIT extends InvokeContract {

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
