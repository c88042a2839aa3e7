package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@code relay verify} (and the full load) on moto_server's DynamoDB and a real PostgreSQL. */
class MotoVerifyIT extends VerifyContract {

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
