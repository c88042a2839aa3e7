package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What planning adds to the known column types, and whether the table agreed with it. */
class ColumnTypesTest {

  private static final ColumnType DOUBLE = new ColumnType(ColumnType.Base.DOUBLE, 0);
  private static final ColumnType BOOLEAN = new ColumnType(ColumnType.Base.BOOLEAN, 0);
  private static final ColumnType TEXT = new ColumnType(ColumnType.Base.TEXT, 0);

  @Test
  void aCopyAddsNothingUntilPlanningAddsColumnsItDidNotKnow() {
    ColumnTypes known = ColumnTypes.of(Map.of(List.of("s"), TEXT), 6, 1000);
    ColumnTypes planned = known.copy();
    assertThat(planned.addsColumns()).isFalse();

    planned.addAll(Map.of(List.of("s"), TEXT));
    assertThat(planned.addsColumns()).as("a column it knew").isFalse();

    planned.addAll(Map.of(List.of("x"), DOUBLE));
    assertThat(planned.addsColumns()).isTrue();
    assertThat(planned.copy().addsColumns()).as("a copy starts afresh").isFalse();
  }

  @Test
  void addedColumnsAgreeWithATableThatHasTheirTypesOrLacksThem() {
    ColumnTypes planned = ColumnTypes.empty();
    planned.addAll(Map.of(List.of("x"), DOUBLE, List.of("m", "y"), TEXT));

    assertThat(planned.addedAgreeWith(ColumnTypes.of(Map.of(List.of("x"), DOUBLE), 6, 1000)))
        .as("y not created (yet)")
        .isTrue();
    assertThat(
            planned.addedAgreeWith(
                ColumnTypes.of(Map.of(List.of("x"), DOUBLE, List.of("m", "y"), TEXT), 7, 1000)))
        .isTrue();
    assertThat(planned.addedAgreeWith(ColumnTypes.of(Map.of(List.of("x"), BOOLEAN), 6, 1000)))
        .as("another writer created x as a boolean")
        .isFalse();
    assertThat(
            planned.addedAgreeWith(
                ColumnTypes.of(
                    Map.of(List.of("x"), new ColumnType(ColumnType.Base.DOUBLE, 1)), 6, 1000)))
        .as("an array of doubles")
        .isFalse();
  }
}
