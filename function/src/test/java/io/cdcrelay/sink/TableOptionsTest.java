package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableOptionsTest {

  private static String parsed(String text) {
    return TableOptions.parse("CRATEDB_TABLE_OPTIONS", text).orElseThrow();
  }

  @Test
  void theKeysSubColumnsCanClusterAndPartitionTheRelaysTables() {
    // The only columns CrateDB takes there for the relay's layout: pk OBJECT(STRICT) AS (…).
    assertThat(parsed("CLUSTERED BY (pk['id']) INTO 6 SHARDS PARTITIONED BY (pk['tenant'])"))
        .isEqualTo("CLUSTERED BY (pk['id']) INTO 6 SHARDS PARTITIONED BY (pk['tenant'])");
    assertThat(
            parsed(
                "PARTITIONED BY (\"pk\" [ 'tenant' ], pk['it''s'])"
                    + " WITH (number_of_replicas = '0-1')"))
        .isEqualTo(
            "PARTITIONED BY (\"pk\" [ 'tenant' ], pk['it''s']) WITH (number_of_replicas = '0-1')");
    assertThat(parsed("CLUSTERED BY (\"Day\") INTO 3 SHARDS")).contains("\"Day\"");
  }

  @Test
  void aColumnListThatIsNotColumnsIsRefusedNamingTheSetting() {
    for (String bad :
        new String[] {
          "PARTITIONED BY (pk['a'])) WITH (x = 1",
          "PARTITIONED BY (pk['a'] OR 1 = 1)",
          "PARTITIONED BY (pk['a' 'b'])",
          "CLUSTERED BY ('pk') INTO 3 SHARDS",
          "PARTITIONED BY (pk[id])",
          "PARTITIONED BY ()",
          "PARTITIONED BY (pk['a']); DROP TABLE t",
          "PARTITIONED BY (pk['a--'])",
          "CLUSTERED INTO 0 SHARDS"
        }) {
      assertThatThrownBy(() -> parsed(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("CRATEDB_TABLE_OPTIONS=" + bad + " is not CrateDB table clauses");
    }
  }
}
