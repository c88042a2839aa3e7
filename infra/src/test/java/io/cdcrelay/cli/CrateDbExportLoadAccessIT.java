package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import io.cdcrelay.tools.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The export load with credentials S3 refuses, on moto's IAM checks, into the CrateDB that {@code
 * CRATEDB_URL} points at (skipped, saying so, without it).
 */
class CrateDbExportLoadAccessIT extends ExportLoadAccessContract {

  private static CrateDbDatabase crateDb;
  private static MotoServer moto;

  @BeforeAll
  static void start() {
    crateDb = CrateDbDatabase.require();
    moto = MotoServer.start();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  MotoServer moto() {
    return moto;
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return emulator(moto);
  }
}
