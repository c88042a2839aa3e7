package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.Route;
import io.cdcrelay.route.TtlPolicy;
import java.time.Duration;
import java.util.List;
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
  void tableOptionsAreReadValidatedAndNamedByTheirVariable() {
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL",
                        "crate://h/doc/t",
                        "CRATEDB_TABLE_OPTIONS",
                        " CLUSTERED INTO 12 SHARDS\n  PARTITIONED BY (\"day\")"))
                .tableOptions())
        .contains("CLUSTERED INTO 12 SHARDS PARTITIONED BY (\"day\")");
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t", "CRATEDB_TABLE_OPTIONS", ""))
                .tableOptions())
        .isEmpty();
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL",
                        "crate://h/doc/t",
                        "CRATEDB_TABLE_OPTIONS",
                        "WITH (a = 1); DROP TABLE x")))
        .hasMessageStartingWith(
            "CRATEDB_TABLE_OPTIONS=WITH (a = 1); DROP TABLE x is not CrateDB table clauses");
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
  void theUrlsTableIsWhereRowsGoCratedbTableOnlyNamesOneForAUrlNamingNone() {
    String url = "crate://crate@h:4200/testdrive/demo";
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of("CRATEDB_SQLALCHEMY_URL", url, "CRATEDB_TABLE", "testdrive.demo"))
                .target()
                .table())
        .isEqualTo("demo");
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h:4200/testdrive", "CRATEDB_TABLE", "t"))
                .target()
                .table())
        .isEqualTo("t");
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of("CRATEDB_SQLALCHEMY_URL", url, "CRATEDB_TABLE", "other")))
        .hasMessage(
            "CRATEDB_TABLE=other names another table than the target URL's testdrive.demo: unset"
                + " it, or give a URL naming the schema only");
  }

  @Test
  void aNameInDoubleQuotesIsTheNameInsideThemAsTheReferenceToolTakesIt() {
    FunctionConfig quoted =
        FunctionConfig.fromEnvironment(
            Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h:4200/doc", "CRATEDB_TABLE", "\"MyTable\""));
    assertThat(quoted.target().table()).isEqualTo("MyTable");
    FunctionConfig both =
        FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL",
                "crate://h:4200/%22Sales%22/%22MyTable%22",
                "CRATEDB_TABLE",
                "\"Sales\".\"MyTable\"",
                "CRATEDB_TABLE_MAP",
                "orders=\"Sales\".\"Orders\""));
    assertThat(both.target().schema()).isEqualTo("Sales");
    assertThat(both.target().table()).isEqualTo("MyTable");
    assertThat(both.settings().routes().route("orders"))
        .isEqualTo(new Route.To("Sales", "Orders", true));
  }

  @Test
  void twoUrlVariablesNamingDifferentDatabasesAreRefusedWithoutPrintingEither() {
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://u:old-s3cret@old:4200/doc/t",
                        "CRATEDB_CLUSTER_URL", "crate://u:new-s3cret@new:4200/doc/t")))
        .hasMessage(
            "CRATEDB_SQLALCHEMY_URL and CRATEDB_CLUSTER_URL are both set, to different URLs: unset"
                + " the one that is not the target");
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                        "CRATEDB_CLUSTER_URL", "crate://h/doc/t"))
                .target()
                .table())
        .isEqualTo("t");
  }

  @Test
  void twoUrlVariablesSpellingOneTargetAlikeAreTheSameTarget() {
    // The reference tool's 0.1 releases read CRATEDB_CLUSTER_URL, often CrateDB's HTTP address;
    // its newer ones CRATEDB_SQLALCHEMY_URL: one database spelt two ways is no stale variable.
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL", "crate://crate@db.example:4200/doc/orders",
                "CRATEDB_CLUSTER_URL", "http://crate@db.example:4200/doc/orders"));
    assertThat(config.target().table()).isEqualTo("orders");
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://crate@db.example/doc/orders",
                        "SINK_SQLALCHEMY_URL", "crate://crate@db.example:4200/doc/orders"))
                .target()
                .jdbcUrl())
        .isEqualTo(config.target().jdbcUrl());
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://crate@db.example:4200/doc/orders",
                        "CRATEDB_CLUSTER_URL", "http://crate@db.example:4200/doc/orders2")))
        .hasMessageContaining("are both set, to different URLs");
  }

  @Test
  void missingUrlSaysWhatToSet() {
    assertThatThrownBy(() -> FunctionConfig.fromEnvironment(Map.of()))
        .hasMessageStartingWith("no target database: set CRATEDB_SQLALCHEMY_URL");
  }

  @Test
  void aUrlWithASchemaAndNoTableRoutesEveryDynamoDbTableIntoThatSchema() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h:4200/sales"));
    assertThat(config.settings().routes().isSingleTable()).isFalse();
    assertThat(config.settings().routes().route("Orders-2024"))
        .isEqualTo(new Route.To("sales", "orders_2024", true));
    assertThat(config.settings().deletes()).isEqualTo(DeleteMode.HARD);
    assertThat(config.settings().ttl()).isEqualTo(TtlPolicy.SAME);
  }

  @Test
  void aPostgreSqlUrlNamesItsSchemaAsAnOption() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of("CRATEDB_SQLALCHEMY_URL", "postgresql://u@h/db?schema=cdc"));
    assertThat(config.settings().routes().route("users"))
        .isEqualTo(new Route.To("cdc", "users", true));
  }

  @Test
  void routingDeleteAndStateSettingsAreReadAndValidated() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(
            Map.of(
                "CRATEDB_SQLALCHEMY_URL", "crate://h/doc",
                "CRATEDB_TABLE_MAP", "orders=sales.orders,users=crm.users",
                "CRATEDB_TABLES", "orders,users",
                "CRATEDB_DELETES", "soft",
                "CRATEDB_TTL_DELETES", "mark",
                "CRATEDB_STATE_SCHEMA", "relay_state",
                "CRATEDB_TOMBSTONE_RETENTION", "36h"));
    assertThat(config.settings().routes().route("users"))
        .isEqualTo(new Route.To("crm", "users", true));
    assertThat(config.settings().routes().route("audit")).isInstanceOf(Route.Skip.class);
    assertThat(config.settings().deletes()).isEqualTo(DeleteMode.SOFT);
    assertThat(config.settings().ttl()).isEqualTo(TtlPolicy.MARK);
    assertThat(config.settings().stateSchema()).isEqualTo("relay_state");
    assertThat(config.settings().tombstoneRetention()).isEqualTo(Duration.ofHours(36));

    assertThatThrownBy(() -> withUrlAnd("CRATEDB_DELETES", "hrad"))
        .hasMessage("CRATEDB_DELETES=hrad is not one of hard, soft");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_TTL_DELETES", "drop"))
        .hasMessage("CRATEDB_TTL_DELETES=drop is not one of same, keep, mark");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_TABLE_MAP", "orders=a.b,users=a.b"))
        .hasMessageContaining("routes both orders and users into a.b");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_TABLE_MAP", "orders"))
        .hasMessageContaining("CRATEDB_TABLE_MAP: \"orders\" is not of the form");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_TOMBSTONE_RETENTION", "a week"))
        .hasMessageContaining("CRATEDB_TOMBSTONE_RETENTION=a week is not a duration");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_STATE_SCHEMA", "a.b"))
        .hasMessageStartingWith("CRATEDB_STATE_SCHEMA:");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_SOURCE_TABLE", "orders"))
        .hasMessageContaining("CRATEDB_SOURCE_TABLE=orders needs a single target table");
  }

  @Test
  void aBadTableNameInTheUrlFailsAtStart() {
    assertThatThrownBy(
            () ->
                FunctionConfig.fromEnvironment(
                    Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/probe/a.b")))
        .hasMessageContaining("target table probe.a.b")
        .hasMessageContaining("no dots");
  }

  @Test
  void theErrorNamesTheVariableTheUrlCameFrom() {
    assertThatThrownBy(
            () -> FunctionConfig.fromEnvironment(Map.of("CRATEDB_CLUSTER_URL", "mysql://h/db")))
        .hasMessageStartingWith("CRATEDB_CLUSTER_URL:");
  }

  private static FunctionConfig withUrlAnd(String variable, String value) {
    return FunctionConfig.fromEnvironment(
        Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/doc", variable, value));
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
  void partsInFlightDefaultToTwoAndABadValueIsNamed() {
    assertThat(
            FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t"))
                .partsInFlight())
        .isEqualTo(2);
    assertThat(
            FunctionConfig.fromEnvironment(
                    Map.of(
                        "CRATEDB_SQLALCHEMY_URL", "crate://h/doc/t",
                        "CRATEDB_PARTS_IN_FLIGHT", "1"))
                .partsInFlight())
        .isEqualTo(1);
    for (String bad : List.of("0", "5", "two")) {
      assertThatThrownBy(
              () ->
                  FunctionConfig.fromEnvironment(
                      Map.of(
                          "CRATEDB_SQLALCHEMY_URL",
                          "crate://h/doc/t",
                          "CRATEDB_PARTS_IN_FLIGHT",
                          bad)))
          .hasMessageContaining("CRATEDB_PARTS_IN_FLIGHT=" + bad);
    }
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

  @Test
  void deadLettersAreKeptTwoWeeksUnlessConfiguredOtherwise() {
    assertThat(withUrlAnd("CRATEDB_TABLES", "x").deadLetterRetention())
        .isEqualTo(Duration.ofDays(14));
    assertThat(withUrlAnd("CRATEDB_DEAD_LETTER_RETENTION", "30d").deadLetterRetention())
        .isEqualTo(Duration.ofDays(30));
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_DEAD_LETTER_RETENTION", "forever"))
        .hasMessage(
            "CRATEDB_DEAD_LETTER_RETENTION=forever is not a duration such as 8d, 36h, 90m or 600s");
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_DEAD_LETTER_RETENTION", "10m"))
        .hasMessage("CRATEDB_DEAD_LETTER_RETENTION=10m is shorter than one hour");
    // The value as it was set, not as Java prints a duration (PT30M).
    assertThatThrownBy(() -> withUrlAnd("CRATEDB_TOMBSTONE_RETENTION", "30m"))
        .hasMessage("CRATEDB_TOMBSTONE_RETENTION=30m is shorter than one hour");
  }
}
