package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.testing.InterceptedTarget;
import io.cdcrelay.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A segment reads its next pages while the relay applies the ones read before, so that the source
 * and the target work at the same time, and writes the pages read meanwhile together: on a real
 * PostgreSQL, with a source whose reads can be seen while the first page's write waits for them.
 */
class SegmentReadAheadIT {

  private static final int PAGE_SIZE = 2;

  /**
   * A table in memory: each of {@code segments} segments has {@code pages} pages of {@code
   * pageSize} items, each with a value of at least {@code valueSize} characters; {@link #reading}
   * runs as each page's read begins.
   */
  private abstract static class InMemorySource implements TableSource {
    final String name;
    final int segments;
    final int pages;
    final int pageSize;
    final int valueSize;

    InMemorySource(String name, int segments, int pages, int pageSize, int valueSize) {
      this.name = name;
      this.segments = segments;
      this.pages = pages;
      this.pageSize = pageSize;
      this.valueSize = valueSize;
    }

    /** Runs as the read of {@code page} (from 0) of {@code segment} begins. */
    abstract void reading(int segment, int page);

    @Override
    public TableDescription describe() {
      return InMemoryTables.keyedById(name, (long) segments * pages * pageSize);
    }

    @Override
    public ScanPage scan(
        int segment,
        int totalSegments,
        Map<String, AttributeValue> startKey,
        int limit,
        boolean consistentRead,
        boolean reportCapacity) {
      int page =
          startKey.isEmpty()
              ? 0
              : Integer.parseInt(((AttributeValue.S) startKey.get("page")).value());
      reading(segment, page);
      List<Map<String, AttributeValue>> items = new ArrayList<>(pageSize);
      for (int i = 0; i < pageSize; i++) {
        String id = segment + "-" + page + "-" + i;
        String value = "value " + id;
        items.add(
            Map.of(
                "id",
                new AttributeValue.S(id),
                "n",
                new AttributeValue.S(value + "-".repeat(Math.max(0, valueSize - value.length())))));
      }
      Map<String, AttributeValue> next =
          page + 1 < pages
              ? Map.of("page", new AttributeValue.S(Integer.toString(page + 1)))
              : Map.of();
      return new ScanPage(items, next, 1.0);
    }

    @Override
    public Optional<Map<String, AttributeValue>> getItem(Map<String, AttributeValue> key) {
      throw new UnsupportedOperationException("the load reads no single item");
    }

    @Override
    public void close() {}
  }

  /** One segment of pages of two items each, in memory. */
  private static final class PagedSource extends InMemorySource {

    /** Open once the read of the second page began. */
    final CountDownLatch secondPageRead = new CountDownLatch(1);

    /** Open once the read of the last page began. */
    final CountDownLatch lastPageRead = new CountDownLatch(1);

    /** Opened by the test once the first write began: the reads after the first page wait. */
    final CountDownLatch firstWriteBegan = new CountDownLatch(1);

    final AtomicInteger reads = new AtomicInteger();

    PagedSource(int pages) {
      super("readahead", 1, pages, PAGE_SIZE, 0);
    }

