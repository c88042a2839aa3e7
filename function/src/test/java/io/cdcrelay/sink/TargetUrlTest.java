package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetUrlTest {

  @Test
  void aBadPercentEscapeInAPasswordIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(
            () -> TargetUrl.parse("jdbc:postgresql://db:5432/doc?user=crate&password=pa%zQss"))
        .hasMessage(
            "the URL holds a '%' not followed by two hex digits: percent-encode a '%' as %25")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zQ"));
  }

  @Test
  void aSecretAmongTheJdbcOptionsIsNeverPrinted() {
    TargetUrl url =
        TargetUrl.parse(
            "jdbc:postgresql://db:5432/doc?user=crate&sslmode=require&sslpassword=k3y%2Fpass"
                + "&sslkey=/keys/client.pk8");
    assertThat(url.jdbcUrl()).contains("sslpassword=k3y");
    assertThat(url.displayUrl())
        .contains("sslpassword=***")
        .contains("sslkey=%2Fkeys%2Fclient.pk8")
        .doesNotContain("k3y");
    assertThat(url.toString()).doesNotContain("k3y");
    assertThat(
            JdbcConnections.describeConnectFailure(
                url, new java.sql.SQLException("Connection refused", "08001")))
        .startsWith("cannot connect to jdbc:postgresql://db:5432/doc?")
        .doesNotContain("k3y");
  }

  @Test
  void theDescriptionOfATargetSaysWhetherItHasAPasswordButNeverWhichOne() {
    TargetUrl withPassword = TargetUrl.parse("crate://admin:k3y%2Fpass@db:4200/doc/orders");
    assertThat(withPassword.toString())
        .isEqualTo(
            "TargetUrl["
                + withPassword.displayUrl()
                + ", user=admin, password=***, table=doc.orders]")
        .doesNotContain("k3y");
    assertThat(TargetUrl.parse("crate://db:4200/doc/orders").toString())
        .endsWith(", user=crate, password=none, table=doc.orders]");
    assertThat(withPassword.withTable(null, "t").toString()).endsWith(", password=***, table=t]");
  }

  @Test
  void crateUrlOfTheReferenceToolMapsHttpPortToPostgresPort() {
    TargetUrl url = TargetUrl.parse("crate://crate@localhost:4200/testdrive/demo");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:5432/testdrive?sslmode=disable");
    assertThat(url.user()).isEqualTo("crate");
    assertThat(url.password()).isNull();
    assertThat(url.schema()).isEqualTo("testdrive");
    assertThat(url.table()).isEqualTo("demo");
  }

  @Test
  void theHttpAddressOfTheReferenceToolIsACrateUrlHttpsMeaningSsl() {
    assertThat(TargetUrl.parse("http://crate@localhost:4200/doc/demo").jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:5432/doc?sslmode=disable");
    TargetUrl cloud = TargetUrl.parse("https://admin:pw@x.cratedb.net:4200/doc/t");
    assertThat(cloud.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://x.cratedb.net:5432/doc?ssl=true&sslmode=verify-full"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
    assertThat(cloud.user()).isEqualTo("admin");
    assertThat(cloud.table()).isEqualTo("t");
  }

  @Test
  void everySslModeTheReferenceToolTakesAndItsUnverifiedCertificateOption() {
    assertThat(TargetUrl.parse("crate://h/doc/t?sslmode=verify-ca").jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://h:5432/doc?ssl=true&sslmode=verify-ca"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
    assertThat(TargetUrl.parse("crate://h/doc/t?sslmode=prefer").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/doc?sslmode=prefer");
    assertThat(TargetUrl.parse("crate://h/doc/t?sslmode=allow").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/doc?sslmode=allow");
    assertThat(TargetUrl.parse("crate://h/doc/t?ssl=true&verify_ssl_cert=false").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/doc?ssl=true&sslmode=require");
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/doc/t?ssl=maybe"))
        .hasMessageStartingWith("the target URL option ssl=maybe is not one of true, false");
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/doc/t?ssl=true&verify_ssl_cert=nah"))
        .hasMessage("the target URL option verify_ssl_cert=nah is not one of true, false");
  }

  @Test
  void crateUrlWithoutPortOrUserUsesDefaults() {
    TargetUrl url = TargetUrl.parse("crate://cratedb.example/doc/t");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://cratedb.example:5432/doc?sslmode=disable");
    assertThat(url.user()).isEqualTo("crate");
  }

  @Test
  void crateUrlKeepsAnExplicitNonHttpPort() {
    assertThat(TargetUrl.parse("crate://h:5433/doc/t").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5433/doc?sslmode=disable");
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
  void anSslModeIsNamedAsWritten() {
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/doc/t?sslmode=strict"))
        .hasMessageStartingWith("the target URL option sslmode=strict is not one of");
  }

  @Test
  void aJdbcUrlsSslModeTheDriverDoesNotKnowIsBadInputNotAnOutage() {
    assertThatThrownBy(() -> TargetUrl.parse("jdbc:postgresql://h:5432/doc?sslmode=requir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the target URL option sslmode=requir is not one of disable, allow, prefer, require,"
                + " verify-ca, verify-full");
    for (String ok : List.of("sslmode=disable", "ssl=true", "ssl=False", "ssl=1")) {
      assertThat(TargetUrl.parse("jdbc:postgresql://h:5432/doc?" + ok).jdbcUrl())
          .as("as the driver takes it")
          .isEqualTo("jdbc:postgresql://h:5432/doc?" + ok);
    }
    assertThat(TargetUrl.parse("jdbc:postgresql://h:5432/doc?sslmode=VERIFY-FULL").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/doc?sslmode=verify-full");
  }

  @Test
  void tooLongPathIsRejected() {
    assertThatThrownBy(() -> TargetUrl.parse("crate://h/a/b/c"))
        .hasMessageContaining("/SCHEMA/TABLE");
  }

  @Test
  void aPortOutOfRangeIsNamed() {
    for (String port : List.of("0", "65536", "99999")) {
      assertThatThrownBy(() -> TargetUrl.parse("crate://admin:s3cret@db:" + port + "/doc"))
          .hasMessage(
              "the target URL's port "
                  + port
                  + " is out of range (1 to 65535; without one 5432): crate://admin:***@db:"
                  + port
                  + "/doc");
    }
    assertThat(TargetUrl.parse("crate://admin:s3cret@db:65535/doc").jdbcUrl()).contains("db:65535");
  }

  @Test
  void aPasswordWithAnUnencodedAtOrSlashOrABadPortIsNamedAsSuchNotAsAMissingHost() {
    for (String url :
        new String[] {
          "crate://admin:p@ss@h:4200/doc/t",
          "crate://admin:pa/ss@h:4200/doc/t",
          "postgresql://admin:pa?ss@h/db/s/t",
          "crate://admin:s3cret@h:42x0/doc/t"
        }) {
      assertThatThrownBy(() -> TargetUrl.parse(url))
          .as(url)
          .hasMessageStartingWith("the target URL's host and port cannot be read")
          .hasMessageContaining("percent-encode")
          .hasMessageContaining("%40")
          .hasMessageContaining("port")
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain("p@ss")
                      .doesNotContain("pa/ss")
                      .doesNotContain("pa?ss")
                      .doesNotContain("s3cret"));
    }
    assertThatThrownBy(() -> TargetUrl.parse("crate://admin:s3cret@/doc/t"))
        .hasMessageStartingWith("the target URL has no host")
        .message()
        .doesNotContain("embedded");
    assertThatThrownBy(() -> TargetUrl.parse("embeded"))
        .hasMessage(
            "the target URL has no host: embeded (did you mean the command line's --target"
                + " embedded?)");
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

  @Test
  void anUnknownOptionIsAnErrorNamingTheNearestKnownOne() {
    assertThatThrownBy(() -> TargetUrl.parse("crate://crate:s3cr%2Ft@db:4200/doc/t?sll=true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the target URL option \"sll\" is not known; did you mean \"ssl\"?"
                + " (options: ssl, sslmode, schema, verify_ssl_cert)")
        .message()
        .doesNotContain("s3cr");
    assertThatThrownBy(() -> TargetUrl.parse("postgresql://u@db/app?shema=s"))
        .hasMessageContaining("did you mean \"schema\"?");
    assertThatThrownBy(() -> TargetUrl.parse("crate://db/doc?pool_size=5"))
        .hasMessage(
            "the target URL option \"pool_size\" is not known (options: ssl, sslmode, schema,"
                + " verify_ssl_cert)");
  }

  @Test
  void aCrateUrlMayNameItsSchemaAsAnOption() {
    TargetUrl url = TargetUrl.parse("crate://db:4200/?schema=sales");
    assertThat(url.schema()).isEqualTo("sales");
    assertThat(url.table()).isNull();
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/sales?sslmode=disable");
  }

  @Test
  void aConnectionToAPortOfAnotherProtocolSaysWhatWasTried() {
    TargetUrl crate = TargetUrl.parse("crate://crate:pw@db:4300/doc/t");
    String message =
        JdbcConnections.describeConnectFailure(
            crate,
            new java.sql.SQLException(
                "The connection attempt failed.", "08001", new java.io.EOFException()));
    assertThat(message)
        .isEqualTo(
            "cannot connect to jdbc:postgresql://db:4300/doc?sslmode=disable as user crate:"
                + " tried a plain PostgreSQL-protocol connection and the server closed the"
                + " connection before answering (The connection attempt failed.): a database"
                + " starting or stopping, a proxy with no database behind it, or a port that is"
                + " not the database's PostgreSQL port (CrateDB: 5432, not HTTP 4200 or"
                + " transport 4300)")
        .doesNotContain("pw");
    TargetUrl pg = TargetUrl.parse("postgresql://u@db:4200/app/t");
    assertThat(
            JdbcConnections.describeConnectFailure(
                pg,
                new java.sql.SQLException(
                    "An error occurred while setting up the SSL connection.", "08P01")))
        .contains("tried a PostgreSQL-protocol connection, SSL first (the driver's sslmode=prefer)")
        .contains("not HTTP 4200");
    assertThat(
            JdbcConnections.describeConnectFailure(
                pg, new java.sql.SQLException("Connection to db:4200 refused.", "08001")))
        .isEqualTo(
            "cannot connect to jdbc:postgresql://db:4200/app as user u: tried a"
                + " PostgreSQL-protocol connection, SSL first (the driver's sslmode=prefer):"
                + " Connection to db:4200 refused.");
  }
}
