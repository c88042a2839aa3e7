package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.testing.MovingClock;
import io.cdcrelay.tools.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The function's password lookup against the Secrets Manager API of {@code moto_server}. */
class SecretsManagerPasswordIT {

  private static MotoServer moto;
  private static SecretsManagerClient client;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
    client = moto.client(SecretsManagerClient.builder());
  }

  @AfterAll
  static void stopMoto() {
    if (client != null) {
      client.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void readsThePasswordFieldOfADatabaseSecretAndPicksUpARotation() {
    String arn =
        client
            .createSecret(
                r ->
                    r.name("cratedb-json")
                        .secretString("{\"username\":\"admin\",\"password\":\"p1\"}"))
            .arn();
    MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    SecretsManagerPassword password = new SecretsManagerPassword(arn, clock, client);
    assertThat(password.get()).isEqualTo("p1");
    client.putSecretValue(r -> r.secretId(arn).secretString("{\"password\":\"p2\"}"));
    assertThat(password.get()).as("cached for five minutes").isEqualTo("p1");
    clock.advance(Duration.ofMinutes(6));
    assertThat(password.get()).isEqualTo("p2");
    assertThat(password.toString()).doesNotContain("p1").doesNotContain("p2");
  }

  @Test
  void plainSecretIsThePasswordItself() {
    String arn = client.createSecret(r -> r.name("cratedb-plain").secretString("s3cret/+")).arn();
    assertThat(new SecretsManagerPassword(arn, Clock.systemUTC(), client).get())
        .isEqualTo("s3cret/+");
  }

  @Test
  void aSecretIsReadInItsArnsRegionWhateverTheProcesssRegion() {
    // The command-line tool may run with no region, or with another one than the secret's.
    SecretsManagerClient sydney =
        moto.client(SecretsManagerClient.builder(), Region.AP_SOUTHEAST_2);
    try {
      String arn =
          sydney.createSecret(r -> r.name("cratedb-sydney").secretString("pw-sydney")).arn();
      assertThat(arn).contains(":ap-southeast-2:");
      SecretsManagerPassword password =
          new SecretsManagerPassword(
              arn,
              Clock.systemUTC(),
              builder ->
                  builder
                      .endpointOverride(moto.endpoint())
                      .credentialsProvider(
                          StaticCredentialsProvider.create(
                              AwsBasicCredentials.create("testing", "testing"))));
      assertThat(password.get()).isEqualTo("pw-sydney");
      password.forget();
    } finally {
      sydney.close();
    }
  }
}
