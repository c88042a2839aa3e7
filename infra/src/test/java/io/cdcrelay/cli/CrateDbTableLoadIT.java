package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The full load from dynalite into the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbTableLoadIT extends TableLoadContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }
}
