package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.lambda.FunctionConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetOptionsTest {

  private static final String EMBEDDED_URL = "postgresql://postgres@127.0.0.1:5433/postgres";

  private static Map<String, String> embedded(Map<String, String> processEnvironment) {
    TargetOptions options = new TargetOptions();
    options.target = "embedded";
    return options.environment(processEnvironment, EMBEDDED_URL);
  }

  @Test
  void theEmbeddedTargetWritesToDemoUnlessAVariableOrTheOptionNamesATable() {
    assertThat(embedded(Map.of())).containsEntry(FunctionConfig.TABLE, "demo");
    assertThat(embedded(Map.of("CRATEDB_TABLE", " ", "SINK_TABLE", "")))
        .as("blank names no table")
        .containsEntry(FunctionConfig.TABLE, "demo");
    assertThat(embedded(Map.of("CRATEDB_TABLE", "orders")))
        .containsEntry(FunctionConfig.TABLE, "orders");
    // The reference tool's Lambda variable: CRATEDB_TABLE=demo would take precedence over it.
    assertThat(embedded(Map.of("SINK_TABLE", "orders")))
        .doesNotContainKey(FunctionConfig.TABLE)
        .containsEntry("SINK_TABLE", "orders");

    TargetOptions named = new TargetOptions();
    named.target = "embedded";
    named.table = "customers";
    assertThat(named.environment(Map.of("SINK_TABLE", "orders"), EMBEDDED_URL))
        .containsEntry(FunctionConfig.TABLE, "customers");
  }

  @Test
  void aSinkTableVariableReachesTheEmbeddedTargetsConfiguration() {
    FunctionConfig config =
        FunctionConfig.fromEnvironment(embedded(Map.of("SINK_TABLE", "orders")));
    assertThat(config.toString()).doesNotContain("demo");
    assertThat(config.settings().routes().toString()).contains("orders");
  }

  @Test
  void aBadDeleteModeIsNamedAsTheOptionTyped() {
    TargetOptions deletes = new TargetOptions();
    deletes.routes.deletes = "sometimes";
    assertThatThrownBy(() -> deletes.environment(Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--deletes=sometimes is not one of hard, soft");
    TargetOptions ttl = new TargetOptions();
    ttl.routes.ttlDeletes = "never";
    assertThatThrownBy(() -> ttl.environment(Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--ttl-deletes=never is not one of ");
    TargetOptions soft = new TargetOptions();
    soft.routes.deletes = "SOFT";
    assertThat(soft.environment(Map.of(), null)).containsEntry(FunctionConfig.DELETES, "SOFT");
  }
}
