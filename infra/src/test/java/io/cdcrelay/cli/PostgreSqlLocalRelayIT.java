package io.cdcrelay.cli;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;

/** The local relay against kinesis-local and a real PostgreSQL server. */
class PostgreSqlLocalRelayIT extends LocalRelayContract {
  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  KinesisEmulator kinesis() {
    return KinesisLocal.get();
  }
}
