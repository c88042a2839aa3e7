package io.cdcrelay.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetIndexTest {

  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void puttingGettingAndRemovingAgreeWithAMapOverManyKeysAndGrowth() {
    // Keys that share their low bits (their home slot) and their stripe, and random ones, put,
    // replaced and removed in random order: the index must answer as a map does throughout.
    Random random = new Random(42);
    List<Long> keys = new ArrayList<>();
    for (int i = 1; i <= 3000; i++) {
      keys.add(((long) i << 20) | 7L);
    }
    for (int i = 0; i < 20_000; i++) {
      long key = random.nextLong();
      keys.add(key == 0 ? 1 : key);
    }
    TargetIndex index = new TargetIndex();
    Map<Long, Long> reference = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      long key = keys.get(random.nextInt(keys.size()));
      long entry = random.nextLong() | 2L;
      switch (random.nextInt(3)) {
        case 0, 1 -> {
          index.put(key, entry);
          reference.put(key, entry);
        }
        default -> {
          Long expected = reference.remove(key);
          assertThat(index.remove(key))
              .as("remove %d", key)
              .isEqualTo(expected == null ? 0 : expected);
        }
      }
      if (step % 10_000 == 0) {
        assertThat(index.size()).isEqualTo(reference.size());
      }
    }
    for (long key : keys) {
      assertThat(index.get(key)).as("get %d", key).isEqualTo(reference.getOrDefault(key, 0L));
    }
    Map<Long, Long> left = new HashMap<>();
    index.forEach(left::put);
    assertThat(left).isEqualTo(reference);
  }

  @Test
  void orderFreeEntriesFollowTheirKeysThroughGrowthAndRemoval() {
    // Some rows with an order-free entry of their own, most without: each taken row answers both,
    // after the tables grew and removals shifted rows back over freed slots.
    Random random = new Random(7);
    TargetIndex index = new TargetIndex();
    Map<Long, long[]> reference = new HashMap<>();
    List<Long> keys = new ArrayList<>();
    for (int i = 1; i <= 20_000; i++) {
      long key = i % 3 == 0 ? ((long) i << 20) | 5L : random.nextLong() | 1L;
      long entry = random.nextLong() | 2L;
      long orderFree = i % 4 == 0 ? random.nextLong() | 2L : 0;
      index.put(key, entry, orderFree);
      reference.put(key, new long[] {entry, orderFree == 0 ? entry : orderFree});
      keys.add(key);
    }
    java.util.Collections.shuffle(keys, random);
    for (int i = 0; i < keys.size(); i += 2) {
      TargetIndex.Taken taken = index.take(keys.get(i));
      long[] expected = reference.remove(keys.get(i));
      assertThat(taken).isEqualTo(new TargetIndex.Taken(expected[0], expected[1]));
    }
    for (int i = 1; i < keys.size(); i += 2) {
      long[] expected = reference.get(keys.get(i));
      assertThat(index.take(keys.get(i)))
          .as("key %d", keys.get(i))
          .isEqualTo(new TargetIndex.Taken(expected[0], expected[1]));
    }
    assertThat(index.take(keys.get(0))).as("taken before").isNull();
    assertThat(index.size()).isZero();
    index.put(9, 6, 6);
    assertThat(index.take(9))
        .as("an order-free entry equal to the entry")
        .isEqualTo(new TargetIndex.Taken(6, 6));
  }

  @Test
  void anEntryKeepsWhetherItIsExpectedAndTellsTheSameItemFromAnother() throws Exception {
    byte[] item = sha256("{\"id\":\"a\",\"n\":1}");
    byte[] other = sha256("{\"id\":\"a\",\"n\":2}");
    long expected = TargetIndex.entry(item, true);
    long plain = TargetIndex.entry(item, false);

    assertThat(TargetIndex.expected(expected)).isTrue();
    assertThat(TargetIndex.expected(plain)).isFalse();
    assertThat(expected).isNotZero();
    assertThat(TargetIndex.entry(new byte[8], false)).as("never 0").isNotZero();
    assertThat(TargetIndex.sameItem(plain, item)).isTrue();
    assertThat(TargetIndex.sameItem(expected, item)).isTrue();
    assertThat(TargetIndex.sameItem(plain, other)).isFalse();
  }

  @Test
  void keyHashesAreStableDistinctAndNeverZero() {
    assertThat(TargetIndex.keyHash("{\"id\":\"a\"}"))
        .isEqualTo(TargetIndex.keyHash("{\"id\":\"a\"}"));
    Set<Long> hashes = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      long hash = TargetIndex.keyHash("{\"id\":\"item-" + i + "\"}");
      assertThat(hash).isNotZero();
      hashes.add(hash);
    }
    assertThat(hashes).as("100,000 keys, 100,000 hashes").hasSize(100_000);
    // Every stripe is used: the top bits vary.
    Set<Long> stripes = new HashSet<>();
    hashes.forEach(h -> stripes.add(h >>> 58));
    assertThat(stripes).hasSize(64);
  }

  @Test
  void zeroIsNeitherAKeyNorAnEntry() {
    TargetIndex index = new TargetIndex();
    assertThatThrownBy(() -> index.put(0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> index.put(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
