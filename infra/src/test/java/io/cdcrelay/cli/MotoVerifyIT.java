package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.MotoDynamoDb;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code relay verify} (and the full load) on moto_server's DynamoDB and a real PostgreSQL. */
class MotoVerifyIT extends VerifyContract {

  @RegisterExtension static final MotoDynamoDb MOTO = new MotoDynamoDb();

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return MOTO.get();
  }
}
