package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {

  @Test
  void readsTheReferenceToolsVariable() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of("CRATEDB_SQLALCHEMY_URL", "crate://crate@h:4200/testdrive/demo"));
    assertThat(config.target().table()).isEqualTo("demo");
    assertThat(config.target().schema()).isEqualTo("testdrive");
    assertThat(config.passwordSecretArn()).isEmpty();
    assertThat(config.socketTimeoutSeconds()).isEqualTo(60);
  }

  @Test
  void acceptsTheNewerAndTheLambdaVariables() {
    assertThat(
            FunctionConfig.fromEnvironment(Map.of("CRATEDB_CLUSTER_URL", "crate://h/doc/t"))
                .target()
                .table())
        .isEqualTo("t");
    FunctionConfig lambda =
        FunctionConfig.fromEnvironment(
            Map.of("SINK_SQLALCHEMY_URL", "crate://h/", "SINK_TABLE", "cdc.items"));
    assertThat(lambda.target().schema()).isEqualTo("cdc");
    assertThat(lambda.target().table()).isEqualTo("items");
  }

  @Test
  void missingUrlSaysWhatToSet() {
    assertThatThrownBy(() -> FunctionConfig.fromEnvironment(Map.of()))
        .hasMessageStartingWith("no target database: set CRATEDB_SQLALCHEMY_URL");
  }

  @Test
  void missingTableSaysWhereToGiveIt() {
    assertThatThrownBy(
            () -> FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/")))
        .hasMessageContaining("no target table")
        .hasMessageContaining("CRATEDB_TABLE");
  }

  @Test
  void badSecretArnAndTimeoutAreNamed() {
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                        "CRATEDB_PASSWORD_SECRET_ARN", "my-secret")))
        .hasMessageContaining("CRATEDB_PASSWORD_SECRET_ARN=my-secret");
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                        "CRATEDB_SOCKET_TIMEOUT", "soon")))
        .hasMessageContaining("CRATEDB_SOCKET_TIMEOUT=soon");
  }

  @Test
  void badUrlErrorNamesTheVariableButNotThePassword() {
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of("CRATEDB_SQLALCHEMY_URL", "mysql://u:s3cret@h/db")))
        .hasMessageStartingWith("CRATEDB_SQLALCHEMY_URL:")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  void secretJsonYieldsItsPasswordField() {
    assertThat(SecretsManagerPassword.passwordOf("{\"username\":\"u\",\"password\":\"p\"}"))
        .isEqualTo("p");
    assertThat(SecretsManagerPassword.passwordOf("plain")).isEqualTo("plain");
  }
}
