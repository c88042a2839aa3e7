package io.cdcrelay.kinesis;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.local.Checkpoints;
import io.cdcrelay.local.MemoryCheckpoints;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.local.RelayProgress;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.testing.InMemoryTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A DynamoDB table's stream replaced by a new one (disabled and enabled again, the table created
 * again) while the relay runs: the old one is read as far as it goes, then the relay ends naming
 * its successor, for the caller to go on with it; a stream without a line of streams (Kinesis)
 * never asks.
 */
class StreamSuccessionTest {

  private static final String LINE = "arn:aws:dynamodb:us-east-1:123456789012:table/ttt/stream/";
  private static final String OLD = LINE + "2026-12-01T00:00:00.000";
  private static final String NEW = LINE + "2026-12-04T00:00:00.000";
  private static final String SHARD = "shardId-000000000001";

  /** The old stream: one shard of three records, closed or not, its reads failing on cue. */
  private static final class OldStream implements ShardReader {
    final List<SourceRecord> records = new ArrayList<>();
    volatile boolean closed = true;
    volatile boolean lined = true;
    volatile RuntimeException readFailure;
    // Listings answered as throttled before the first that works.
    final java.util.concurrent.atomic.AtomicInteger throttledListings =
        new java.util.concurrent.atomic.AtomicInteger();
    final AtomicReference<String> successor = new AtomicReference<>(NEW);
    volatile int successorAsked;

    OldStream() {
      for (int i = 1; i <= 3; i++) {
        records.add(record(i, upsert("INSERT", "item" + i, i, "\"v\":{\"N\":\"" + i + "\"}")));
      }
    }

    @Override
    public String name() {
      return "ttt";
    }

    @Override
    public String arn() {
      return OLD;
    }

    @Override
    public void ensureReady(boolean create, int shards, BooleanSupplier stopped) {}

    @Override
    public List<Shard> shards() {
      if (throttledListings.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ShardReadException(ShardReadException.Kind.THROTTLED, "Rate exceeded", null);
      }
      return List.of(new Shard(SHARD, List.of(), closed));
    }

    @Override
    public String iterator(String shardId, ShardPosition position) {
      return "0";
    }

    @Override
    public Read read(String shardId, String iterator, int limit) {
      if (readFailure != null) {
        throw readFailure;
      }
      int from = Integer.parseInt(iterator);
      boolean end = closed && from == records.size();
      return new Read(
          List.copyOf(records.subList(from, records.size())),
          end ? null : Integer.toString(records.size()),
          null);
    }

    @Override
    public int readLimit() {
      return 1_000;
    }

    @Override
    public boolean readsFromTimestamp() {
      return false;
    }

    @Override
    public Optional<String> lineage() {
      return lined ? Optional.of(LINE) : Optional.empty();
    }

    @Override
    public Optional<String> successor() {
      successorAsked++;
      return lined ? Optional.ofNullable(successor.get()) : Optional.empty();
    }

    @Override
    public Decoded decode(SourceRecord record) {
      return new DynamoDbChangeDecoder().decode(record);
    }
  }

  private final OldStream stream = new OldStream();
  private final InMemoryTarget target = new InMemoryTarget();
  private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
  private final StopSignal stop = new StopSignal();

  private StreamRelay relay(String options) {
    return new StreamRelay(
        SourceUrl.parse(
            "dynamodb+cdc://127.0.0.1:1/ttt?region=us-east-1&idle-sleep=0.01&buffer-time=0"
                + options),
        stream,
        () -> new Relay(target, RelaySettings.single("doc", "demo"), Clock.systemUTC()),
        checkpoints,
        "doc.demo",
        new RelayProgress(new PrintStream(new ByteArrayOutputStream())),
        stop,
        OutageLimit.none(stop));
  }

  private int rows() {
    return target.rows.getOrDefault(new TableName("doc", "demo"), Map.of()).size();
  }

  @Test
  @Timeout(20)
  void aRunningRelayReadsTheReplacedStreamToItsEndThenEndsNamingItsSuccessor() {
    assertThatThrownBy(() -> relay("").run())
        .isInstanceOfSatisfying(
            StreamRelay.StreamReplacedException.class,
            e -> assertThat(e.successor()).isEqualTo(NEW))
        .hasMessage(
            "the stream of ttt was replaced by a new one (disabled and enabled again, or the table"
                + " created again): "
                + OLD
                + " is read as far as it goes; going on with "
                + NEW);
    assertThat(rows()).isEqualTo(3);
    assertThat(checkpoints.positions).containsEntry(SHARD, Checkpoints.SHARD_END);
    assertThat(stop.isStopped()).as("the run's stop signal is left for the successor").isFalse();
  }

