package io.cdcrelay.lambda;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The DynamoDB Streams handler contract against a real PostgreSQL server. */
class PostgreSqlDynamoDbStreamsHandlerIT extends DynamoDbStreamsHandlerContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
