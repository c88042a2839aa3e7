package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.MotoDynamoDb;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The full load from moto_server's DynamoDB into a real PostgreSQL server. */
class MotoTableLoadIT extends TableLoadContract {

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
