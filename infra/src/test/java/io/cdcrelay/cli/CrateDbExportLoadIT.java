package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The load from a DynamoDB export in moto's S3 into the CrateDB that {@code CRATEDB_URL} points at
 * (skipped, saying so, without it).
 */
class CrateDbExportLoadIT extends ExportLoadContract {

  private static CrateDbDatabase crateDb;
  private static DynamoDbEmulator moto;

  @BeforeAll
  static void start() {
    crateDb = CrateDbDatabase.require();
    moto = DynamoDbEmulator.moto();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return moto;
  }
}
