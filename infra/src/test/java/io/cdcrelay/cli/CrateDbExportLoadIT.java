package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.MotoDynamoDb;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The load from a DynamoDB export in moto's S3 into the CrateDB that {@code CRATEDB_URL} points at
 * (skipped, saying so, without it).
 */
class CrateDbExportLoadIT extends ExportLoadContract {

  @RegisterExtension static final MotoDynamoDb MOTO = new MotoDynamoDb();

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void start() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return MOTO.get();
  }
}
