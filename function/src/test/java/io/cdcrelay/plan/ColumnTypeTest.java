package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnTypeTest {

  @Test
  void parsesCrateDbInformationSchemaTypes() {
    assertThat(ColumnType.parse("bigint")).isEqualTo(new ColumnType(ColumnType.Base.INTEGRAL, 0));
    assertThat(ColumnType.parse("double precision"))
        .isEqualTo(new ColumnType(ColumnType.Base.DOUBLE, 0));
    assertThat(ColumnType.parse("text_array")).isEqualTo(new ColumnType(ColumnType.Base.TEXT, 1));
    assertThat(ColumnType.parse("object_array"))
        .isEqualTo(new ColumnType(ColumnType.Base.OBJECT, 1));
    assertThat(ColumnType.parse("array(array(bigint))"))
        .isEqualTo(new ColumnType(ColumnType.Base.INTEGRAL, 2));
    assertThat(ColumnType.parse("character varying(10)"))
        .isEqualTo(new ColumnType(ColumnType.Base.TEXT, 0));
    assertThat(ColumnType.parse("timestamp with time zone").base())
        .isEqualTo(ColumnType.Base.OTHER);
  }
}
