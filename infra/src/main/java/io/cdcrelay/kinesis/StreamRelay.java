package io.cdcrelay.kinesis;

import io.cdcrelay.local.Checkpoints;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.local.RelayLease;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.source.SourceUrl;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local relay of a stream (a Kinesis data stream or a DynamoDB stream, read through a {@link
 * ShardReader}): consumes every shard in parallel, each in stream order, starts a child shard only
 * after its parents are drained, looks for new shards now and then, and ends when stopped or, with
 * {@code once}, when every shard is caught up.
 */
public final class StreamRelay {

  private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
  static final Duration LIST_INTERVAL = Duration.ofSeconds(10);

  private final SourceUrl source;
  private final ShardReader stream;
  private final ShardWorker.Settings settings;
  private final Checkpoints checkpoints;
  private final RelayLease lease;
  private final String target;
  private final StopSignal stop;
  private final OutageLimit outages;
  private final OutageLimit.Step leaseRenewal;

  private Runnable onChecked = () -> {};

  /**
   * Runs {@code checked} once the relay has passed what could refuse it: the stream is ready, the
   * lease taken, the destination of the checkpoints this one (a handover starts its load then).
   */
  public StreamRelay whenChecked(Runnable checked) {
    this.onChecked = checked;
    return this;
  }

  public StreamRelay(
      SourceUrl source,
      ShardReader stream,
      java.util.function.Supplier<io.cdcrelay.relay.Relay> relays,
      Checkpoints checkpoints,
      String target,
      io.cdcrelay.local.RelayProgress progress,
      StopSignal stop,
      OutageLimit outages) {
    this.source = source;
    this.target = target;
    this.stream = stream;
    this.checkpoints = checkpoints;
    this.lease = new RelayLease(checkpoints, stream.name(), java.time.Clock.systemUTC());
    this.stop = stop;
    this.outages = outages;
    this.leaseRenewal = outages.step("the lease of " + stream.name() + " not renewed");
    this.settings =
        new ShardWorker.Settings(
            stream,
            relays,
            checkpoints,
            progress,
            stop,
            source.batchSize(),
            source.bufferTime(),
            source.idleSleep(),
            source.once(),
            source.batchesInFlight(),
            outages);
  }

  /**
   * The stream's checkpoints in this state schema were written for another target: read on from
   * them, the new target would get nothing of what the old one has.
   */
  public static final class OtherTargetException extends RuntimeException {
    OtherTargetException(String message) {
      super(message);
    }
  }

  /**
   * The stream was replaced by a new one (a DynamoDB table's stream disabled and enabled again, or
   * its table created again), and this relay has read the old one as far as it goes: the caller
   * goes on with the new one, whose relay finds this one's checkpoints and reads it from its oldest
   * record.
   */
  public static final class StreamReplacedException extends RuntimeException {
    private final String successor;

    StreamReplacedException(String table, String replaced, String successor) {
      super(
          "the stream of "
              + table
              + " was replaced by a new one (disabled and enabled again, or the table created"
              + " again): "
              + replaced
              + " is read as far as it goes; going on with "
              + successor);
      this.successor = successor;
    }

    public String successor() {
      return successor;
    }
  }

  /** Relays one stream. */
  @FunctionalInterface
  public interface OneStream {
    void relay(ShardReader stream) throws InterruptedException;
  }

