package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.Target;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.testing.InterceptedTarget;
import io.cdcrelay.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A segment reads its next page while the relay applies the current one, so that the source and the
 * target work at the same time: on a real PostgreSQL, with a source whose second page can only be
 * seen being read while the first page's write waits for it.
 */
class SegmentReadAheadIT {

  private static final int PAGES = 3;
  private static final int PAGE_SIZE = 2;

  /** One segment of three pages of two items each, in memory. */
  private static final class PagedSource implements TableSource {
    final CountDownLatch secondPageRead = new CountDownLatch(1);
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public TableDescription describe() {
      return new TableDescription(
          "readahead",
          "arn:aws:dynamodb:us-east-1:123456789012:table/readahead",
          List.of(new KeySchema.KeyColumn("id", KeySchema.KeyType.S)),
          PAGES * PAGE_SIZE,
          PAGES * PAGE_SIZE * 100L,
          Optional.empty());
    }

    @Override
    public ScanPage scan(
        int segment,
        int totalSegments,
        Map<String, AttributeValue> startKey,
        int limit,
        boolean consistentRead) {
      int page =
          startKey.isEmpty()
              ? 0
              : Integer.parseInt(((AttributeValue.S) startKey.get("id")).value());
      reads.incrementAndGet();
      if (page == 1) {
        secondPageRead.countDown();
      }
      List<Map<String, AttributeValue>> items =
          List.of(item(page * PAGE_SIZE), item(page * PAGE_SIZE + 1));
      Map<String, AttributeValue> next =
          page + 1 < PAGES
              ? Map.of("id", new AttributeValue.S(Integer.toString(page + 1)))
              : Map.of();
      return new ScanPage(items, next, 1.0);
    }

    private static Map<String, AttributeValue> item(int i) {
      return Map.of(
          "id", new AttributeValue.S("item-" + i), "n", new AttributeValue.S("value " + i));
    }

    @Override
    public Optional<Map<String, AttributeValue>> getItem(Map<String, AttributeValue> key) {
      throw new UnsupportedOperationException("the load reads no single item");
    }

    @Override
    public void close() {}
  }

  @Test
  void theNextPageIsReadWhileThePageBeforeItIsWritten() throws Exception {
    PostgresDatabase database = PostgresDatabase.get();
    TableName table = new TableName(database.schema(), "read_ahead");
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table.quoted());
    }
    FunctionConfig config =
        FunctionConfig.fromEnvironment(Map.of("CRATEDB_SQLALCHEMY_URL", database.userUrl(table)));
    Clock clock = Clock.systemUTC();
    PagedSource source = new PagedSource();
    // The first write waits until the second page is being read: with the read ahead it is at
    // once; without it, the read would only begin after the write, and the wait times out.
    AtomicBoolean firstWrite = new AtomicBoolean(true);
    AtomicBoolean readDuringWrite = new AtomicBoolean();
    SnapshotLoad load =
        new SnapshotLoad(
            // --restart: the cursors of an earlier run of this test are not resumed.
            SnapshotSettings.of(
                DynamoDbTableUrl.parse(
                    "dynamodb://aws/readahead?region=us-east-1&segments=1&batch-size=" + PAGE_SIZE),
                true,
                null,
                null,
                Map.of()),
            config,
            () -> null,
            database.schema(),
            source,
            () -> {
              Target waiting =
                  InterceptedTarget.of(
                      config.openTarget(() -> null, clock),
                      method -> {
                        if (method.startsWith("upsert") && firstWrite.getAndSet(false)) {
                          readDuringWrite.set(source.secondPageRead.await(10, TimeUnit.SECONDS));
                        }
                      });
              return new Relay(waiting, config.settings(), clock);
            },
            null,
            new StopSignal(),
            clock);

    SnapshotLoad.Result result = load.run();

    assertThat(result.status()).as(result.summary()).isEqualTo(SnapshotLoad.Status.DONE);
    assertThat(firstWrite).as("a page was written").isFalse();
    assertThat(readDuringWrite).as("the second page was read while the first was written").isTrue();
    assertThat(source.reads).as("each page read once").hasValue(PAGES);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table.quoted())) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).as("rows loaded").isEqualTo(PAGES * PAGE_SIZE);
    }
  }
}
