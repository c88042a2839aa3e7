package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TargetDatabase;
import org.junit.jupiter.api.Test;

/** {@code relay verify} (and the full load) on dynalite and a real PostgreSQL server. */
class PostgreSqlVerifyIT extends VerifyContract {

  @Override
  TargetDatabase database() {
    return PostgresDatabase.get();
  }

  @Override
  DynamoDbEmulator dynamoDb() {
    return DynamoDbEmulator.dynalite();
  }

  @Test
  void aTableTheUserMayNotReadIsSaidToBeSoNotToBeMissing() throws Exception {
    dynamo.createTable(source, "id:S", null);
    dynamo.put(source, TestItems.mixed("id", "p", 3));
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    String reader = "verify_reader_" + ProcessHandle.current().pid();
    try (java.sql.Connection c = database().connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + reader);
      s.execute("CREATE ROLE " + reader + " LOGIN");
      s.execute("GRANT USAGE ON SCHEMA " + table.schema() + " TO " + reader);
    }
    String url =
        "postgresql://"
            + reader
            + "@"
            + database().host()
            + ":"
            + database().port()
            + "/postgres/"
            + table.table()
            + "?schema="
            + table.schema();

    Run verify = run("verify", dynamo.url(source, ""), url);

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(2);
    assertThat(verify.output())
        .contains(
            "the user "
                + reader
                + " may not read the target table "
                + table
                + " (ERROR: permission denied for table "
                + table.table())
        .contains("grant it SELECT on the table")
        .doesNotContain("does not exist");
  }
}
