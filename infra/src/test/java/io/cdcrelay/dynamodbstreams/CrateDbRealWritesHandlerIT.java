package io.cdcrelay.dynamodbstreams;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * From real writes on moto through the DynamoDB Streams handler into the CrateDB of {@code
 * CRATEDB_URL}.
 */
class CrateDbRealWritesHandlerIT extends RealWritesHandlerContract {

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
