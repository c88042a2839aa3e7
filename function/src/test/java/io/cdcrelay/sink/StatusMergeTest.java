package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusMergeTest {

  private static final TableName ORDERS = new TableName("doc", "orders");
  private static final TableName USERS = new TableName("doc", "users");

  private static Target.Status row(
      String shard, TableName table, String last, int newestSecond, int appliedSecond, int n) {
    return new Target.Status(
        "arn:stream",
        shard,
        table,
        last,
        Instant.ofEpochSecond(newestSecond),
        Instant.ofEpochSecond(appliedSecond),
        n,
        n - 1,
        1,
        0,
        2 * n,
        3,
        n % 2);
  }

  @Test
  void partsOfOneShardAndTableBecomeOneRowWithTheLastRecordTheNewestTimesAndTheSums() {
    // The parts in the order they finished: the last record is numerically, not textually, last.
    List<Target.Status> merged =
        Target.Status.merge(
            List.of(
                row("s-1", ORDERS, "900", 30, 50, 4),
                row("s-1", ORDERS, "1000", 20, 40, 5),
                row("s-1", ORDERS, "95", 10, 45, 6)));

    assertThat(merged)
        .containsExactly(
            new Target.Status(
                "arn:stream",
                "s-1",
                ORDERS,
                "1000",
                Instant.ofEpochSecond(30),
                Instant.ofEpochSecond(50),
                15,
                12,
                3,
                0,
                30,
                9,
                1));
  }

  @Test
  void rowsOfOtherTablesOrShardsStayApartInTheOrderTheyFirstAppear() {
    Target.Status users = row("s-1", USERS, "7", 1, 2, 1);
    Target.Status ordersOfShard2 = row("s-2", ORDERS, "8", 1, 2, 1);
    Target.Status orders = row("s-1", ORDERS, "9", 1, 2, 1);

    assertThat(Target.Status.merge(List.of(users, ordersOfShard2, orders, users)))
        .extracting(s -> s.shardId() + " " + s.table() + " " + s.received())
        .containsExactly("s-1 doc.users 2", "s-2 doc.orders 1", "s-1 doc.orders 1");
  }
}
