package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.snapshot.DynamoDbEmulator;
import io.cdcrelay.snapshot.TestItems;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import io.cdcrelay.testing.TargetDatabase;
import java.util.List;
import java.util.Map;
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
  void rowsOfKeysTheRelayNeverWritesAreExtraEvenWhereTheyComeFirstOrResembleAnItem()
      throws Exception {
    dynamo.createTable(source, "part:N", "sort:S");
    // The table made empty, then rows written by hand before the relay's own: on PostgreSQL the
    // first rows read, where the layout check looks.
    assertThat(run("load", dynamo.url(source, ""), target()).exitCode()).isZero();
    for (String pk :
        List.of(
            // The number key as text: jsonb tells it from the relay's {"part":100,…}.
            "{\"part\":\"100\",\"sort\":\"x\"}",
            // One attribute more, one attribute missing, the S key as a number.
            "{\"part\":100,\"sort\":\"x\",\"x\":1}",
            "{\"part\":7}",
            "{\"part\":7,\"sort\":8}")) {
      execute(
          "INSERT INTO "
              + table.quoted()
              + " (\"pk\", \"data\", \"aux\", \"cdc_version\") VALUES ('"
              + pk
              + "'::jsonb, '{}'::jsonb, '{}'::jsonb, '00017000000000000000011')");
    }
    dynamo.put(
        source,
        List.of(
            Map.of("part", TestItems.n("100"), "sort", TestItems.s("x")),
            Map.of("part", TestItems.n("7"), "sort", TestItems.s("8"))));
    assertThat(run("load", dynamo.url(source, ""), target(), "--restart").exitCode()).isZero();

    Run verify = run("verify", dynamo.url(source, ""), target());

    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output())
        .contains(": 2 items, 6 rows: DIFFERENT")
        .contains("equal: 2")
        .contains("extra: 4 (first: ")
        .contains("{\"part\":\"100\",\"sort\":\"x\"}")
        .contains("  of the extra, 4 with a key the relay never writes")
        .doesNotContain("BatchGetItem");

    Run repair = run("verify", dynamo.url(source, ""), target(), "--repair");
    assertThat(repair.exitCode()).as(repair.output()).isEqualTo(1);
    assertThat(repair.output())
        .contains("equal: 2")
        .contains("not repaired: 4 (the rows of a key no item can have, above)");
    assertThat(TableRows.count(database(), table)).as("rows left as they were").isEqualTo(6);
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
