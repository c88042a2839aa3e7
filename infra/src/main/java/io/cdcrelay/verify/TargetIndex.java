package io.cdcrelay.verify;

import java.nio.ByteBuffer;

/**
 * The target's rows as verify's first pass keeps them until the source is scanned: a 64-bit hash of
 * each row's key and 64 bits of its item's digest, in open-addressing tables of longs (about 23 to
 * 46 bytes a row, against about 180 for a map of key texts to digests: a table of ten million rows
 * in about 300 MB of heap instead of 1.8 GB). Safe for the scan's threads: the rows are spread over
 * {@value #STRIPES} tables, each with its own lock.
 *
 * <p>A row whose arrays of plain values are out of order (a set as the reference tool writes it, in
 * a Python {@code set}'s order) also keeps 62 bits of its order-free digest ({@link
 * PlainItems#withSortedValueArrays}), in a second table of longs that a stripe allocates for its
 * first such row: about 8 to 16 bytes more a row of a table that has such rows, none otherwise.
 *
 * <p>Two keys of the same hash keep one entry: one of them then finds no row, or the other's, and
 * is read again from both sides, as every difference is, and judged by what it reads; a key hash
 * and 62 bits of digest would both have to collide for a stale row to pass as equal.
 */
final class TargetIndex {

  /** Takes each entry left, with its key hash. */
  @FunctionalInterface
  interface EntryConsumer {
    void accept(long key, long entry);
  }

  /** A row's entry and its order-free entry (the entry itself when its arrays are in order). */
  record Taken(long entry, long orderFree) {}

  private static final int STRIPES = 64;
  private static final int STRIPE_BITS = 6;
  private static final int FIRST_CAPACITY = 256;

  private final Stripe[] stripes = new Stripe[STRIPES];

  TargetIndex() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** A 64-bit hash of a row's key text, never 0. */
  static long keyHash(String keyText) {
    // FNV-1a over the characters, then MurmurHash3's finaliser, so that every bit counts.
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < keyText.length(); i++) {
      h ^= keyText.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  /**
   * The entry of a row: 62 bits of its item's digest, whether it is an expected extra, and a bit
   * that makes it never 0.
   */
  static long entry(byte[] digest, boolean expected) {
    return (digestBits(digest) & ~3L) | 2L | (expected ? 1L : 0L);
  }

  /** Whether the entry's row is an expected extra (kept by the TTL policy). */
  static boolean expected(long entry) {
    return (entry & 1L) != 0;
  }

  /** Whether the entry's row holds the item of {@code digest}. */
  static boolean sameItem(long entry, byte[] digest) {
    return (entry & ~3L) == (digestBits(digest) & ~3L);
  }

  private static long digestBits(byte[] digest) {
    if (digest.length < Long.BYTES) {
      throw new IllegalArgumentException("a digest of " + digest.length + " bytes");
    }
    return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
  }

  /** Keeps the entry of {@code key} (a {@link #keyHash}), replacing one of the same key. */
  void put(long key, long entry) {
    put(key, entry, 0);
  }

  /**
   * Keeps the entry of {@code key} and its order-free entry ({@code 0} when it is the entry
   * itself), replacing those of the same key.
   */
  void put(long key, long entry, long orderFree) {
    if (key == 0 || entry == 0) {
      throw new IllegalArgumentException("key and entry are never 0");
    }
    stripe(key).put(key, entry, orderFree == entry ? 0 : orderFree);
  }

  /** The entry of {@code key}, or 0. */
  long get(long key) {
    return stripe(key).get(key);
  }

  /** Removes the entry of {@code key} and returns it, or 0 when there is none. */
  long remove(long key) {
    Taken taken = take(key);
    return taken == null ? 0 : taken.entry();
  }

  /** Removes the entries of {@code key} and returns them, or null when there are none. */
  Taken take(long key) {
    return stripe(key).take(key);
  }

  /** The entries kept. */
  long size() {
    long size = 0;
    for (Stripe stripe : stripes) {
      size += stripe.size();
    }
    return size;
  }

  /** Hands each entry left to {@code consumer}; not while others change the index. */
  void forEach(EntryConsumer consumer) {
    for (Stripe stripe : stripes) {
      stripe.forEach(consumer);
    }
  }

  private Stripe stripe(long key) {
    return stripes[(int) (key >>> (Long.SIZE - STRIPE_BITS))];
  }

  /** One table: linear probing, removal by shifting back, so no slot is ever a tombstone. */
  private static final class Stripe {
    private long[] keys = new long[FIRST_CAPACITY];
    private long[] entries = new long[FIRST_CAPACITY];
    // Order-free entries, parallel to entries; null until the stripe's first row needs one.
    private long[] orderFree;
    private int size;

    private int home(long key, int mask) {
      return (int) key & mask;
    }

    synchronized void put(long key, long entry, long free) {
      if ((size + 1) * 10L > keys.length * 7L) {
        grow();
      }
      if (free != 0 && orderFree == null) {
        orderFree = new long[keys.length];
      }
      int mask = keys.length - 1;
      int i = home(key, mask);
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & mask;
      }
      if (keys[i] == 0) {
        keys[i] = key;
        size++;
      }
      entries[i] = entry;
      if (orderFree != null) {
        orderFree[i] = free;
      }
    }

    synchronized long get(long key) {
      int i = slot(key);
      return i < 0 ? 0 : entries[i];
    }

    synchronized Taken take(long key) {
      int i = slot(key);
      if (i < 0) {
        return null;
      }
      long entry = entries[i];
      long free = orderFree == null || orderFree[i] == 0 ? entry : orderFree[i];
      int mask = keys.length - 1;
      // Shift back each later key of the run that may not sit beyond the freed slot.
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        if (keys[j] == 0) {
          break;
        }
        int k = home(keys[j], mask);
        boolean stays = i <= j ? i < k && k <= j : i < k || k <= j;
        if (!stays) {
          keys[i] = keys[j];
          entries[i] = entries[j];
          if (orderFree != null) {
            orderFree[i] = orderFree[j];
          }
          i = j;
        }
      }
      keys[i] = 0;
      entries[i] = 0;
      if (orderFree != null) {
        orderFree[i] = 0;
      }
      size--;
      return new Taken(entry, free);
    }

    synchronized int size() {
      return size;
    }

    synchronized void forEach(EntryConsumer consumer) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != 0) {
          consumer.accept(keys[i], entries[i]);
        }
      }
    }

    private int slot(long key) {
      int mask = keys.length - 1;
      int i = home(key, mask);
      while (keys[i] != 0) {
        if (keys[i] == key) {
          return i;
        }
        i = (i + 1) & mask;
      }
      return -1;
    }

    private void grow() {
      long[] oldKeys = keys;
      long[] oldEntries = entries;
      long[] oldFree = orderFree;
      keys = new long[oldKeys.length * 2];
      entries = new long[oldKeys.length * 2];
      orderFree = oldFree == null ? null : new long[oldKeys.length * 2];
      int mask = keys.length - 1;
      for (int n = 0; n < oldKeys.length; n++) {
        if (oldKeys[n] != 0) {
          int i = home(oldKeys[n], mask);
          while (keys[i] != 0) {
            i = (i + 1) & mask;
          }
          keys[i] = oldKeys[n];
          entries[i] = oldEntries[n];
          if (oldFree != null) {
            orderFree[i] = oldFree[n];
          }
        }
      }
    }
  }
}
