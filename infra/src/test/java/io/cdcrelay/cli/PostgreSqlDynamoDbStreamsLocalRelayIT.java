package io.cdcrelay.cli;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** {@code relay load table 'dynamodb+cdc://…'} from real writes on moto into PostgreSQL. */
class PostgreSqlDynamoDbStreamsLocalRelayIT extends DynamoDbStreamsLocalRelayContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