    @Override
    void reading(int segment, int page) {
      reads.incrementAndGet();
      if (page == 1) {
        secondPageRead.countDown();
      }
      if (page == pages - 1) {
        lastPageRead.countDown();
      }
      if (page > 0) {
        try {
          firstWriteBegan.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void theNextPageIsReadWhileThePageBeforeItIsWritten() throws Exception {
    PagedSource source = new PagedSource(3);
    // The first write waits until the second page is being read: with the read ahead it is at
    // once; without it, the read would only begin after the write, and the wait times out.
    AtomicBoolean readDuringWrite = new AtomicBoolean();
    List<Integer> writes = load(source, source.secondPageRead, readDuringWrite);

    assertThat(readDuringWrite).as("the second page was read while the first was written").isTrue();
    assertThat(writes).as("rows per write").startsWith(PAGE_SIZE);
  }

  @Test
  void thePagesReadWhileTheTargetWritesAreWrittenTogether() throws Exception {
    PagedSource source = new PagedSource(4);
    // The first write waits until the last page is being read: the two pages before it wait
    // meanwhile, and the next write takes them (and the last, if read by then) at once.
    AtomicBoolean readDuringWrite = new AtomicBoolean();
    List<Integer> writes = load(source, source.lastPageRead, readDuringWrite);

    assertThat(readDuringWrite).as("the last page was read while the first was written").isTrue();
    assertThat(writes).as("rows per write").hasSizeLessThanOrEqualTo(3).startsWith(PAGE_SIZE);
    assertThat(writes.get(1)).as("rows of the second write").isGreaterThanOrEqualTo(2 * PAGE_SIZE);
  }

  /**
   * Loads the source's one segment into a fresh table: the source reads its pages after the first
   * once the first write began, and that write waits until {@code awaited} opens ({@code opened}
   * tells whether it did within 10 s); checks that every item arrived, each page read once, and
   * gives the rows of each write in order.
   */
  private static List<Integer> load(
      PagedSource source, CountDownLatch awaited, AtomicBoolean opened) throws Exception {
    List<Integer> writes = new CopyOnWriteArrayList<>();
    load(
        source,
        "read_ahead",
        1,
        PAGE_SIZE,
        source.pages * PAGE_SIZE,
        SnapshotSettings.MAX_WRITE_BYTES,
        (method, args) -> {
          if (method.equals("upsert")) {
            if (writes.isEmpty()) {
              source.firstWriteBegan.countDown();
              opened.set(awaited.await(10, TimeUnit.SECONDS));
            }
            writes.add(((List<?>) args[1]).size());
          }
        });
    assertThat(source.reads).as("each page read once").hasValue(source.pages);
    assertThat(writes.stream().mapToInt(Integer::intValue).sum())
        .as("rows written, over %s", writes)
        .isEqualTo(source.pages * PAGE_SIZE);
    return writes;
  }

  /**
   * Many segments of pages of small items, every read at once, so that the reads run ahead of the
   * target as far as the load lets them; {@code onRead} gets the items read so far as each page's
   * read begins (its reader took the page's share of the allowance before).
   */
  private static final class SegmentedSource extends InMemorySource {
    final AtomicInteger itemsRead = new AtomicInteger();
    final IntConsumer onRead;

    SegmentedSource(int segments, int pages, int pageSize, int valueSize, IntConsumer onRead) {
      super("segmented", segments, pages, pageSize, valueSize);
      this.onRead = onRead;
    }

    @Override
    void reading(int segment, int page) {
      onRead.accept(itemsRead.addAndGet(pageSize));
    }
  }

  /** Segments of pages of five items, recording the {@code Limit} of each segment's reads. */
  private static final class LimitRecordingSource extends InMemorySource {
    final Map<Integer, List<Integer>> limits = new java.util.concurrent.ConcurrentHashMap<>();

    LimitRecordingSource(int segments, int pages) {
      super("limits", segments, pages, 5, 0);
    }

    @Override
    void reading(int segment, int page) {}

    @Override
    public ScanPage scan(
        int segment,
        int totalSegments,
        Map<String, AttributeValue> startKey,
        int limit,
        boolean consistentRead,
        boolean reportCapacity) {
      limits.computeIfAbsent(segment, s -> new CopyOnWriteArrayList<>()).add(limit);
      return super.scan(segment, totalSegments, startKey, limit, consistentRead, reportCapacity);
    }
  }

  @Test
  void eachSegmentsFirstPageIsSmallSoThatTheWritesBeginEarly() throws Exception {
    LimitRecordingSource large = new LimitRecordingSource(2, 3);
    load(large, "first_page", 2, 500, 30, SnapshotSettings.MAX_WRITE_BYTES, (method, args) -> {});
    assertThat(large.limits)
        .containsOnlyKeys(0, 1)
        .allSatisfy(
            (segment, limits) ->
                assertThat(limits).containsExactly(SegmentScan.FIRST_PAGE, 500, 500));

    LimitRecordingSource small = new LimitRecordingSource(1, 3);
    load(small, "first_page", 1, 50, 15, SnapshotSettings.MAX_WRITE_BYTES, (method, args) -> {});
    assertThat(small.limits.get(0)).as("a batch-size below it").containsExactly(50, 50, 50);
  }

  @Test
  @Timeout(60)
  void aBatchSizeAsLargeAsTheWholeItemAllowanceStillReadsWhileTheTargetWrites() throws Exception {
    // batch-size=5000: a reader takes a page's worth of items before it reads. Were the allowance
    // five writes of 1,000 items, each reader after its first page would wait until nothing at
    // all is held: no two segments reading at once, no read beside a write.
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger readsBesideWrites = new AtomicInteger();
    InMemorySource source =
        new InMemorySource("large_pages", 4, 10, 100, 0) {
          @Override
          void reading(int segment, int page) {
            if (page > 0 && writing.get() > 0) {
              readsBesideWrites.incrementAndGet();
            }
          }
        };
    load(
        source,
        "large_pages",
        4,
        5_000,
        4 * 10 * 100,
        SnapshotSettings.MAX_WRITE_BYTES,
        (method, args) -> {
          if (method.equals("upsert")) {
            writing.incrementAndGet();
            try {
              Thread.sleep(30);
            } finally {
              writing.decrementAndGet();
            }
          }
        });

    assertThat(readsBesideWrites.get()).as("pages read while a write was under way").isPositive();
  }

  @Test
  @Timeout(60) // a share of the allowance never given back would stop the readers for good
  void theItemsReadAndNotYetWrittenStayWithinTheLoadsAllowance() throws Exception {
    // 4 segments (4 writers) of 6,000 items, read at once, while each write waits 20 ms: without a
    // bound the segments read up to four writes' worth each ahead of the writes. Each segment
    // holds more than the whole allowance, so that none can end on what it took alone: a share
    // not given back when its write is done stops the load for good.
    int segments = 4;
    int pages = 60;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger mostAhead = new AtomicInteger();
    SegmentedSource source =
        new SegmentedSource(
            segments,
            pages,
            100,
            0,
            read -> mostAhead.accumulateAndGet(read - started.get(), Math::max));
    load(
        source,
        "read_allowance",
        segments,
        100,
        segments * pages * 100,
        SnapshotSettings.MAX_WRITE_BYTES,
        (method, args) -> {
          if (method.equals("upsert")) {
            started.addAndGet(((List<?>) args[1]).size());
            Thread.sleep(20);
          }
        });

    // Four writers busy, one write's worth waiting.
    int allowance = (SharedWrites.MAX_WRITERS + 1) * SnapshotLoad.WRITE_ITEMS;
    assertThat(source.itemsRead).hasValue(24_000);
    assertThat(mostAhead.get())
        .as("items read before their write began, at most")
        .isPositive()
        .isLessThanOrEqualTo(allowance);
  }

  @Test
  @Timeout(60)
  void theBytesReadAndNotYetWrittenStayWithinTheLoadsAllowanceAndEachWriteWithinItsBytes()
      throws Exception {
    // 4 segments of 300 items of about 10 KB (pages of 10, about 100 KB), read at once, while each
    // write waits 20 ms; writes of at most 200 KB: an allowance of 5 × 200 KB, and at most a page
    // a segment beyond it, which the reader is charged once it read the page. In items the
    // allowance would be 5,000, more than the table.
    int segments = 4;
    int pages = 30;
    int pageSize = 10;
    int valueSize = 10_000;
    long writeBytes = 200_000;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger mostAhead = new AtomicInteger();
    List<Integer> writes = new CopyOnWriteArrayList<>();
    SegmentedSource source =
        new SegmentedSource(
            segments,
            pages,
            pageSize,
            valueSize,
            read -> mostAhead.accumulateAndGet(read - started.get(), Math::max));
    load(
        source,
        "read_bytes",
        segments,
        pageSize,
        segments * pages * pageSize,
        writeBytes,
        (method, args) -> {
          if (method.equals("upsert")) {
            int rows = ((List<?>) args[1]).size();
            writes.add(rows);
            started.addAndGet(rows);
            Thread.sleep(20);
          }
        });

    long itemBytes = valueSize + 1 + 2 + "0-0-0".length();
    long allowance = (SharedWrites.MAX_WRITERS + 1) * writeBytes + segments * pageSize * itemBytes;
    assertThat(source.itemsRead).hasValue(segments * pages * pageSize);
    assertThat((long) mostAhead.get() * itemBytes)
        .as("bytes read before their write began, at most (%s items)", mostAhead.get())
        .isPositive()
        .isLessThanOrEqualTo(allowance);
    assertThat(writes)
        .as("rows per write: 200 KB is two pages")
        .allSatisfy(rows -> assertThat(rows).isLessThanOrEqualTo(2 * pageSize));
  }

  @Test
  @Timeout(60)
  void theFirstPagesAreReadWhileTheTargetTableIsMadeReady() throws Exception {
    // A first load creates the state schema's tables. The second load's binding of its table waits
    // on a lock held here until a page's read began: were the target table made ready before the
    // reading, the read would begin only once the lock is let go, and the wait would time out.
    load(
        new PagedSource(1),
        "made_ready_before",
        1,
        PAGE_SIZE,
        PAGE_SIZE,
        SnapshotSettings.MAX_WRITE_BYTES,
        (m, a) -> {});
    CountDownLatch readBegan = new CountDownLatch(1);
    SegmentedSource source = new SegmentedSource(2, 2, PAGE_SIZE, 0, read -> readBegan.countDown());
    List<Integer> writes = new CopyOnWriteArrayList<>();
    PostgresDatabase database = PostgresDatabase.get();
    boolean readWhileLocked;
    try (Connection lock = database.connect()) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute(
            "LOCK TABLE "
                + new TableName(database.schema(), StateSql.TABLES).quoted()
                + " IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Void> loaded =
          CompletableFuture.runAsync(
              () -> {
                try {
                  load(
                      source,
                      "made_ready",
                      2,
                      PAGE_SIZE,
                      2 * 2 * PAGE_SIZE,
                      SnapshotSettings.MAX_WRITE_BYTES,
                      (method, args) -> {
                        if (method.equals("upsert")) {
                          writes.add(((List<?>) args[1]).size());
                        }
                      });
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      readWhileLocked = readBegan.await(10, TimeUnit.SECONDS);
      assertThat(writes).as("nothing is written before the table is ready").isEmpty();
      lock.rollback();
      loaded.get(30, TimeUnit.SECONDS);
    }
    assertThat(readWhileLocked).as("a page was read while the table's binding waited").isTrue();
  }

  /**
   * Loads the source into a fresh table of that name with {@code segments}, {@code batchSize} and
   * writes of at most {@code writeBytes}, each call to the target going through {@code hook} first;
   * checks that the load is done with {@code items} rows in the table.
   */
  private static void load(
      TableSource source,
      String tableName,
      int segments,
      int batchSize,
      int items,
      long writeBytes,
      InterceptedTarget.Before hook)
      throws Exception {
    LoadTestTable target = LoadTestTable.fresh(tableName);
    SnapshotLoad load =
        new SnapshotLoad(
            // --restart: the cursors of an earlier run of this test are not resumed.
            SnapshotSettings.of(
                    DynamoDbTableUrl.parse(
                        "dynamodb://aws/readahead?region=us-east-1&segments="
                            + segments
                            + "&batch-size="
                            + batchSize),
                    true,
                    null,
                    null,
                    Map.of())
                .withWriteBytes(writeBytes),
            target.config,
            () -> null,
            target.database.schema(),
            source,
            target.relays(hook),
            null,
            new StopSignal(),
            target.clock);

    SnapshotLoad.Result result = load.run();

    assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.DONE);
    assertThat(target.rows()).as("rows loaded").isEqualTo(items);
  }
}
