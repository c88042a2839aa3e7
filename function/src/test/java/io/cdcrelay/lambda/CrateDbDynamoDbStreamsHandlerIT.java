package io.cdcrelay.lambda;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The DynamoDB Streams handler contract against the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbDynamoDbStreamsHandlerIT extends DynamoDbStreamsHandlerContract {

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
