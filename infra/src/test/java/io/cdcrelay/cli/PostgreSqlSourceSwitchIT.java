package io.cdcrelay.cli;

import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** One table switched between Kinesis Data Streams and DynamoDB Streams, into PostgreSQL. */
class PostgreSqlSourceSwitchIT extends SourceSwitchContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }
}
