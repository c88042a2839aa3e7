package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.plan.ColumnType;
import io.cdcrelay.plan.ColumnTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedColumnTypesTest {

  private static ColumnTypes types(String... columns) {
    ColumnTypes types = ColumnTypes.empty();
    for (String column : columns) {
      types.addAll(Map.of(List.of(column), ColumnType.parse("text")));
    }
    return types;
  }

  @Test
  void aWriterAtTheCountOfAdditionsTakesACopyOfThePublishedTypes() {
    PublishedColumnTypes published = new PublishedColumnTypes();
    ColumnTypes adder = types("a", "b");
    published.publish("db t", 2, adder);

    ColumnTypes taken = published.current("db t", 2).orElseThrow();
    assertThat(taken.get(List.of("b"))).contains(ColumnType.parse("text"));
    // Copies: what the adder or the taker adds later is not the other's.
    adder.addAll(Map.of(List.of("c"), ColumnType.parse("text")));
    assertThat(taken.get(List.of("c"))).isEmpty();
    taken.addAll(Map.of(List.of("d"), ColumnType.parse("text")));
    assertThat(published.current("db t", 2).orElseThrow().get(List.of("d"))).isEmpty();
  }

  @Test
  void typesBehindOrAheadOfTheCountAreNotTakenAndTablesAreApart() {
    PublishedColumnTypes published = new PublishedColumnTypes();
    published.publish("db t", 2, types("a"));

    assertThat(published.current("db t", 3)).as("another addition since").isEmpty();
    assertThat(published.current("db t", 1)).isEmpty();
    assertThat(published.current("db u", 2)).as("another table").isEmpty();
    assertThat(published.current("other t", 2)).as("another database").isEmpty();
  }

  @Test
  void anOlderPublicationDoesNotReplaceANewerOne() {
    PublishedColumnTypes published = new PublishedColumnTypes();
    published.publish("db t", 3, types("a", "b", "c"));
    published.publish("db t", 2, types("a", "b"));

    assertThat(published.current("db t", 3)).isPresent();
    assertThat(published.current("db t", 2)).isEmpty();
  }
}
