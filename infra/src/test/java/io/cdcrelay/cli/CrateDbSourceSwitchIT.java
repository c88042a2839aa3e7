package io.cdcrelay.cli;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * One table switched between Kinesis Data Streams and DynamoDB Streams, into the CrateDB of {@code
 * CRATEDB_URL}.
 */
class CrateDbSourceSwitchIT extends SourceSwitchContract {

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
