package io.cdcrelay.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {

  @Test
  void linesAsPythonDotenvReadsThem() {
    String text =
        """
        # a comment
        CRATEDB_CLUSTER_URL=crate://admin:pw@host:4200/doc/t   # trailing comment
        export AWS_REGION = eu-central-1
        SINGLE='no ${EXPANSION} and # no comment\\n'
        DOUBLE="line one\\nsaid \\"hi\\" # kept"
        HASH=a#b
        EMPTY=
        BARE
        MULTI="first
        second"
        'QUOTED_KEY'=x\r
        """;

    Map<String, String> values = DotEnv.parse(text, Map.of(), DotEnvTest::unexpected);

    assertThat(values)
        .containsExactly(
            Map.entry("CRATEDB_CLUSTER_URL", "crate://admin:pw@host:4200/doc/t"),
            Map.entry("AWS_REGION", "eu-central-1"),
            Map.entry("SINGLE", "no ${EXPANSION} and # no comment\\n"),
            Map.entry("DOUBLE", "line one\nsaid \"hi\" # kept"),
            Map.entry("HASH", "a#b"),
            Map.entry("EMPTY", ""),
            Map.entry("MULTI", "first\nsecond"),
            Map.entry("QUOTED_KEY", "x"));
  }

  @Test
  void referencesTakeTheEnvironmentFirstThenEarlierLinesThenTheirDefault() {
    String text =
        """
        HOST=file-host
        USER=file-user
        URL=crate://${USER}@${HOST}:4200/${SCHEMA:-doc}/${EMPTY:-unused}
        QUOTED="${HOST}"
        """;

    Map<String, String> values =
        DotEnv.parse(text, Map.of("HOST", "env-host", "EMPTY", ""), DotEnvTest::unexpected);

    assertThat(values.get("URL")).isEqualTo("crate://file-user@env-host:4200/doc/");
    assertThat(values.get("QUOTED")).isEqualTo("env-host");
  }

  @Test
  void aLineThatIsNoSettingIsSkippedAndNamedByNumberWithoutItsValues() {
    List<String> skipped = new ArrayList<>();
    String text =
        """
        A=1
        B s3cretPW
        C='s3cretPW
        D="x" s3cretPW
        =s3cretPW
        E=${s3cretPW
        F=6
        """;

    Map<String, String> values = DotEnv.parse(text, Map.of(), skipped::add);

    // As python-dotenv: each bad statement is its own line only, the lines after it still count.
    assertThat(values)
        .containsExactly(Map.entry("A", "1"), Map.entry("E", "${s3cretPW"), Map.entry("F", "6"));
    assertThat(skipped)
        .containsExactly(
            "line 2 is not KEY=VALUE",
            "line 3 opens a quote it never closes",
            "line 4 has text after its quoted value",
            "line 5 has no KEY before =");
  }

  private static void unexpected(String problem) {
    throw new AssertionError(problem);
  }

  @Test
  void theFileIsTheFirstOneInTheDirectoryOrAbove(@TempDir Path dir) throws Exception {
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    Files.writeString(dir.resolve(".env"), "A=top\n");
    Files.writeString(dir.resolve("a/.env"), "A=middle\n");

    assertThat(DotEnv.find(deep)).contains(dir.resolve("a/.env"));
    assertThat(DotEnv.read(DotEnv.find(deep).orElseThrow(), Map.of(), DotEnvTest::unexpected))
        .containsEntry("A", "middle");
    assertThat(DotEnv.find(dir)).contains(dir.resolve(".env"));
  }
}
