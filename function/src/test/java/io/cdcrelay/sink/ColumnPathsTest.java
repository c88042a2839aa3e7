package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnPathsTest {

  @Test
  void parsesSubscriptedColumnNames() {
    assertThat(ColumnPaths.parse("data")).containsExactly("data");
    assertThat(ColumnPaths.parse("data['a']['b c']")).containsExactly("data", "a", "b c");
    assertThat(ColumnPaths.parse("pk['it''s']")).containsExactly("pk", "it's");
  }
}
