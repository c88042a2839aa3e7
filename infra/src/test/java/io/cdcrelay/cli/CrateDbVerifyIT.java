package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.CrateDbDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code relay verify} (and the full load) on dynalite and the CrateDB of {@code CRATEDB_URL}. */
class CrateDbVerifyIT extends VerifyContract {

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
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }

  @Test
  void aTableTheUserMayNotReadIsSaidToBePerhapsThat() throws Exception {
    // CrateDB answers a table a user may not read as missing ("Schema 'doc' unknown"): the
    // message says both.
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "p", 3));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    String reader = "verify_reader_" + ProcessHandle.current().pid();
    String password = "rd-pw%2Fx";
    try (java.sql.Connection c = crateDb.connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("DROP USER IF EXISTS " + reader);
      s.execute("CREATE USER " + reader + " WITH (password = 'rd-pw/x')");
    }
    try {
      String url =
          "postgresql://"
              + reader
              + ":"
              + password
              + "@"
              + crateDb.host()
              + ":"
              + crateDb.port()
              + "/doc/"
              + table.table()
              + "?schema="
              + table.schema();

      Run verify = run("verify", dynamo.url(source, ""), url);

      assertThat(verify.exitCode()).as(verify.output()).isEqualTo(2);
      assertThat(verify.output())
          .contains("the target table " + table + " does not exist (or the target URL's user may")
          .contains("grant it DQL on the table")
          .doesNotContain("rd-pw");
    } finally {
      try (java.sql.Connection c = crateDb.connect();
          java.sql.Statement s = c.createStatement()) {
        s.execute("DROP USER IF EXISTS " + reader);
      }
    }
  }
}
