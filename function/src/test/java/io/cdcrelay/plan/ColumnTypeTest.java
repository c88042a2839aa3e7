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

  @Test
  void aColumnCreatedByANullOrAnEmptyArrayIsUndefinedUntilAValueLands() {
    // What CrateDB 6.4.3 lists for data['n'] after {"n": null} and data['l'] after {"l": []}.
    assertThat(ColumnType.isUndefined("undefined")).isTrue();
    assertThat(ColumnType.isUndefined("undefined_array")).isTrue();
    assertThat(ColumnType.isUndefined("text")).isFalse();
    assertThat(ColumnType.isUndefined("object_array")).isFalse();
  }
}
