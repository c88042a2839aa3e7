package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardOrderTest {

  private static final Shard PARENT = new Shard("shardId-000000000000", List.of(), true);
  private static final Shard LEFT =
      new Shard("shardId-000000000001", List.of(PARENT.shardId()), false);
  private static final Shard RIGHT =
      new Shard("shardId-000000000002", List.of(PARENT.shardId()), false);

  private static List<String> ready(
      List<Shard> listing, Set<String> finished, Set<String> started) {
    return ShardOrder.ready(listing, finished, started).stream().map(Shard::shardId).toList();
  }

  @Test
  void childrenOfASplitWaitUntilTheirParentIsDrained() {
    List<Shard> listing = List.of(RIGHT, LEFT, PARENT);
    assertThat(ready(listing, Set.of(), Set.of())).containsExactly(PARENT.shardId());
    assertThat(ready(listing, Set.of(), Set.of(PARENT.shardId()))).isEmpty();
    assertThat(ready(listing, Set.of(PARENT.shardId()), Set.of(PARENT.shardId())))
        .containsExactly(LEFT.shardId(), RIGHT.shardId());
  }

  @Test
  void aMergedShardWaitsForBothParents() {
    Shard a = new Shard("shardId-000000000003", List.of(), true);
    Shard b = new Shard("shardId-000000000004", List.of(), true);
    Shard merged = new Shard("shardId-000000000005", List.of(a.shardId(), b.shardId()), false);
    List<Shard> listing = List.of(a, b, merged);
    Set<String> started = Set.of(a.shardId(), b.shardId());
    assertThat(ready(listing, Set.of(a.shardId()), started)).isEmpty();
    assertThat(ready(listing, Set.of(a.shardId(), b.shardId()), started))
        .containsExactly(merged.shardId());
  }

  @Test
  void aParentPastTheRetentionCountsAsDrained() {
    assertThat(ready(List.of(LEFT, RIGHT), Set.of(), Set.of()))
        .containsExactly(LEFT.shardId(), RIGHT.shardId());
  }

  @Test
  void aParentStillBeingReadWaitsForItsChildrenEvenOnceItLeftTheListing() {
    // A relay that lags near the retention still reads the parent's last records when the parent
    // leaves the listing: its children wait until its worker has read it to its end.
    List<Shard> listing = List.of(LEFT, RIGHT);
    assertThat(ready(listing, Set.of(), Set.of(PARENT.shardId()))).isEmpty();
    assertThat(ready(listing, Set.of(PARENT.shardId()), Set.of(PARENT.shardId())))
        .containsExactly(LEFT.shardId(), RIGHT.shardId());
  }

  @Test
  void independentShardsAreAllReadyAtOnce() {
    Shard a = new Shard("shardId-000000000001", List.of(), false);
    Shard b = new Shard("shardId-000000000000", List.of(), false);
    assertThat(ready(List.of(a, b), Set.of(), Set.of())).containsExactly(b.shardId(), a.shardId());
    assertThat(ready(List.of(a, b), Set.of(), Set.of(b.shardId()))).containsExactly(a.shardId());
  }
}
