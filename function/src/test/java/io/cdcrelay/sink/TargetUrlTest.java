package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetUrlTest {

  @Test
  void crateUrlOfTheReferenceToolMapsHttpPortToPostgresPort() {
    TargetUrl url = TargetUrl.parse("crate://crate@localhost:4200/testdrive/demo");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/testdrive");
    assertThat(url.user()).isEqualTo("crate");
    assertThat(url.password()).isNull();
    assertThat(url.schema()).isEqualTo("testdrive");
    assertThat(url.table()).isEqualTo("demo");
  }

  @Test
  void crateUrlWithoutPortOrUserUsesDefaults() {
    TargetUrl url = TargetUrl.parse("crate://cratedb.example/doc/t");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://cratedb.example:5432/doc");
    assertThat(url.user()).isEqualTo("crate");
  }

  @Test
  void crateUrlKeepsAnExplicitNonHttpPort() {
    assertThat(TargetUrl.parse("crate://h:5433/doc/t").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5433/doc");
  }

  @Test
  void sslTrueVerifiesTheCertificate() {
    TargetUrl url = TargetUrl.parse("crate://admin:pw@x.cratedb.net:4200/doc/t?ssl=true");
    assertThat(url.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://x.cratedb.net:5432/doc?ssl=true&sslmode=verify-full"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
  }

  @Test
  void percentEncodedCredentialsAreDecoded() {
    TargetUrl url = TargetUrl.parse("crate://ad%40min:a%2Fb%2Bc@h:4200/doc/t");
    assertThat(url.user()).isEqualTo("ad@min");
    assertThat(url.password()).isEqualTo("a/b+c");
  }

  @Test
  void postgresqlUrlTakesDatabaseSchemaAndTable() {
    TargetUrl url = TargetUrl.parse("postgresql://u:p@db:6543/app/cdc/demo");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:6543/app");
    assertThat(url.schema()).isEqualTo("cdc");
    assertThat(url.table()).isEqualTo("demo");
    TargetUrl noSchema = TargetUrl.parse("postgresql://db/app/demo");
    assertThat(noSchema.schema()).isNull();
    assertThat(noSchema.table()).isEqualTo("demo");
  }

  @Test
  void jdbcUrlMovesCredentialsOutAndKeepsOtherOptions() {
    TargetUrl url =
        TargetUrl.parse(
            "jdbc:postgresql://h:5432/doc?user=crate&password=s3cret&table=s.t&ssl=true");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/doc?ssl=true");
    assertThat(url.user()).isEqualTo("crate");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.schema()).isEqualTo("s");
    assertThat(url.table()).isEqualTo("t");
  }

  @Test
  void crateJdbcUrlIsServedByThePostgresDriver() {
    assertThat(TargetUrl.parse("jdbc:crate://h:5432/doc?user=crate").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/doc");
  }

  @Test
  void unknownSchemeIsRejectedNamingTheAcceptedOnes() {
    assertThatThrownBy(() -> TargetUrl.parse("mysql://h/db"))
        .hasMessageContaining("scheme \"mysql\" is not supported")
        .hasMessageContaining("crate://");
  }

  @Test
  void badSslValueIsRejected() {
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/doc/t?ssl=maybe"))
        .hasMessageContaining("ssl=maybe");
  }

  @Test
  void tooLongPathIsRejected() {
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/a/b/c"))
        .hasMessageContaining("/SCHEMA/TABLE");
  }

  @Test
  void passwordNeverAppearsInToStringOrErrors() {
    TargetUrl url = TargetUrl.parse("crate://admin:s3cret@h:4200/doc/t");
    assertThat(url.toString()).doesNotContain("s3cret");
    assertThat(TargetUrl.redact("crate://admin:s3cret@h:4200/doc/t"))
        .isEqualTo("crate://admin:***@h:4200/doc/t");
    assertThat(TargetUrl.redact("jdbc:postgresql://h/doc?password=s3cret&user=x"))
        .isEqualTo("jdbc:postgresql://h/doc?password=***&user=x");
    assertThatThrownBy(() -> TargetUrl.parse("crate://admin:s3cret@/doc/t"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }
}
