package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisEmulator;
import io.cdcrelay.kinesis.KinesisLocal;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.testing.PostgresDatabase;
import io.cdcrelay.testing.TableRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .env} file configures the relay as it configures the reference tool: the real jar, run
 * in a directory below the file, against PostgreSQL.
 */
class DotEnvIT {

  private static final Path EVENT = KinesisLocal.repositoryRoot().resolve("events/insert.json");

  /** No RELAY_DOTENV of the machine running the tests. */
  private static Map<String, String> environment(String dotEnv) {
    Map<String, String> environment = new HashMap<>();
    environment.put("RELAY_DOTENV", dotEnv);
    return environment;
  }

  @Test
  void theTargetOfADotEnvFileAboveTheWorkingDirectoryIsUsedUnlessTurnedOff(@TempDir Path dir)
      throws Exception {
    PostgresDatabase database = PostgresDatabase.get();
    TableName table = new TableName(database.schema(), "dotenv_" + ProcessHandle.current().pid());
    Path file = dir.resolve(".env");
    Files.writeString(
        file,
        "# the reference tool's settings\nexport CRATEDB_SQLALCHEMY_URL='"
            + database.userUrl(table)
            + "'\nCTK_UNRELATED=kept # a comment\n",
        StandardCharsets.UTF_8);
    Path work = Files.createDirectories(dir.resolve("work"));

    try (RelayProcess relay =
        RelayProcess.in(work, environment(null), "invoke", "-e", EVENT.toString())) {
      assertThat(relay.exitCode(120)).as(relay.output()).isZero();
      assertThat(relay.output())
          .contains("read 2 settings from " + file.toRealPath())
          .contains("{\"batchItemFailures\":[]}");
    }
    assertThat(TableRows.liveItems(database, table)).hasSize(1);

    try (RelayProcess relay =
        RelayProcess.in(work, environment("none"), "invoke", "-e", EVENT.toString())) {
      assertThat(relay.exitCode(120)).as(relay.output()).isEqualTo(2);
      assertThat(relay.output()).contains("No target database").doesNotContain("read 2 settings");
    }
  }

  @Test
  void awsCredentialsOfADotEnvFileReachTheAwsSdk(@TempDir Path dir) throws Exception {
    KinesisLocal kinesis = KinesisLocal.get();
    String stream = "dotenv-" + ProcessHandle.current().pid();
    kinesis.createStream(stream, 1);
    PostgresDatabase database = PostgresDatabase.get();
    TableName table =
        new TableName(database.schema(), "dotenv_aws_" + ProcessHandle.current().pid());
    Files.writeString(
        dir.resolve(".env"),
        "AWS_ACCESS_KEY_ID="
            + kinesis.accessKey()
            + "\nAWS_SECRET_ACCESS_KEY='"
            + kinesis.secretKey()
            + "'\nAWS_REGION="
            + KinesisEmulator.REGION
            + "\n",
        StandardCharsets.UTF_8);
    // No credentials but the file's: none of the process, no profile, no instance role.
    Map<String, String> bare = environment(null);
    for (String variable :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_WEB_IDENTITY_TOKEN_FILE")) {
      bare.put(variable, null);
    }
    bare.put("AWS_CONFIG_FILE", dir.resolve("absent-config").toString());
    bare.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("absent-credentials").toString());
    bare.put("AWS_EC2_METADATA_DISABLED", "true");
    String url = "kinesis+dynamodb+cdc://127.0.0.1:" + kinesis.port() + "/" + stream + "?once=true";
    String[] load = {"load", "table", url, "--target", database.userUrl(table)};

    try (RelayProcess relay = RelayProcess.in(dir, bare, load)) {
      assertThat(relay.exitCode(120)).as(relay.output()).isZero();
      assertThat(relay.output()).contains("read 3 settings from").contains("done: 0 records");
    }
    bare.put("RELAY_DOTENV", "none");
    try (RelayProcess relay = RelayProcess.in(dir, bare, load)) {
      assertThat(relay.exitCode(120)).as(relay.output()).isNotZero();
      assertThat(relay.output()).contains("no AWS credentials").doesNotContain("done: 0 records");
    }
  }

  @Test
  void aBadLineIsSkippedWithAWarningNamingItButNotItsText(@TempDir Path dir) throws Exception {
    PostgresDatabase database = PostgresDatabase.get();
    TableName table =
        new TableName(database.schema(), "dotenv_bad_" + ProcessHandle.current().pid());
    Path file = dir.resolve("relay.env");
    Files.writeString(
        file,
        "CRATEDB_CLUSTER_URL crate://admin:s3cretPW@localhost:4200/doc/t\n"
            + "CRATEDB_SQLALCHEMY_URL="
            + database.userUrl(table)
            + "\n",
        StandardCharsets.UTF_8);

    try (RelayProcess relay =
        RelayProcess.in(dir, environment(file.toString()), "invoke", "-e", EVENT.toString())) {
      assertThat(relay.exitCode(120)).as(relay.output()).isZero();
      assertThat(relay.output())
          .contains(file + ": line 1 is not KEY=VALUE; skipped, as python-dotenv skips it")
          .doesNotContain("s3cretPW");
    }
    assertThat(TableRows.liveItems(database, table)).hasSize(1);

    Path absent = dir.resolve("absent.env");
    try (RelayProcess relay =
        RelayProcess.in(dir, environment(absent.toString()), "invoke", "-e", EVENT.toString())) {
      assertThat(relay.exitCode(120)).as(relay.output()).isEqualTo(2);
      assertThat(relay.output())
          .contains("Bad .env file: cannot read " + absent + " (RELAY_DOTENV)");
    }
  }
}