  @Test
  @Timeout(20)
  void aOnceRunOfAReplacedStreamEndsNamingItsSuccessorToo() {
    assertThatThrownBy(() -> relay("&once=true").run())
        .isInstanceOf(StreamRelay.StreamReplacedException.class);
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  @Timeout(20)
  void aStreamWhoseShardsAreStillOpenIsReadOnThoughASuccessorIsNamed() throws Exception {
    // An open shard may still hold records: a successor counts only once every shard is done.
    stream.closed = false;
    Thread stopper =
        new Thread(
            () -> {
              while (rows() < 3) {
                stop.sleep(Duration.ofMillis(10));
              }
              stop.sleep(Duration.ofMillis(300));
              stop.stop();
            });
    stopper.start();
    relay("").run();
    stopper.join();
    assertThat(rows()).isEqualTo(3);
    assertThat(stream.successorAsked).as("asked before every shard was done").isZero();
  }

  @Test
  @Timeout(20)
  void aShardOfAReplacedStreamThatCannotBeReadIsGivenUpForItsSuccessor() {
    // Its table deleted: the old stream answers only errors, and its successor is there.
    stream.readFailure =
        new ShardReadException(ShardReadException.Kind.FATAL, "stream not found", null);
    assertThatThrownBy(() -> relay("").run())
        .isInstanceOf(StreamRelay.StreamReplacedException.class);
    assertThat(rows()).isZero();
  }

  @Test
  @Timeout(20)
  void aShardOfAReplacedStreamThatCannotBeAppliedFailsTheRelayAndKeepsItsCheckpoint() {
    // Not the stream's fault: the old stream stays readable (24 hours) for the next run, which
    // must not go on with the successor past what this one never applied.
    StreamRelay failing =
        new StreamRelay(
            SourceUrl.parse(
                "dynamodb+cdc://127.0.0.1:1/ttt?region=us-east-1&idle-sleep=0.01&buffer-time=0"),
            stream,
            () -> {
              throw new io.cdcrelay.sink.BadTargetException("missing privilege (injected)");
            },
            checkpoints,
            "doc.demo",
            new RelayProgress(new PrintStream(new ByteArrayOutputStream())),
            stop,
            OutageLimit.none(stop));
    assertThatThrownBy(failing::run)
        .isInstanceOf(io.cdcrelay.sink.BadTargetException.class)
        .hasMessage("missing privilege (injected)");
    assertThat(checkpoints.positions).doesNotContainKey(SHARD);
  }

  @Test
  @Timeout(20)
  void aRelayStoppedWhileTheRecordedTargetIsReadLeavesItAsItIs() throws Exception {
    // The database failing, then SIGTERM while the read waits to be retried: nothing was read,
    // and another relay's target is not this one's to overwrite.
    checkpoints.positions.put(StreamRelay.TARGET, "doc.other");
    checkpoints.beforeRead =
        id -> {
          if (id.equals(StreamRelay.TARGET)) {
            stop.stop();
            throw new io.cdcrelay.sink.TargetUnavailableException("connection refused", null);
          }
        };
    relay("").run();
    assertThat(checkpoints.positions).containsEntry(StreamRelay.TARGET, "doc.other");
    assertThat(rows()).isZero();
  }

  @Test
  @Timeout(20)
  void withoutASuccessorAShardThatCannotBeReadFailsTheRelay() {
    stream.readFailure =
        new ShardReadException(ShardReadException.Kind.FATAL, "stream not found", null);
    stream.successor.set(null);
    assertThatThrownBy(() -> relay("").run()).hasMessage("stream not found");
  }

  @Test
  @Timeout(20)
  void aListingThrottledAtStartIsTriedAgainNotTakenForAFailure() throws InterruptedException {
    // A cron of once=true runs, or another reader of the account's streams: throttled, the
    // stream answers, only slower.
    stream.lined = false;
    stream.throttledListings.set(2);
    relay("&once=true").run();
    assertThat(stream.throttledListings).hasValue(0);
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  @Timeout(20)
  void aStreamOfNoLineNeverAsksForASuccessor() throws InterruptedException {
    stream.lined = false;
    relay("&once=true").run();
    assertThat(stream.successorAsked).isZero();
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void eachStreamThatReplacesTheLastIsRelayedInTurnUntilOneEndsOtherwise() throws Exception {
    List<String> relayed = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger readers =
        new java.util.concurrent.atomic.AtomicInteger();
    StreamRelay.relayEach(
        () -> {
          OldStream next = new OldStream();
          next.successor.set(readers.incrementAndGet() < 3 ? NEW + readers.get() : null);
          return next;
        },
        reader -> {
          relayed.add("reader " + readers.get());
          if (reader.successor().isPresent()) {
            throw new StreamRelay.StreamReplacedException("ttt", OLD, reader.successor().get());
          }
        });
    assertThat(relayed).containsExactly("reader 1", "reader 2", "reader 3");

    // Any other end, a failure too, is the end.
    readers.set(0);
    relayed.clear();
    assertThatThrownBy(
            () ->
                StreamRelay.relayEach(
                    OldStream::new,
                    reader -> {
                      relayed.add("failing");
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(relayed).containsExactly("failing");
  }
}
