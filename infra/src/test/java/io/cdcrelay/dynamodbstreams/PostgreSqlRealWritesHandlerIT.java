package io.cdcrelay.dynamodbstreams;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** From real writes on moto through the DynamoDB Streams handler into PostgreSQL. */
class PostgreSqlRealWritesHandlerIT extends RealWritesHandlerContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
