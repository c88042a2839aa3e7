package io.cdcrelay.cli;

import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code relay load table 'dynamodb+cdc://…'} from real writes on moto into the CrateDB of {@code
 * CRATEDB_URL}.
 */
class CrateDbDynamoDbStreamsLocalRelayIT extends DynamoDbStreamsLocalRelayContract {

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
