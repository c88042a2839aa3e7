package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full load from moto_server's DynamoDB into a real PostgreSQL server. */
class MotoTableLoadIT extends TableLoadContract {

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
