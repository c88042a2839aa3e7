package io.cdcrelay.cli;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.MotoDynamoDb;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The load from a DynamoDB export in moto's S3 into a real PostgreSQL server. */
class PostgreSqlExportLoadIT extends ExportLoadContract {

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
