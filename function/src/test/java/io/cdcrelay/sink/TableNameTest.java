package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNameTest {

  @Test
  void aNameOfUpTo255CharactersWithoutDotsOrControlCharactersIsKept() {
    TableName name = new TableName("doc", "t".repeat(255));
    assertThat(name.table()).hasSize(255);
    assertThat(new TableName("my schema", "Orders-2026 ü").quoted())
        .isEqualTo("\"my schema\".\"Orders-2026 ü\"");
  }

  @Test
  void aDotAControlCharacterOrA256thCharacterIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> new TableName("doc", "a.b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table name \"a.b\"")
        .hasMessageContaining("no dots");
    assertThatThrownBy(() -> new TableName("do\tc", "t"))
        .hasMessageContaining("schema name")
        .hasMessageContaining("no control characters");
    assertThatThrownBy(() -> new TableName("doc", "t\u001f")).hasMessageContaining("not valid");
    assertThatThrownBy(() -> new TableName("doc", "t".repeat(256)))
        .hasMessageContaining("at most 255 characters");
    assertThatThrownBy(() -> new TableName("doc", " ")).hasMessageContaining("is empty");
  }
}
