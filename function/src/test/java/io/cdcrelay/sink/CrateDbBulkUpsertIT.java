package io.cdcrelay.sink;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The bulk upsert contract against the CrateDB at {@code CRATEDB_URL}; skipped without one. */
class CrateDbBulkUpsertIT extends BulkUpsertContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  /** A mixed-type array is found out while executing: CrateDB skips that row without an error. */
  @Override
  String refusedData() {
    return "{\"mixed\":[1,\"a\"]}";
  }
}
