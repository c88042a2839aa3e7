package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A target URL the driver cannot even parse: a bad configuration, and its secrets unprinted. */
class ConnectFailureSecretTest {

  @Test
  void aUrlTheDriverCannotParseIsABadTargetThatQuotesNoSecret() {
    TargetUrl url =
        TargetUrl.parse(
            "jdbc:postgresql://127.0.0.1:5432x/doc?user=crate&sslpassword=s3cretPW&password=pw0rdX");
    Throwable failure;
    try (JdbcTarget target = new JdbcTarget(url, () -> null, Clock.systemUTC(), 5, null)) {
      failure = catchThrowable(target::status);
    }
    assertThat(failure).isInstanceOf(BadTargetException.class);
    assertThat(failure.getMessage())
        .contains("127.0.0.1:5432x")
        .doesNotContain("s3cretPW")
        .doesNotContain("pw0rdX");
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      assertThat(String.valueOf(cause.getMessage())).doesNotContain("s3cretPW");
    }
  }

  @Test
  void aDriverMessageQuotingTheUrlIsRedactedWhereverItIsDescribed() {
    java.sql.SQLException error =
        new java.sql.SQLException(
            "Something unusual has occurred: jdbc:postgresql://db:5432/doc?sslpassword=s3cretPW",
            "08001");
    assertThat(SqlErrors.describe(error)).contains("sslpassword=***").doesNotContain("s3cretPW");
    assertThat(
            JdbcConnections.describeConnectFailure(
                TargetUrl.parse("jdbc:postgresql://db:5432/doc?user=crate"), error))
        .doesNotContain("s3cretPW");
  }
}
