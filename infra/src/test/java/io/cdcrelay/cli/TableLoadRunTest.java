package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TableName;
import io.cdcrelay.snapshot.SnapshotLoad;
import org.junit.jupiter.api.Test;

class TableLoadRunTest {

  @Test
  void aLoadThatSetItemsAsideExitsWithThreeAndOneThatFailedWithOne() {
    assertThat(TableLoadRun.exitCode(new SnapshotLoad.Result(SnapshotLoad.Status.DONE, 5, "", 0)))
        .isZero();
    assertThat(TableLoadRun.exitCode(new SnapshotLoad.Result(SnapshotLoad.Status.DONE, 5, "", 2)))
        .isEqualTo(3);
    // A failure is a failure, whatever was set aside before it.
    assertThat(TableLoadRun.exitCode(new SnapshotLoad.Result(SnapshotLoad.Status.FAILED, 5, "", 2)))
        .isEqualTo(1);
    assertThat(
            TableLoadRun.exitCode(new SnapshotLoad.Result(SnapshotLoad.Status.STOPPED, 5, "", 2)))
        .isEqualTo(130);
  }

  @Test
  void theSummaryOfALoadThatSetItemsAsideSaysTheTableLacksThemAndWhatToRun() {
    TableName table = new TableName("doc", "orders");
    assertThat(SnapshotLoad.setAside(0, table)).isEmpty();
    assertThat(SnapshotLoad.setAside(1, table))
        .isEqualTo(
            System.lineSeparator()
                + "1 item set aside as a dead letter is not in doc.orders: relay dead-letters"
                + " list TARGET says why, relay dead-letters replay TARGET applies it once that is"
                + " fixed");
    assertThat(SnapshotLoad.setAside(2, table))
        .contains("2 items set aside as dead letters are not in doc.orders")
        .endsWith("applies them once that is fixed");
  }
}
