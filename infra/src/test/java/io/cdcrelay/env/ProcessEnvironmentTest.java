package io.cdcrelay.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessEnvironmentTest {

  @Test
  void theFilesSettingsGoUnderTheProcesssOwn(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve(".env"), "CRATEDB_TABLE=from_file\nCRATEDB_CLUSTER_URL=crate://file\n");

    Map<String, String> merged =
        ProcessEnvironment.load(Map.of("CRATEDB_TABLE", "from_process"), dir);

    assertThat(merged)
        .containsEntry("CRATEDB_TABLE", "from_process")
        .containsEntry("CRATEDB_CLUSTER_URL", "crate://file");
  }

  @Test
  void relayDotenvNamesAnotherFileOrNone(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(".env"), "A=found\n");
    Path other = Files.writeString(dir.resolve("other.env"), "A=named\n");

    assertThat(ProcessEnvironment.load(Map.of("RELAY_DOTENV", other.toString()), dir))
        .containsEntry("A", "named");
    assertThat(ProcessEnvironment.load(Map.of("RELAY_DOTENV", "none"), dir)).doesNotContainKey("A");
    assertThatThrownBy(
            () ->
                ProcessEnvironment.load(
                    Map.of("RELAY_DOTENV", dir.resolve("absent.env").toString()), dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read " + dir.resolve("absent.env") + " (RELAY_DOTENV)");
    Files.writeString(dir.resolve(".env"), "A=1\nnot a setting\nB=2\n");
    assertThat(ProcessEnvironment.load(Map.of(), dir))
        .as("a bad line skipped, as python-dotenv skips it")
        .containsEntry("A", "1")
        .containsEntry("B", "2");
  }

  @Test
  void awsSettingsFromTheFileAloneReachTheAwsSdkAsSystemProperties() {
    String key = "aws.accessKeyId";
    String region = "aws.region";
    String before = System.getProperty(key);
    String regionBefore = System.getProperty(region);
    System.clearProperty(key);
    System.clearProperty(region);
    try {
      ProcessEnvironment.exportAwsSettings(
          Map.of("AWS_ACCESS_KEY_ID", "AKIAFROMFILE", "AWS_REGION", "eu-west-1"),
          Map.of("AWS_REGION", "eu-west-1"));
      assertThat(System.getProperty(key)).isEqualTo("AKIAFROMFILE");
      assertThat(System.getProperty(region))
          .as("the process's own variable reaches the SDK by itself")
          .isNull();
    } finally {
      restore(key, before);
      restore(region, regionBefore);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
