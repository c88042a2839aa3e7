package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnPathsTest {

  @Test
  void parsesSubscriptedColumnNames() {
    assertThat(ColumnPaths.parse("data")).containsExactly("data");
    assertThat(ColumnPaths.parse("data['a']['b c']")).containsExactly("data", "a", "b c");
    assertThat(ColumnPaths.parse("pk['it''s']")).containsExactly("pk", "it's");
  }

  @Test
  void aFormattedNameReadsBackWhateverItsSegmentsHold() {
    List<String> path = List.of("i'd\"; --']", "a']['b", "plain");
    assertThat(ColumnPaths.parse(ColumnPaths.format("pk", path)))
        .containsExactly("pk", "i'd\"; --']", "a']['b", "plain");
    assertThat(ColumnPaths.format("cdc_version", List.of())).isEqualTo("cdc_version");
  }
}
