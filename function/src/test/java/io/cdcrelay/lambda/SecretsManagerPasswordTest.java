package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class SecretsManagerPasswordTest {

  @Test
  void aSecretsArnNamesItsRegionAndItsNameDoesNot() {
    assertThat(
            SecretsManagerPassword.regionOf(
                "arn:aws:secretsmanager:eu-central-1:123456789012:secret:cratedb-AbCdEf"))
        .contains(Region.EU_CENTRAL_1);
    assertThat(
            SecretsManagerPassword.regionOf(
                "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db:with:colons"))
        .contains(Region.of("cn-north-1"));
    assertThat(SecretsManagerPassword.regionOf("cratedb/password")).isEmpty();
    assertThat(SecretsManagerPassword.regionOf("arn:aws:s3:::bucket")).isEmpty();
  }

  @Test
  void aJsonSecretGivesItsPasswordFieldAndAnyOtherSecretIsThePassword() {
    assertThat(SecretsManagerPassword.passwordOf("{\"username\":\"a\",\"password\":\"p\"}"))
        .isEqualTo("p");
    assertThat(SecretsManagerPassword.passwordOf("{not json")).isEqualTo("{not json");
    assertThat(SecretsManagerPassword.passwordOf("plain")).isEqualTo("plain");
  }
}
