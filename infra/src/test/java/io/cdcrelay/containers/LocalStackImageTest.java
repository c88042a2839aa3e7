package io.cdcrelay.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackImageTest {

  @Test
  void thePinnedCommunityReleaseNeedsNoToken() {
    LocalStackImage image = LocalStackImage.from(Map.of());
    assertThat(image.name()).isEqualTo(LocalStackImage.PINNED);
    assertThat(image.needsAuthToken()).isFalse();
    assertThat(image.unusable()).isEmpty();
  }

  @Test
  void latestCalendarVersionsAndProNeedTheToken() {
    for (String name :
        new String[] {
          "localstack/localstack",
          "localstack/localstack:latest",
          "localstack/localstack:2026.03.0",
          "localstack/localstack:2026.04",
          "localstack/localstack-pro:4.4.0",
          "mirror.example:5000/localstack/localstack:2026.05.1"
        }) {
      LocalStackImage image = LocalStackImage.from(Map.of("LOCALSTACK_IMAGE", name));
      assertThat(image.needsAuthToken()).as(name).isTrue();
      assertThat(image.unusable())
          .as(name)
          .hasValueSatisfying(
              why -> assertThat(why).contains("needs LOCALSTACK_AUTH_TOKEN, which is not set"));
    }
    assertThat(
            LocalStackImage.from(
                    Map.of("LOCALSTACK_IMAGE", "mirror.example:5000/localstack/localstack:4.3.0"))
                .needsAuthToken())
        .isFalse();
  }

  @Test
  void aSetTokenMakesThemUsableAndIsNeverShown() {
    LocalStackImage image =
        LocalStackImage.from(
            Map.of(
                "LOCALSTACK_IMAGE", "localstack/localstack:latest",
                "LOCALSTACK_AUTH_TOKEN", "ls-s3cr3t/@%#"));
    assertThat(image.unusable()).isEmpty();
    assertThat(image.toString()).doesNotContain("s3cr3t").contains("LOCALSTACK_AUTH_TOKEN");
  }
}
