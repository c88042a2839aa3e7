package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The load from a DynamoDB export in moto's S3 into a real PostgreSQL server. */
class PostgreSqlExportLoadIT extends ExportLoadContract {

  private static DynamoDbEmulator moto;

  @BeforeAll
  static void startMoto() {
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
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return moto;
  }
}