  /**
   * Relays the stream {@code readers} gives, and each that replaces it in turn: a reader is asked
   * for again (a DynamoDB stream reader takes its table's stream of the moment) whenever {@code
   * relay} ends with {@link StreamReplacedException}.
   */
  public static void relayEach(
      java.util.function.Supplier<? extends ShardReader> readers, OneStream relay)
      throws InterruptedException {
    while (true) {
      try {
        relay.relay(readers.get());
        return;
      } catch (StreamReplacedException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  /** The id under which the stream's checkpoints name the target they were written for. */
  public static final String TARGET = "(target)";

  /** A {@code seqno} start that no shard of the stream holds. */
  public static final class UnknownSequenceNumberException extends RuntimeException {
    UnknownSequenceNumberException(String message) {
      super(message);
    }
  }

  /**
   * A step against the target database or the stream failed for longer than {@code
   * --give-up-after}: the relay stopped as on a signal, its checkpoints written up to what was
   * applied.
   */
  public static final class GaveUpException extends RuntimeException {
    private final OutageLimit.GaveUp why;

    GaveUpException(OutageLimit.GaveUp why) {
      super(
          why.message()
              + " The relay stopped; the checkpoints of what was applied are kept: the same"
              + " command resumes from them.");
      this.why = why;
    }

    public OutageLimit.GaveUp why() {
      return why;
    }
  }

  /**
   * Runs until stopped or, with {@code once}, until every shard is caught up.
   *
   * @throws GaveUpException when the target or the stream failed for longer than the outage limit
   */
  public void run() throws InterruptedException {
    RuntimeException failure = null;
    try {
      relay();
    } catch (RuntimeException e) {
      failure = e;
    }
    Optional<RuntimeException> ending = ending(failure, outages.gaveUp());
    if (ending.isPresent()) {
      throw ending.get();
    }
    if (successor.isPresent() && !stop.isStopped()) {
      throw new StreamReplacedException(stream.name(), streamArnOrName(), successor.get());
    }
  }

  private String streamArnOrName() {
    try {
      return stream.arn();
    } catch (RuntimeException e) {
      return stream.name();
    }
  }

  /**
   * What a run ends with: a step that gave up comes first, as it stopped the relay (a worker
   * failing on its way out, its reads cut short, comes second and is kept as suppressed); else the
   * failure, if any.
   */
  static Optional<RuntimeException> ending(
      RuntimeException failure, Optional<OutageLimit.GaveUp> gaveUp) {
    if (gaveUp.isEmpty()) {
      return Optional.ofNullable(failure);
    }
    GaveUpException up = new GaveUpException(gaveUp.get());
    if (failure != null) {
      up.addSuppressed(failure);
    }
    return Optional.of(up);
  }

  /** The call's result, retried with backoff while the stream throttles it; empty when stopped. */
  private <T> Optional<T> untilNotThrottled(String what, java.util.function.Supplier<T> call) {
    return Retry.untilStopped(
        stop,
        what,
        e ->
            e instanceof ShardReadException read
                && read.kind() == ShardReadException.Kind.THROTTLED,
        call);
  }

  /** The stream that replaced this one, once every shard of this one is done. */
  private Optional<String> successor = Optional.empty();

  private void relay() throws InterruptedException {
    // Throttled at start (another reader of the account's streams, a cron of once=true runs): the
    // stream answers, only slower; a wait cures it, as it does a throttled read.
    if (untilNotThrottled(
            "stream " + stream.name() + ": throttled at start",
            () -> {
              stream.ensureReady(source.create(), source.createShards(), stop::isStopped);
              return Boolean.TRUE;
            })
        .isEmpty()) {
      return;
    }
    java.time.Instant listedAt = java.time.Instant.now();
    Optional<List<Shard>> listed =
        untilNotThrottled(
            "stream " + stream.name() + ": throttled listing its shards", stream::shards);
    if (listed.isEmpty()) {
      return;
    }
    List<Shard> listing = listed.get();
    Set<String> presentAtStart = new HashSet<>();
    listing.forEach(s -> presentAtStart.add(s.shardId()));
    LOG.info(
        "stream {}: {} shard{}", stream.name(), listing.size(), listing.size() == 1 ? "" : "s");
    if (!untilDone("the lease of " + stream.name() + " not taken", lease::acquire)) {
      return;
    }

    // The start option is for the first run on a stream only. Once the relay has begun to read
    // it, a shard without a checkpoint is one of which nothing was applied (idle so far, new
    // since, or stopped before its first batch), and is read from its beginning: at LATEST, or
    // from a seqno's moment, what was written to it while the relay was stopped would be lost,
    // and a seqno past the stream's retention would fail every restart.
    Optional<String> begun = readCheckpoint(Checkpoints.STARTED);
    // A stream that replaced one this state schema relayed (its table's stream disabled and
    // enabled again, its table created again) goes on from it: nothing of it was applied yet, so
    // every shard is read from its beginning, whatever start says.
    List<String> replaced =
        begun.isPresent() || stream.lineage().isEmpty()
            ? List.of()
            : outages
                .retry(
                    "the streams before " + stream.name() + " not readable",
                    () -> checkpoints.otherStreams(stream.lineage().get()))
                .orElse(List.of());
    if (stop.isStopped()) {
      releaseLease();
      return;
    }
    boolean resumed = begun.isPresent() || !replaced.isEmpty();
    Optional<String> writtenFor = readCheckpoint(TARGET);
    // Empty when stopped while the read was retried, not only when none is recorded: the target
    // of another relay is not this one's to overwrite.
    if (stop.isStopped()) {
      releaseLease();
      return;
    }
    if (writtenFor.isPresent() && !writtenFor.get().equals(target)) {
      releaseLease();
      throw new OtherTargetException(
          "the checkpoints of stream "
              + stream.name()
              + " in this state schema were written relaying into "
              + writtenFor.get()
              + ", not "
              + target
              + ": read on from them, this target would get nothing of what that one has. Give"
              + " this target its own --state-schema (CRATEDB_STATE_SCHEMA) to read the stream"
              + " from its start, or go on with the same target");
    }
    if (writtenFor.isEmpty()
        && !untilDone(
            "the target of " + stream.name() + " not recorded",
            () -> checkpoints.write(TARGET, target))) {
      releaseLease();
      return;
    }
    // After the checks above: the checkpoints of another target are not this relay's to drop.
    if (!recreatedStreamForgotten()) {
      releaseLease();
      return;
    }
    if (!replaced.isEmpty()) {
      LOG.warn(
          "stream {}: {} replaces {}, relayed into this state schema before: every shard of it is"
              + " read from its beginning, whatever start says. What the table held while it had"
              + " no stream, and what an old stream held past its checkpoints, are in neither:"
              + " relay verify --repair 'dynamodb://…/{}' TARGET finds and rewrites it",
          stream.name(),
          stream.arn(),
          String.join(", ", replaced),
          stream.name());
    }
    onChecked.run();
    if (begun.isPresent()) {
      LOG.info(
          "stream {}: relayed into this state schema before (first run started at {}); a shard"
              + " without a checkpoint is read from its beginning, whatever start says",
          stream.name(),
          begun.get());
    }
    boolean startRecorded = begun.isPresent();
    Set<String> finished = new HashSet<>();
    Set<String> started = new HashSet<>();
    Set<String> running = new HashSet<>();
    Optional<ShardPosition.Anchor> anchor = Optional.empty();
    RuntimeException failure = null;
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shard-worker");
              t.setDaemon(true);
              return t;
            });
    ExecutorCompletionService<ShardWorker.Done> done = new ExecutorCompletionService<>(pool);
    long nextListing = System.nanoTime() + LIST_INTERVAL.toNanos();
    try {
      while (true) {
        renewLease();
        boolean changed = true;
        while (changed && !stop.isStopped()) {
          changed = false;
          for (Shard shard : ShardOrder.ready(listing, finished, started)) {
            Optional<String> checkpoint = readCheckpoint(shard.shardId());
            if (stop.isStopped()) {
              break;
            }
            if (checkpoint.isPresent() && checkpoint.get().equals(Checkpoints.SHARD_END)) {
              finished.add(shard.shardId());
              changed = true;
              continue;
            }
            boolean initial = !resumed && presentAtStart.contains(shard.shardId());
            if (checkpoint.isEmpty()
                && initial
                && source.start().needsSequenceNumber()
                && anchor.isEmpty()) {
              String seqno = source.sequenceNumber().get();
              anchor = ShardLocator.locate(stream, listing, seqno);
              if (anchor.isEmpty()) {
                throw new UnknownSequenceNumberException(
                    "no shard of stream \""
                        + stream.name()
                        + "\" holds sequence number "
                        + seqno
                        + " (option seqno): it may be past the stream's retention");
              }
            }
            ShardPosition position =
                ShardPosition.of(
                    shard.shardId(),
                    checkpoint,
                    initial,
                    source.start(),
                    source.sequenceNumber(),
                    anchor);
            if (position.equals(ShardPosition.LATEST)
                && shard.parents().stream().anyMatch(presentAtStart::contains)) {
              // A child of a reshard is read only once its parents are drained: LATEST then would
              // skip what was written to it since the relay started. It starts where LATEST stood
              // at the start, less the margin for this machine's clock against the stream's.
              position = ShardPosition.atTimestamp(listedAt.minus(ShardWorker.LATEST_CLOCK_SKEW));
            }
            if (!startRecorded) {
              if (!recordStart(replaced)) {
                break;
              }
              startRecorded = true;
            }
            started.add(shard.shardId());
            running.add(shard.shardId());
            done.submit(new ShardWorker(settings, shard, position, checkpoint.orElse(null)));
          }
        }
        if (stream.lineage().isPresent()
            && running.isEmpty()
            && !stop.isStopped()
            && everyShardDone(listing, finished)) {
          successor = stream.successor();
          if (successor.isPresent()) {
            break;
          }
        }
        if (running.isEmpty() && (source.once() || stop.isStopped())) {
          break;
        }
        long wait = Math.max(0, nextListing - System.nanoTime());
        Future<ShardWorker.Done> next =
            running.isEmpty()
                ? sleepThenNull(wait)
                : done.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (next != null) {
          ShardWorker.Done result = take(next);
          running.remove(result.shardId());
          if (result.outcome() == ShardWorker.Outcome.FAILED) {
            // Only a read can fail for want of the replaced stream; a failure to apply (a missing
            // privilege, say) is the relay's, and its records stay readable for the next run.
            if (!stream.replaced() || !(result.error() instanceof ShardReadException)) {
              throw result.error();
            }
            // The stream was replaced and this shard of it can no longer be read (deleted with
            // its table): nothing more can come of it.
            LOG.warn(
                "shard {}: the stream {} was replaced and cannot be read on; what it held past"
                    + " this shard's checkpoint is lost: {}",
                result.shardId(),
                stream.name(),
                result.error().getMessage());
            finished.add(result.shardId());
            nextListing = System.nanoTime();
          }
          if (result.outcome() == ShardWorker.Outcome.ENDED) {
            finished.add(result.shardId());
            nextListing = System.nanoTime();
          }
        }
        if (System.nanoTime() >= nextListing && !stop.isStopped()) {
          try {
            listing = stream.shards();
          } catch (ShardReadException e) {
            LOG.warn(
                "listing the shards of {} failed, trying again later: {}",
                stream.name(),
                e.getMessage());
          }
          nextListing = System.nanoTime() + LIST_INTERVAL.toNanos();
        }
      }
    } catch (RuntimeException e) {
      failure = e;
      stop.stop();
    } finally {
      while (!running.isEmpty()) {
        ShardWorker.Done result = take(done.take());
        running.remove(result.shardId());
      }
      pool.shutdownNow();
      releaseLease();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Drops the checkpoints of a stream deleted and created again under the same name (Kinesis: the
   * same ARN), which the new one does not have, and records when the stream was created; false when
   * stopped (or given up) first. The start recorded stays: the new stream goes on from the old one,
   * every shard of it read from its beginning.
   */
  private boolean recreatedStreamForgotten() {
    Optional<java.time.Instant> created = stream.createdAt();
    if (created.isEmpty()) {
      return true;
    }
    String now = Long.toString(created.get().toEpochMilli());
    Optional<String> recorded = readCheckpoint(Checkpoints.CREATED);
    if (stop.isStopped()) {
      return false;
    }
    if (recorded.isPresent() && recorded.get().equals(now)) {
      return true;
    }
    if (recorded.isPresent()) {
      Optional<Integer> forgotten =
          outages.retry(
              "the checkpoints of " + stream.name() + " not dropped", checkpoints::forgetShards);
      if (forgotten.isEmpty()) {
        return false;
      }
      LOG.warn(
          "stream {} was deleted and created again since this state schema last relayed it"
              + " (created {}, now {}): the {} shard checkpoints of the old one are dropped, and"
              + " every shard of the new one is read from its beginning, whatever start says."
              + " What the old stream held past them is lost: relay verify --repair"
              + " 'dynamodb://…/TABLE' TARGET finds and rewrites it",
          stream.name(),
          millisAsInstant(recorded.get()),
          created.get(),
          forgotten.get());
    }
    return untilDone(
        "the creation of " + stream.name() + " not recorded",
        () -> checkpoints.write(Checkpoints.CREATED, now));
  }

  /** Epoch milliseconds as an instant, for a message; the text as it is if it is none. */
  private static String millisAsInstant(String millis) {
    try {
      return java.time.Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    } catch (NumberFormatException e) {
      return millis;
    }
  }

  /** Whether every listed shard was read to its end (or can no longer be read). */
  private static boolean everyShardDone(List<Shard> listing, Set<String> finished) {
    return !listing.isEmpty() && listing.stream().allMatch(s -> finished.contains(s.shardId()));
  }

  /** Gives the lease up; a database failure leaves it to expire by itself. */
  private void releaseLease() {
    try {
      lease.release();
    } catch (TargetUnavailableException e) {
      LOG.warn(
          "the lease of {} not released (it expires by itself): {}", stream.name(), e.getMessage());
    }
  }

  /**
   * Renews the lease when due; a database failure waits for the next turn, and counts as an outage
   * from its first failure.
   */
  private void renewLease() {
    try {
      lease.renewIfDue();
      leaseRenewal.succeeded();
    } catch (TargetUnavailableException e) {
      if (!leaseRenewal.failed(e)) {
        LOG.warn("the lease of {} not renewed, trying again: {}", stream.name(), e.getMessage());
      }
    }
  }

  private Future<ShardWorker.Done> sleepThenNull(long nanos) {
    stop.sleep(Duration.ofNanos(Math.min(nanos, TimeUnit.SECONDS.toNanos(1))));
    return null;
  }

  /** The worker's result; workers report their failures as results, never as exceptions. */
  private static ShardWorker.Done take(Future<ShardWorker.Done> future)
      throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a shard worker failed", e.getCause());
    }
  }

  /** Records the relay's start on the stream, retrying; false when stopped first. */
  private boolean recordStart(List<String> replaced) {
    String how =
        replaced.isEmpty()
            ? source.start().option() + source.sequenceNumber().map(seqno -> " " + seqno).orElse("")
            : "earliest, replacing " + String.join(", ", replaced);
    return untilDone(
        "the start on " + stream.name() + " not recorded", () -> checkpoints.recordStart(how));
  }

  /**
   * Runs {@code step} against the target database until it succeeds, retrying while the database is
   * unavailable; false when stopped (or given up) first.
   */
  private boolean untilDone(String failing, Runnable step) {
    return outages
        .retry(
            failing,
            () -> {
              step.run();
              return Boolean.TRUE;
            })
        .isPresent();
  }

  private Optional<String> readCheckpoint(String shardId) {
    return outages
        .retry("checkpoint of " + shardId + " not readable", () -> checkpoints.read(shardId))
        .flatMap(checkpoint -> checkpoint);
  }
}
