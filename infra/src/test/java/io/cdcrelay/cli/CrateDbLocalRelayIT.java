package io.cdcrelay.cli;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;

/** The local relay against kinesis-local and the CrateDB that {@code CRATEDB_URL} points at. */
class CrateDbLocalRelayIT extends LocalRelayContract {

  private static CrateDbDatabase crateDb;

  @BeforeAll
  static void requireCrateDb() {
    crateDb = CrateDbDatabase.require();
  }

  @Override
  TargetDatabase database() {
    return crateDb;
  }

  @Override
  KinesisEmulator kinesis() {
    return KinesisLocal.get();
  }
}
