package io.cdcrelay.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableRoutesTest {

  @Test
  void targetNamesAreLowerCaseWithEveryOtherCharacterAnUnderscore() {
    assertThat(TableRoutes.normalize("Orders")).isEqualTo("orders");
    assertThat(TableRoutes.normalize("my-table.v2")).isEqualTo("my_table_v2");
    assertThat(TableRoutes.normalize("Ümlaut_9")).isEqualTo("_mlaut_9");
  }

  @Test
  void aSingleTableTakesItsBoundSourceAndRefusesAnyOther() {
    TableRoutes routes = new TableRoutes("doc", "demo", Optional.of("orders"), Map.of(), Set.of());
    assertThat(routes.route("orders")).isEqualTo(new Route.To("doc", "demo", false));
    assertThat(routes.route("users"))
        .isInstanceOfSatisfying(
            Route.Refuse.class,
            r -> assertThat(r.reason()).contains("\"users\"").contains("\"orders\""));
  }

  @Test
  void aSingleTableWithoutANamedSourceIsBoundInTheStateSchema() {
    assertThat(TableRoutes.single(null, "demo").route("orders"))
        .isEqualTo(new Route.To(null, "demo", true));
    // A change without a table name cannot be checked against a binding.
    assertThat(TableRoutes.single(null, "demo").route(""))
        .isEqualTo(new Route.To(null, "demo", false));
  }

  @Test
  void twoSourcesOfOneTargetNameAreRefusedNamingBoth() {
    TableRoutes routes = new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of());
    assertThat(routes.route("my-table")).isEqualTo(new Route.To("doc", "my_table", true));
    assertThat(routes.route("My.Table"))
        .isInstanceOfSatisfying(
            Route.Refuse.class,
            r ->
                assertThat(r.reason())
                    .contains("\"my-table\"")
                    .contains("\"My.Table\"")
                    .contains("doc.my_table"));
    assertThat(routes.route("my-table")).isEqualTo(new Route.To("doc", "my_table", true));
  }

  @Test
  void theMapComesFirstAndTheIncludeListSkipsTheRest() {
    TableRoutes routes =
        new TableRoutes(
            "doc",
            null,
            Optional.empty(),
            TableRoutes.parseMap("M", "orders=sales.orders, users=people"),
            TableRoutes.parseList("orders,users,audit"));
    assertThat(routes.route("orders")).isEqualTo(new Route.To("sales", "orders", true));
    assertThat(routes.route("users")).isEqualTo(new Route.To("doc", "people", true));
    assertThat(routes.route("audit")).isEqualTo(new Route.To("doc", "audit", true));
    assertThat(routes.route("other")).isInstanceOf(Route.Skip.class);
  }

  @Test
  void aChangeWithoutATableHasNoDestinationInSchemaRouting() {
    assertThat(new TableRoutes("doc", null, Optional.empty(), Map.of(), Set.of()).route(""))
        .isInstanceOf(Route.Refuse.class);
  }

  @Test
  void aMapNamingOneSourceTwiceIsRejected() {
    assertThatThrownBy(() -> TableRoutes.parseMap("CRATEDB_TABLE_MAP", "a=x,a=y"))
        .hasMessage("CRATEDB_TABLE_MAP names a twice");
  }
}
