package io.cdcrelay.kinesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which shards may be consumed now: a child shard only after every parent of it is fully drained,
 * so that the changes of one item, which move from the parent to a child at a reshard, stay in
 * order.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html">Kinesis:
 *     data routing, data persistence, and shard state after a reshard</a>
 */
public final class ShardOrder {

  private ShardOrder() {}

  /**
   * The shards of {@code listing} that are neither {@code finished} nor {@code started} and whose
   * parents are all finished. A parent missing from the listing is past the stream's retention:
   * nothing of it is left to read, so it counts as finished, unless it was started and is still
   * being read (its last records leave the stream as they are read).
   */
  public static List<Shard> ready(
      Collection<Shard> listing, Set<String> finished, Set<String> started) {
    Set<String> listed = new HashSet<>();
    listing.forEach(s -> listed.add(s.shardId()));
    List<Shard> ready = new ArrayList<>();
    for (Shard shard : listing) {
      if (finished.contains(shard.shardId()) || started.contains(shard.shardId())) {
        continue;
      }
      boolean parentsDone = true;
      for (String parent : shard.parents()) {
        if ((listed.contains(parent) || started.contains(parent)) && !finished.contains(parent)) {
          parentsDone = false;
        }
      }
      if (parentsDone) {
        ready.add(shard);
      }
    }
    ready.sort(Comparator.comparing(Shard::shardId));
    return ready;
  }
}
