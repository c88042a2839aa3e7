package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Every batched statement writes exactly one row: any other count is that row's failure. */
class RowCountsTest {

  @Test
  void aCountOfOneIsTheOnlySuccess() {
    Target.RowResults results = RowCounts.check(new int[] {1, 0, Statement.EXECUTE_FAILED, 2, 1});

    assertThat(results.batchFailed()).isFalse();
    assertThat(results.errors().get(0)).isNull();
    assertThat(results.errors().get(1))
        .isEqualTo("the database wrote 0 rows where 1 was expected (a row it dropped silently)");
    assertThat(results.errors().get(2)).isEqualTo("the database reported the row as failed");
    assertThat(results.errors().get(3)).contains("wrote 2 rows");
    assertThat(results.errors().get(4)).isNull();
  }

  @Test
  void successNoInfoIsNotTakenForSuccess() {
    // crate-jdbc and some drivers answer SUCCESS_NO_INFO (-2): the relay cannot tell the row
    // landed.
    assertThat(RowCounts.error(Statement.SUCCESS_NO_INFO)).isNotNull();
  }
}
