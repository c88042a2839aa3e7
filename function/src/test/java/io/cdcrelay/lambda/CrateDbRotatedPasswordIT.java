package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.JdbcConnections;
import io.cdcrelay.sink.TargetUrl;
import io.cdcrelay.testing.CrateDbDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * A password from Secrets Manager rotated while the function lives, against the CrateDB that {@code
 * CRATEDB_URL} points at (it checks passwords; the embedded PostgreSQL trusts every login): the
 * next connection the function opens logs in with the new password at once, not only once the
 * cached one is five minutes old.
 */
class CrateDbRotatedPasswordIT {

  private static final String USER = "review_lambda2_rotated";
  private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db";

  private final AtomicReference<String> secret = new AtomicReference<>();
  private final List<String> reads = new ArrayList<>();
  private CrateDbDatabase crateDb;

  @BeforeEach
  void createUser() throws Exception {
    crateDb = CrateDbDatabase.require();
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP USER IF EXISTS " + USER);
      s.execute("CREATE USER " + USER + " WITH (password = 'one-1')");
    }
  }

  @AfterEach
  void dropUser() throws Exception {
    if (crateDb != null) {
      try (Connection c = crateDb.connect();
          Statement s = c.createStatement()) {
        s.execute("DROP USER IF EXISTS " + USER);
      }
    }
  }

  @Test
  void aLoginRefusedWithTheCachedPasswordReadsTheSecretAgainAndLogsInWithTheNewOne()
      throws Exception {
    TargetUrl url =
        TargetUrl.parse(
            "crate://" + USER + "@" + crateDb.host() + ":" + crateDb.port() + "/doc/rotated");
    secret.set("{\"username\":\"" + USER + "\",\"password\":\"one-1\"}");
    SecretsManagerPassword password =
        new SecretsManagerPassword(ARN, Clock.systemUTC(), new FakeSecretsManager());
    try (Connection first = JdbcConnections.open(url, password, 10, "test")) {
      assertThat(first.isValid(5)).isTrue();
    }

    // The rotation sets the new password in the database and then in the secret.
    try (Connection c = crateDb.connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER USER " + USER + " SET (password = 'two-2')");
    }
    secret.set("{\"username\":\"" + USER + "\",\"password\":\"two-2\"}");

    try (Connection second = JdbcConnections.open(url, password, 10, "test")) {
      assertThat(second.isValid(5)).isTrue();
    }
    assertThat(reads).hasSize(2);
    assertThat(password.get()).isEqualTo("two-2");
  }

  private final class FakeSecretsManager implements SecretsManagerClient {
    @Override
    public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
      reads.add(request.secretId());
      return GetSecretValueResponse.builder().secretString(secret.get()).build();
    }

    @Override
    public String serviceName() {
      return "secretsmanager";
    }

    @Override
    public void close() {}
  }
}
