package io.cdcrelay.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What planning adds to the known column types. */
class ColumnTypesTest {

  private static final ColumnType DOUBLE = new ColumnType(ColumnType.Base.DOUBLE, 0);
  private static final ColumnType BOOLEAN = new ColumnType(ColumnType.Base.BOOLEAN, 0);
  private static final ColumnType TEXT = new ColumnType(ColumnType.Base.TEXT, 0);

  @Test
  void aCopyAddsNothingUntilPlanningAddsColumnsItDidNotKnow() {
    ColumnTypes known = ColumnTypes.of(Map.of(List.of("s"), TEXT), 6, 1000);
    ColumnTypes planned = known.copy();
    assertThat(planned.isAdded(List.of("s"))).isFalse();

    planned.addAll(Map.of(List.of("s"), TEXT));
    assertThat(planned.isAdded(List.of("s"))).as("a column it knew").isFalse();

    planned.addAll(Map.of(List.of("x"), DOUBLE));
    assertThat(planned.isAdded(List.of("x"))).isTrue();
    assertThat(planned.get(List.of("x"))).contains(DOUBLE);
    assertThat(planned.copy().isAdded(List.of("x"))).as("a copy starts afresh").isFalse();
    assertThat(planned.copy().get(List.of("x"))).as("but knows the column").contains(DOUBLE);
  }

  @Test
  void whatFitsIsSharedByCopiesOfTheTablesColumnsOnly() {
    ColumnTypes table = ColumnTypes.of(Map.of(List.of("s"), TEXT), 6, 1000);
    table.copy().rememberFits("s", Shape.Scalar.TEXT);
    assertThat(table.copy().fitsAsIs("s", Shape.Scalar.TEXT)).isTrue();
    assertThat(table.fitsAsIs("s", Shape.Scalar.BOOLEAN)).as("another shape").isFalse();
    assertThat(table.fitsAsIs("t", Shape.Scalar.TEXT)).as("another name").isFalse();
    assertThat(ColumnTypes.of(Map.of(List.of("s"), TEXT), 6, 1000).fitsAsIs("s", Shape.Scalar.TEXT))
        .as("the columns read again")
        .isFalse();

    ColumnTypes planned = table.copy();
    planned.addAll(Map.of(List.of("x"), DOUBLE));
    ColumnTypes ofPlanned = planned.copy();
    assertThat(ofPlanned.fitsAsIs("s", Shape.Scalar.TEXT)).isFalse();
    ofPlanned.rememberFits("x", Shape.Scalar.TEXT);
    assertThat(table.fitsAsIs("x", Shape.Scalar.TEXT)).isFalse();

    table.addExisting(Map.of(List.of("x"), DOUBLE));
    assertThat(table.copy().isAdded(List.of("x"))).isFalse();
    assertThat(table.copy().get(List.of("x"))).contains(DOUBLE);
    assertThat(table.hasRoomFor(1000 - 7)).as("x counts").isTrue();
    assertThat(table.hasRoomFor(1000 - 6)).isFalse();
    assertThat(table.copy().fitsAsIs("s", Shape.Scalar.TEXT)).as("still shared").isTrue();
  }

  @Test
  void whatFitsIsRememberedWithinBoundedMemory() {
    ColumnTypes table = ColumnTypes.of(Map.of(), 6, 1000);
    Map<String, Shape> fields = new LinkedHashMap<>();
    for (int i = 1; i < ColumnTypes.MAX_FITTING_COLUMNS; i++) {
      fields.put("f" + i, Shape.Scalar.TEXT);
    }
    Shape largest = new Shape.Obj(fields);
    table.rememberFits("m", largest);
    assertThat(table.fitsAsIs("m", largest)).isTrue();
    Map<String, Shape> more = new LinkedHashMap<>(fields);
    more.put("g", new Shape.Arr(Shape.Scalar.TEXT));
    Shape tooLarge = new Shape.Obj(more);
    table.rememberFits("n", tooLarge);
    assertThat(table.fitsAsIs("n", tooLarge)).as("one column too many").isFalse();

    for (int i = 1; i < ColumnTypes.MAX_FITTING; i++) {
      table.rememberFits("a" + i, Shape.Scalar.TEXT);
    }
    assertThat(table.fitsAsIs("a" + (ColumnTypes.MAX_FITTING - 1), Shape.Scalar.TEXT)).isTrue();
    table.rememberFits("over", Shape.Scalar.TEXT);
    assertThat(table.fitsAsIs("over", Shape.Scalar.TEXT)).as("full").isFalse();
  }

  @Test
  void aValueIsTriedAgainstTheFirstShapesOfItsNameOnly() {
    ColumnTypes table = ColumnTypes.of(Map.of(), 6, 1000);
    List<AttributeValue> values =
        List.of(
            new AttributeValue.S("s"),
            new AttributeValue.Bool(true),
            new AttributeValue.N(new BigDecimal("1")),
            new AttributeValue.N(new BigDecimal("0.5")),
            new AttributeValue.N(new BigDecimal("0.123456789")));
    for (AttributeValue value : values) {
      table.rememberFits("x", Shape.of(value, 100));
    }
    for (int i = 0; i < values.size(); i++) {
      assertThat(table.copy().fitsAsIs("x", values.get(i), 100))
          .as("value %d", i)
          .isEqualTo(i < ColumnTypes.MAX_SHAPES_TRIED);
      assertThat(table.fitsAsIs("x", Shape.of(values.get(i), 100))).as("shape %d", i).isTrue();
    }
    assertThat(table.fitsAsIs("y", values.get(0), 100)).as("another name").isFalse();
    assertThat(table.fitsAsIs("x", new AttributeValue.S("x".repeat(101)), 100))
        .as("text too long for data")
        .isFalse();
  }

  @Test
  void crateDbsUndefinedColumnsParseAsUndefinedAtTheirDepth() {
    assertThat(ColumnType.parse("undefined"))
        .isEqualTo(new ColumnType(ColumnType.Base.UNDEFINED, 0));
    assertThat(ColumnType.parse("undefined_array"))
        .isEqualTo(new ColumnType(ColumnType.Base.UNDEFINED, 1));
    assertThat(ColumnType.parse("boolean")).isEqualTo(BOOLEAN);
  }
}
