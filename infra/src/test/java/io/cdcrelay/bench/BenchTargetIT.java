package io.cdcrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's target on the embedded PostgreSQL. */
class BenchTargetIT {

  @TempDir Path dir;

  @Test
  void aRoundsTablesAreDroppedAndTheOthersKeptAMissingOneIsNoError() throws Exception {
    try (BenchTarget target = BenchTarget.embedded(dir.resolve("pg"))) {
      target.clear();
      try (Connection connection = target.connect();
          Statement statement = connection.createStatement()) {
        for (String table : List.of("snapshot_load_r0", "snapshot_raw_r0", "kept")) {
          statement.execute("CREATE TABLE bench.\"" + table + "\" (id INT)");
        }
      }

      target.drop(List.of("snapshot_load_r0", "snapshot_raw_r0", "snapshot_raw_r0_large"));

      assertThat(tables(target)).containsExactly("kept");
    }
  }

  private static List<String> tables(BenchTarget target) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection connection = target.connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bench'"
                    + " ORDER BY table_name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
