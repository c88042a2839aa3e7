package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.route.TableRoutes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceOptionsTest {

  private final ReferenceOptions options = new ReferenceOptions();

  @Test
  void aSchemaIsGivenToATableWithoutOneAndMustAgreeWithOneThatHasIt() {
    options.schema = "sales";
    assertThat(options.table("orders")).isEqualTo("sales.orders");
    assertThat(options.table("sales.orders")).isEqualTo("sales.orders");
    assertThat(options.table(null)).isNull();
    assertThatThrownBy(() -> options.table("crm.orders"))
        .hasMessage("--schema sales and --table crm.orders name two schemas: give one");
  }

  @Test
  void withoutASchemaTheTableIsUnchanged() {
    assertThat(options.table("orders")).isEqualTo("orders");
  }

  @Test
  void aSchemaMustBeTheOneTheTargetWritesInto() {
    options.schema = "sales";
    options.check(TableRoutes.single("sales", "orders"));
    assertThatThrownBy(() -> options.check(TableRoutes.single("doc", "orders")))
        .hasMessageStartingWith("--schema sales differs from the target's schema doc");
    assertThatThrownBy(() -> options.check(TableRoutes.single(null, "orders")))
        .hasMessageContaining("the target names no schema");
  }

  @Test
  void whatThisRelayHasNoEquivalentForIsRefusedInOneSentence() {
    assertThat(options.refusal(true, Map.of())).isEmpty();
    options.transformation = "recipe.yaml";
    assertThat(options.refusal(true, Map.of())).get().asString().startsWith("--transformation");
    options.transformation = null;
    options.fileOption = "gzip";
    assertThat(options.refusal(true, Map.of())).get().asString().startsWith("--format");
  }

  @Test
  void aCloudClusterIdCountsOnlyWithoutATargetUrlAsInTheReference() {
    options.clusterId = "e1e38d92";
    assertThat(options.refusal(true, Map.of())).as("the URL wins, as in the reference").isEmpty();
    assertThat(options.refusal(false, Map.of())).get().asString().startsWith("--cluster-id");
    options.clusterId = null;
    assertThat(options.refusal(false, Map.of("CRATEDB_CLUSTER_NAME", "prod")))
        .get()
        .asString()
        .startsWith("CRATEDB_CLUSTER_NAME")
        .contains("give the cluster's URL");
    assertThat(options.refusal(false, Map.of())).isEmpty();
  }

  @Test
  void debugLoggingIsReadBeforeTheCommandAndNotAfterDoubleDash() {
    assertThat(RelayCli.debugLogging("load", "--debug", "src")).contains("debug");
    assertThat(RelayCli.debugLogging("load", "src")).isEmpty();
    assertThat(RelayCli.debugLogging("load", "--", "--debug")).isEmpty();
  }
}
