package io.cdcrelay.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbJson;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.Backoff;
import io.cdcrelay.local.RelayLease;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.source.S3ExportUrl;
import io.cdcrelay.text.Count;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full load from a DynamoDB export to S3 (DYNAMODB_JSON, gzip): the manifests read, the target
 * table made ready from the key schema ({@code key=} or {@code DescribeTable}), then the data files
 * read in parallel, each line an item applied through the relay core in batches, every row dated by
 * the export time ({@link ChangeVersion#ofRead}) so that the stream's later changes win over it.
 * Each data file is recorded in {@code cdc_relay_snapshots} once applied (as a segment of the
 * load), so that the same command resumes with the files not yet done. A line that is not an item
 * is a dead letter; a file that is gone or not whole gzip fails alone, and the load ends short. An
 * export older than its target table's purge horizon is refused before any row is written.
 */
public final class ExportLoad {

  private static final Logger LOG = LoggerFactory.getLogger(ExportLoad.class);

  /**
   * The settings of a load from an export, beyond the relay's own.
   *
   * @param source the export and how to read it
   * @param restart whether to load every file again, ignoring an earlier run's record
   * @param giveUpAfter how long a failing read or write is retried before the file fails
   * @param clockSkew how far before the export time its rows are dated
   * @param tableOptions CrateDB clauses for a target table the load creates
   * @param batchBytes the bytes of lines at which a batch ends (with the line that reached them),
   *     besides {@code batch-size}: {@link SnapshotSettings#writeBytes} of the heap
   */
  public record Settings(
      S3ExportUrl source,
      boolean restart,
      Duration giveUpAfter,
      Duration clockSkew,
      Optional<String> tableOptions,
      long batchBytes) {

    public Settings {
      if (batchBytes < 1) {
        throw new IllegalArgumentException("a batch carries at least one byte: " + batchBytes);
      }
    }

    /**
     * Reads the settings: options given on the command line ({@code null} if not) over the
     * environment, as {@link SnapshotSettings#of} does for a Scan load.
     */
    public static Settings of(
        S3ExportUrl source,
        boolean restart,
        String giveUpAfter,
        String tableOptions,
        Map<String, String> env) {
      return new Settings(
          source,
          restart,
          SnapshotSettings.giveUpAfter(giveUpAfter),
          SnapshotSettings.clockSkew(env),
          SnapshotSettings.tableOptions(tableOptions, env),
          batchBytes(Runtime.getRuntime().maxMemory(), source.parallel()));
    }

    /**
     * A reader's batch bytes: a write's ({@link SnapshotSettings#writeBytes}) for up to four
     * readers, and for more the same bytes shared among them (at least 1 MB each), so that 64
     * readers of a 512 MB heap hold 64 MB of lines, not 1 GB.
     */
    static long batchBytes(long maxHeap, int readers) {
      return SnapshotSettings.writeBytes(maxHeap / Math.max(1, readers) * Math.min(4, readers));
    }

    /** These settings with batches of at most {@code bytes} bytes of lines. */
    Settings withBatchBytes(long bytes) {
      return new Settings(source, restart, giveUpAfter, clockSkew, tableOptions, bytes);
    }
  }

  /** How one data file ended. */
  private enum FileStatus {
    DONE,
    STOPPED,
    FAILED,
    PENDING
  }

  /**
   * @param targetFailed whether the target database failed, or the key schema is wrong (then no
   *     other file can go on)
   */
  private record FileOutcome(
      int index,
      String key,
      FileStatus status,
      long items,
      Optional<String> failure,
      boolean targetFailed) {
    FileOutcome(int index, String key, FileStatus status, long items, Optional<String> failure) {
      this(index, key, status, items, failure, false);
    }
  }

  private final Settings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final String stateSchema;
  private final S3ExportFiles files;
  private final Function<String, TableDescription> describe;
  private final Supplier<Relay> relays;
  private final PrintStream terminal;
  private final StopSignal stop;
  private final Clock clock;
  private ExportManifest manifest;

  /** Where the key schema came from, as an error names it: {@code key=…} or DescribeTable. */
  private String keyOrigin = "";

  /** The key schema's type of each key attribute: S, N or B. */
  private Map<String, String> keyTypes = Map.of();

  /**
   * @param describe {@code DescribeTable} of a table name or ARN, asked only when the URL has no
   *     {@code key=}
   * @param relays a relay core per parallel reader (each with its own connection)
   * @param terminal where the live progress line goes, or {@code null} for log lines
   */
  public ExportLoad(
      Settings settings,
      FunctionConfig config,
      Supplier<String> password,
      String stateSchema,
      S3ExportFiles files,
      Function<String, TableDescription> describe,
      Supplier<Relay> relays,
      PrintStream terminal,
      StopSignal stop,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.password = password;
    this.stateSchema = stateSchema;
    this.files = files;
    this.describe = describe;
    this.relays = relays;
    this.terminal = terminal;
    this.stop = stop;
    this.clock = clock;
  }

  /**
   * The key of a data file as S3 holds it: the manifest's key, under the export's folder. AWS's own
   * example manifest gives keys from AWSDynamoDB/ on, without the export prefix; an export copied
   * to another prefix (or bucket) keeps the keys of the prefix it was written to.
   */
  static String resolve(String folder, String dataFileKey) {
    int at = folder.lastIndexOf("AWSDynamoDB/");
    if (dataFileKey.startsWith(folder) || at < 0) {
      return dataFileKey;
    }
    // The folder's own part, AWSDynamoDB/EXPORT_ID/, wherever the manifest's key has it.
    String export = folder.substring(at);
    int in = dataFileKey.startsWith(export) ? 0 : dataFileKey.indexOf("/" + export);
    if (in < 0) {
      return dataFileKey;
    }
    return folder + dataFileKey.substring(in == 0 ? export.length() : in + 1 + export.length());
  }

  /**
   * The export's manifests, read once (retried as the load's reads are); empty when stopped before
   * they were read.
   */
  public Optional<ExportManifest> manifest() {
    if (manifest == null) {
      manifest = read(settings.source());
    }
    return Optional.ofNullable(manifest);
  }

  /** Loads the export. */
  public SnapshotLoad.Result run() throws InterruptedException {
    S3ExportUrl url = settings.source();
    ExportManifest manifest = manifest().orElse(null);
    if (manifest == null) {
      return new SnapshotLoad.Result(
          SnapshotLoad.Status.STOPPED, 0, "stopped before the manifests were read");
    }
    TableDescription table = table(url, manifest);
    if (table == null) {
      return new SnapshotLoad.Result(
          SnapshotLoad.Status.STOPPED, 0, "stopped before the table was described");
    }
    TargetTable.Prepared prepared =
        LoadSteps.prepareTarget(config, password, clock, table, settings.tableOptions());
    TableName target = prepared.name();
    ChangeVersion version = ChangeVersion.ofRead(manifest.exportTime(), settings.clockSkew());
    Optional<String> refusal =
        tooOld(
            url.location(),
            manifest.exportTime(),
            version,
            target,
            prepared.binding().purgedBefore(),
            config.settings().acceptTooOld());
    if (refusal.isPresent()) {
      // Said once, by whoever runs the load: the command on standard error, a handover in its log.
      return new SnapshotLoad.Result(SnapshotLoad.Status.REFUSED, 0, refusal.get());
    }
    int fileCount = manifest.files().size();
    LoadLease lease;
    try {
      lease =
          LoadLease.take(
              config, password, stateSchema, url.location(), url.location(), target, clock);
    } catch (RelayLease.HeldException e) {
      return new SnapshotLoad.Result(
          SnapshotLoad.Status.REFUSED, 0, e.getMessage() + "; nothing was loaded");
    }
    try (lease;
        SnapshotCursors cursors =
            LoadSteps.openCursors(config, password, stateSchema, url.location(), target, clock)) {
      Optional<SnapshotCursors.Load> earlier =
          settings.restart() ? Optional.empty() : cursors.read();
      LoadSteps.requireEarlierRows(prepared, earlier, url.location());
      if (earlier.isPresent() && earlier.get().done()) {
        return new SnapshotLoad.Result(
            SnapshotLoad.Status.DONE,
            earlier.get().items(),
            String.format(
                Locale.ROOT,
                "the load of %s into %s is complete (%s); --restart loads it again",
                url.location(),
                target,
                Count.of(earlier.get().items(), "item")));
      }
      if (earlier.isPresent()
          && (earlier.get().totalSegments() != fileCount
              // Compared to the millisecond: CrateDB keeps no finer timestamp.
              || !earlier
                  .get()
                  .startedAt()
                  .truncatedTo(ChronoUnit.MILLIS)
                  .equals(manifest.exportTime().truncatedTo(ChronoUnit.MILLIS)))) {
        throw new BadTargetException(
            "an earlier load of "
                + url.location()
                + " into "
                + target
                + " recorded "
                + earlier.get().totalSegments()
                + " files of an export at "
                + earlier.get().startedAt()
                + ", but the manifest now lists "
                + fileCount
                + " files at "
                + manifest.exportTime()
                + ": start over with --restart");
      }
      SnapshotCursors.Load load =
          earlier.isPresent() ? earlier.get() : cursors.begin(fileCount, manifest.exportTime());
      if (earlier.isPresent()) {
        LOG.info(
            "resuming the load of {} into {}: {} items applied before",
            url.location(),
            target,
            load.items());
      }
      LOG.info(
          "loading {} (export of {} at {}, {} items in {} files) into {}, rows dated {}",
          url.location(),
          table.name(),
          manifest.exportTime(),
          manifest.itemCount(),
          fileCount,
          target,
          version.createdAt());
      return load(
          url,
          manifest,
          table,
          target,
          cursors,
          load,
          new SnapshotChanges(table.name(), table.keyNames(), version));
    }
  }

  /**
   * Why an export whose rows carry {@code version} cannot be loaded into {@code target}, if it
   * cannot: its rows are older than the table's purge horizon, so the relay core would refuse every
   * one as a dead letter {@code too-old} (unless told to accept such changes). One sentence.
   */
  static Optional<String> tooOld(
      String export,
      Instant exportTime,
      ChangeVersion version,
      TableName target,
      Instant purgedBefore,
      boolean acceptTooOld) {
    if (acceptTooOld || purgedBefore == null || !version.createdAt().isBefore(purgedBefore)) {
      return Optional.empty();
    }
    return Optional.of(
        "the export "
            + export
            + " shows the table at "
            + exportTime.truncatedTo(ChronoUnit.SECONDS)
            + ": its rows, dated "
            + version.createdAt().truncatedTo(ChronoUnit.SECONDS)
            + ", are older than the purge horizon "
            + purgedBefore.truncatedTo(ChronoUnit.SECONDS)
            + " of "
            + target
            + ", whose deletes before it left no tombstone, so every row would be a dead letter"
            + " too-old: take a newer export (ExportTableToPointInTime), or load the table itself"
            + " with a Scan (relay load 'dynamodb://…')");
  }

  /**
   * The URL names no export that can be loaded (no manifest there, an ION or incremental export, a
   * manifest that cannot be read): bad input, as running the load again cannot change it.
   */
  public static final class NotLoadable extends SourceReadException {
    NotLoadable(String message, Throwable cause) {
      super(message, false, cause);
    }
  }

  private ExportManifest read(S3ExportUrl url) {
    Optional<byte[]> summary =
        manifest(
            url,
            "manifest-summary.json",
            "no export at "
                + url.location()
                + ": manifest-summary.json is missing (give the folder .../AWSDynamoDB/EXPORT_ID/"
                + " of a completed export)");
    if (summary.isEmpty()) {
      return null;
    }
    Optional<byte[]> list =
        manifest(
            url,
            "manifest-files.json",
            "the export at "
                + url.location()
                + " cannot be loaded: manifest-files.json is missing (the export did not complete,"
                + " or was not copied whole)");
    if (list.isEmpty()) {
      return null;
    }
    try {
      return ExportManifest.parse(summary.get(), list.get());
    } catch (IllegalArgumentException e) {
      throw new NotLoadable(
          "the export at " + url.location() + " cannot be loaded: " + e.getMessage(), e);
    }
  }

  /**
   * One of the export's manifests, retried as any read; empty when stopped first. A manifest or a
   * bucket that is not there is bad input ({@link NotLoadable}): {@code missing} says which.
   */
  private Optional<byte[]> manifest(S3ExportUrl url, String name, String missing) {
    try {
      return retrying("reading " + url.location() + name, () -> files.read(url.key(name)));
    } catch (SourceReadException e) {
      if (e.getMessage().endsWith("(NoSuchBucket)")) {
        throw new NotLoadable(e.getMessage() + ": is the URL's bucket (and endpoint) right?", e);
      }
      if (e.getMessage().contains("does not exist")) {
        throw new NotLoadable(missing, e);
      }
      throw e;
    }
  }

  private TableDescription table(S3ExportUrl url, ExportManifest manifest) {
    String name =
        url.table()
            .or(manifest::tableName)
            .orElseThrow(
                () ->
                    new SourceReadException(
                        "the manifest's tableArn \""
                            + manifest.tableArn()
                            + "\" names no table: give the option table=NAME",
                        false,
                        null));
    if (url.keys().isPresent()) {
      keyOrigin =
          "key="
              + url.keys().get().stream()
                  .map(k -> k.name() + ":" + k.type())
                  .collect(java.util.stream.Collectors.joining(","));
      keyTypes = keyTypes(url.keys().get());
      return new TableDescription(
          name, manifest.tableArn(), url.keys().get(), manifest.itemCount(), 0, Optional.empty());
    }
    String reference = url.table().isPresent() ? name : manifest.tableArn();
    Optional<TableDescription> described;
    try {
      described = retrying("DescribeTable " + reference, () -> describe.apply(reference));
    } catch (SourceReadException e) {
      throw new SourceReadException(
          "the export does not hold the key schema of "
              + name
              + ", and DescribeTable could not tell it ("
              + e.getMessage()
              + "): name it with the option key=ATTRIBUTE:TYPE[,ATTRIBUTE:TYPE], as in"
              + " key=id:S,ts:N",
          false,
          e);
    }
    keyOrigin = "DescribeTable of " + reference;
    described.ifPresent(d -> keyTypes = keyTypes(d.keys()));
    return described
        .map(
            d ->
                new TableDescription(
                    name,
                    manifest.tableArn(),
                    d.keys(),
                    manifest.itemCount(),
                    d.sizeBytes(),
                    d.ttlAttribute()))
        .orElse(null);
  }

  private SnapshotLoad.Result load(
      S3ExportUrl url,
      ExportManifest manifest,
      TableDescription table,
      TableName target,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      SnapshotChanges changes)
      throws InterruptedException {
    List<FileOutcome> outcomes = new ArrayList<>();
    ConcurrentLinkedQueue<Integer> pending = new ConcurrentLinkedQueue<>();
    for (SnapshotCursors.Segment segment : load.segments()) {
      String key = resolve(url.folder(), manifest.files().get(segment.segment()).key());
      if (segment.done()) {
        outcomes.add(
            new FileOutcome(
                segment.segment(), key, FileStatus.DONE, segment.items(), Optional.empty()));
      } else {
        pending.add(segment.segment());
      }
    }
    SnapshotProgress progress =
        new SnapshotProgress(
                load.items(),
                manifest.itemCount(),
                manifest.files().size(),
                outcomes.size(),
                terminal)
            .counting("data files");
    int readers = Math.max(1, Math.min(url.parallel(), pending.size()));
    try (LoadWorkers<List<FileOutcome>> workers =
        new LoadWorkers<>(stop, readers, "export-stop", "export-file", progress)) {
      StopSignal readersStop = workers.stop();
      for (int r = 0; r < readers; r++) {
        workers.submit(
            () -> {
              List<FileOutcome> done = new ArrayList<>();
              try (Relay relay = relays.get()) {
                Integer index;
                while (!readersStop.isStopped() && (index = pending.poll()) != null) {
                  String key = resolve(url.folder(), manifest.files().get(index).key());
                  FileOutcome outcome =
                      file(
                          relay,
                          cursors,
                          load,
                          changes,
                          progress,
                          readersStop,
                          segmentOf(load, index),
                          key,
                          manifest.files().get(index).itemCount());
                  done.add(outcome);
                  if (outcome.targetFailed()) {
                    readersStop.stop();
                  }
                }
              }
              return done;
            });
      }
      workers.results().forEach(outcomes::addAll);
    }
    for (Integer index : pending) {
      outcomes.add(
          new FileOutcome(
              index,
              resolve(url.folder(), manifest.files().get(index).key()),
              FileStatus.PENDING,
              0,
              Optional.empty()));
    }
    outcomes.sort(Comparator.comparingInt(FileOutcome::index));
    return result(url, table, target, cursors, load, manifest, outcomes, progress);
  }

  private static SnapshotCursors.Segment segmentOf(SnapshotCursors.Load load, int index) {
    for (SnapshotCursors.Segment segment : load.segments()) {
      if (segment.segment() == index) {
        return segment;
      }
    }
    throw new IllegalStateException("no cursor of data file " + index);
  }

  /** A file's read that has not failed since it last got further. */
  private static final long NOT_FAILING = Long.MIN_VALUE;

  /** The prefix of a cursor that says how many lines of a data file are applied. */
  static final String LINE_CURSOR = "line:";

  /** Lines of a data file applied before, from its cursor ({@code line:N}); 0 for none. */
  static long linesApplied(Optional<String> cursor) {
    if (cursor.isEmpty() || !cursor.get().startsWith(LINE_CURSOR)) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(cursor.get().substring(LINE_CURSOR.length())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Loads one data file from where its cursor says (after the lines applied before, recorded after
   * each applied batch); the outcome says how it ended.
   */
  private FileOutcome file(
      Relay relay,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      SnapshotChanges changes,
      SnapshotProgress progress,
      StopSignal readersStop,
      SnapshotCursors.Segment segment,
      String key,
      long expected) {
    int index = segment.segment();
    String where = files.location(key);
    long skip = linesApplied(segment.lastKey());
    // Lines applied (and recorded), and items among them, in this run and before.
    long[] position = {skip, skip == 0 ? 0 : segment.items()};
    long[] items = {position[1]};
    if (skip > 0) {
      LOG.info("resuming {} after line {} ({} items applied before)", where, skip, position[1]);
    }
    // A failing read is retried for giveUpAfter from its first failure since the file last got
    // further, not from the file's start: a connection dropped once a large file had been read for
    // longer than that would fail the file at once.
    long[] failingSince = {NOT_FAILING};
    BooleanSupplier expired =
        () -> {
          long now = System.nanoTime();
          if (failingSince[0] == NOT_FAILING) {
            failingSince[0] = now;
          }
          return now - failingSince[0] >= settings.giveUpAfter().toNanos();
        };
    try {
      Optional<Boolean> read =
          Retry.untilStopped(
              readersStop,
              backoff(),
              expired,
              e -> e instanceof SourceReadException failed && failed.retryable(),
              (e, pause) ->
                  LOG.warn("{}; reading it again in {} ms", e.getMessage(), pause.toMillis()),
              () -> {
                // Read again from the last recorded line: what was applied after it is again.
                items[0] = position[1];
                return readFile(
                    relay,
                    changes,
                    progress,
                    readersStop,
                    key,
                    where,
                    items,
                    position,
                    (line, applied) -> {
                      failingSince[0] = NOT_FAILING;
                      return retrying(
                              "recording the position in " + where,
                              () -> {
                                cursors.advance(load, index, LINE_CURSOR + line, applied);
                                return Boolean.TRUE;
                              })
                          .isPresent();
                    });
              });
      if (read.isEmpty() || !read.get()) {
        return new FileOutcome(index, key, FileStatus.STOPPED, items[0], Optional.empty());
      }
      if (expected >= 0 && items[0] < expected) {
        // A whole gzip file, but not the one the export wrote (cut between two of its members,
        // say): the load would be short.
        String why =
            where
                + " holds "
                + items[0]
                + " items, its manifest says "
                + expected
                + ": it is not the file the export wrote; replace it, or export the table again";
        LOG.error("{}", why);
        return new FileOutcome(index, key, FileStatus.FAILED, items[0], Optional.of(why));
      }
      if (expected >= 0 && items[0] > expected) {
        LOG.warn(
            "{} held {} lines, its manifest says {} items; all of them were applied",
            where,
            items[0],
            expected);
      }
      long applied = items[0];
      Optional<Boolean> recorded =
          retrying(
              "recording " + where + " as loaded",
              () -> {
                cursors.advance(load, index, null, applied);
                return Boolean.TRUE;
              });
      if (recorded.isEmpty()) {
        return new FileOutcome(index, key, FileStatus.STOPPED, items[0], Optional.empty());
      }
      progress.segmentDone();
      LOG.info("{} done: {} items", where, applied);
      return new FileOutcome(index, key, FileStatus.DONE, applied, Optional.empty());
    } catch (SourceReadException e) {
      // A retryable read failure gets here only once it has been retried for --give-up-after: said
      // in the words every step that gives up uses.
      String why =
          e.retryable()
              ? LoadSteps.gaveUp(
                  "reading " + where,
                  settings.giveUpAfter(),
                  failingSince[0] == NOT_FAILING ? System.nanoTime() : failingSince[0],
                  e)
              : e.getMessage();
      LOG.error("{}", why);
      return new FileOutcome(index, key, FileStatus.FAILED, items[0], Optional.of(why));
    } catch (TargetUnavailableException | BatchNotApplied | SameKeyTwice e) {
      if (e instanceof SameKeyTwice) {
        LOG.error("{}", e.getMessage());
      }
      return new FileOutcome(
          index, key, FileStatus.FAILED, items[0], Optional.of(e.getMessage()), true);
    }
  }

  /** Records that a data file's lines up to {@code line} are applied; false when stopped first. */
  @FunctionalInterface
  private interface Position {
    boolean record(long line, long items);
  }

  /**
   * Reads and applies the file after its first {@code position[0]} lines, recording the position
   * after each applied batch (and keeping it in {@code position}: lines, items); false when stopped
   * first.
   */
  private boolean readFile(
      Relay relay,
      SnapshotChanges changes,
      SnapshotProgress progress,
      StopSignal readersStop,
      String key,
      String where,
      long[] items,
      long[] position,
      Position recorder) {
    int batchSize = settings.source().batchSize();
    long skip = position[0];
    long line = 0;
    try (InputStream raw = files.open(key);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(gunzip(raw), StandardCharsets.UTF_8), 1 << 16)) {
      List<Decoded> batch = new ArrayList<>(batchSize);
      // The line of each key in the batch: an export holds each item once, so two lines of one key
      // mean a key schema that leaves out a key attribute, and the later item would overwrite the
      // earlier one's row.
      Map<String, Long> batchKeys = new java.util.HashMap<>();
      long batchBytes = 0;
      String text;
      while ((text = reader.readLine()) != null) {
        line++;
        if (line <= skip || text.isBlank()) {
          continue;
        }
        Decoded decoded = decode(changes, text, where, line);
        if (decoded instanceof Decoded.Ok ok) {
          Optional<String> mistyped = mistypedKey(ok.change().keys());
          if (mistyped.isPresent()) {
            throw new SameKeyTwice(otherKeyType(where, line, mistyped.get(), ok.change().keys()));
          }
          Long before = batchKeys.putIfAbsent(identity(ok.change().keys()), line);
          if (before != null) {
            throw new SameKeyTwice(sameKey(where, before, line, ok.change().keys()));
          }
        }
        batch.add(decoded);
        batchBytes += text.length();
        // Items of up to 400 KB: the batch ends at its bytes too, or the readers' batches together
        // outgrow the heap.
        if (batch.size() >= batchSize || batchBytes >= settings.batchBytes()) {
          // Stopped (a signal, another file's failure): after the batch under way, not at the end
          // of a file of minutes; the next run resumes after the last recorded line.
          if (readersStop.isStopped() || !apply(relay, readersStop, batch, progress, where)) {
            return false;
          }
          items[0] += batch.size();
          batch = new ArrayList<>(batchSize);
          batchKeys.clear();
          batchBytes = 0;
          if (!recorder.record(line, items[0])) {
            return false;
          }
          position[0] = line;
          position[1] = items[0];
        }
      }
      if (!batch.isEmpty()) {
        if (readersStop.isStopped() || !apply(relay, readersStop, batch, progress, where)) {
          return false;
        }
        items[0] += batch.size();
      }
      return true;
    } catch (ZipException | EOFException e) {
      throw new SourceReadException(
          where
              + " is not a whole gzip file ("
              + (e.getMessage() == null ? "it ends early" : e.getMessage())
              + "): replace it, or export the table again",
          false,
          e);
    } catch (IOException e) {
      throw new SourceReadException(
          "reading " + where + " failed after line " + line + ": " + e.getMessage(), true, e);
    }
  }

  /**
   * A data file's bytes decompressed, every gzip member of it. On Java 17 and 21, {@link
   * GZIPInputStream} looks for a member after the first only when the stream's {@code available()}
   * is above 0 or more than 26 bytes are left in its buffer (JDK-7036144, fixed in Java 23): from
   * S3, where nothing may have arrived yet, it ended a file of several members after the first.
   */
  static InputStream gunzip(InputStream raw) throws IOException {
    Lookahead in = new Lookahead(raw);
    if (in.available() == 0) {
      // No byte at all: a file of no items (its manifest's count says whether it should hold some).
      return InputStream.nullInputStream();
    }
    return new GZIPInputStream(in, 1 << 16);
  }

  /**
   * A stream whose {@code available()} is above 0 whenever a byte follows: when the stream it reads
   * says 0, it reads one byte ahead (waiting for it) and keeps it for the next read.
   */
  private static final class Lookahead extends PushbackInputStream {

    Lookahead(InputStream in) {
      super(in, 1);
    }

    @Override
    public int available() throws IOException {
      int available = super.available();
      if (available > 0) {
        return available;
      }
      int next = read();
      if (next < 0) {
        return 0;
      }
      unread(next);
      return 1;
    }
  }

  /**
   * The key schema is wrong: two lines of one data file hold items of the same key, or a key
   * attribute is of another type.
   */
  private static final class SameKeyTwice extends RuntimeException {
    SameKeyTwice(String message) {
      super(message);
    }
  }

  /** A key's identity: its attributes' types and values, numbers in their one decimal text. */
  static String identity(Map<String, AttributeValue> keys) {
    StringBuilder identity = new StringBuilder();
    new java.util.TreeMap<>(keys)
        .forEach(
            (name, value) ->
                identity
                    .append(name)
                    .append('\u0000')
                    .append(value.type())
                    .append('\u0000')
                    .append(
                        value instanceof AttributeValue.N n
                            ? io.cdcrelay.plan.KeySchema.canonical(n.value())
                            : value instanceof AttributeValue.S str
                                ? str.value()
                                : ((AttributeValue.B) value).base64())
                    .append('\u0000'));
    return identity.toString();
  }

  private static Map<String, String> keyTypes(List<KeySchema.KeyColumn> keys) {
    Map<String, String> types = new java.util.HashMap<>();
    keys.forEach(k -> types.put(k.name(), k.type().name()));
    return Map.copyOf(types);
  }

  /** The first key attribute whose type is not the key schema's, if any. */
  private Optional<String> mistypedKey(Map<String, AttributeValue> keys) {
    for (Map.Entry<String, AttributeValue> key : keys.entrySet()) {
      String type = keyTypes.get(key.getKey());
      if (type != null && !type.equals(key.getValue().type())) {
        return Optional.of(key.getKey());
      }
    }
    return Optional.empty();
  }

  private String otherKeyType(
      String where, long line, String attribute, Map<String, AttributeValue> keys) {
    return "line "
        + line
        + " of "
        + where
        + " holds the key "
        + ItemJson.text(keys)
        + ", its attribute "
        + attribute
        + " of type "
        + keys.get(attribute).type()
        + ", where the key schema of "
        + keyOrigin
        + " says "
        + keyTypes.get(attribute)
        + ": every item would be set aside; give the types the table has, as in key="
        + attribute
        + ":"
        + keys.get(attribute).type()
        + ", drop the target table if this load created it, and load again with --restart";
  }

  private String sameKey(String where, long first, long second, Map<String, AttributeValue> keys) {
    return "lines "
        + first
        + " and "
        + second
        + " of "
        + where
        + " hold items of the same key "
        + ItemJson.text(keys)
        + " by the key schema of "
        + keyOrigin
        + ": an export holds each item once, so the table has a key attribute that this key"
        + " schema leaves out (a sort key?), and the later item would overwrite the earlier one's"
        + " row; give every key attribute, as in key=ATTRIBUTE:TYPE,ATTRIBUTE:TYPE, drop the"
        + " target table (it is keyed by too few attributes) and load again with --restart";
  }

  /** One line: an item, or a poison record naming the file and line. */
  static Decoded decode(SnapshotChanges changes, String text, String where, long line) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String reason;
    try {
      JsonNode node = DynamoDbJson.parse(bytes);
      JsonNode item = node == null ? null : node.get("Item");
      if (item == null) {
        reason = "it has no \"Item\"";
      } else {
        Map<String, AttributeValue> attributes = DynamoDbJson.readItem(item, "Item");
        Decoded upsert = changes.upsert(attributes);
        if (!(upsert instanceof Decoded.Poison poison)) {
          return upsert;
        }
        // An item without its key attributes: named by its file and line, as any other poison.
        reason = poison.reason();
      }
    } catch (IOException | RuntimeException e) {
      reason = e.getMessage();
    }
    return new Decoded.Poison(
        new SourceRecord(where + ":" + line, ChangeVersion.LOWEST_SEQUENCE, bytes, Instant.EPOCH),
        "line " + line + " of " + where + " is not an exported item: " + reason);
  }

  /** Applies the batch until it is applied; false when stopped first. */
  private boolean apply(
      Relay relay,
      StopSignal readersStop,
      List<Decoded> batch,
      SnapshotProgress progress,
      String where) {
    long began = System.nanoTime();
    Optional<BatchResult> result;
    try {
      result =
          Retry.untilStopped(
              readersStop,
              backoff(),
              Retry.after(settings.giveUpAfter()),
              e -> e instanceof BatchNotApplied || e instanceof TargetUnavailableException,
              (e, pause) ->
                  LOG.warn(
                      "a batch of {} not applied yet, retrying in {} ms: {}",
                      where,
                      pause.toMillis(),
                      e.getMessage()),
              () -> {
                BatchResult r = relay.applyDecoded(batch);
                SharedWrites.logBatch(LOG, r);
                if (!r.succeeded()) {
                  throw new BatchNotApplied(r);
                }
                return r;
              });
    } catch (BatchNotApplied | TargetUnavailableException e) {
      // Retried for --give-up-after: said in one sentence, the target's part of it kept.
      throw new BatchNotApplied(
          LoadSteps.gaveUp("applying a batch of " + where, settings.giveUpAfter(), began, e),
          e instanceof BatchNotApplied batchFailure
              ? batchFailure.unreachable()
              : ((TargetUnavailableException) e).unreachable());
    }
    result.ifPresent(r -> progress.pageApplied(batch.size(), r.deadLettered()));
    return result.isPresent();
  }

  private <T> Optional<T> retrying(String what, Supplier<T> call) {
    long began = System.nanoTime();
    try {
      return Retry.untilStopped(
          stop,
          backoff(),
          Retry.after(settings.giveUpAfter()),
          e ->
              e instanceof TargetUnavailableException
                  || (e instanceof SourceReadException read && read.retryable()),
          (e, pause) ->
              LOG.warn("{} failed, retrying in {} ms: {}", what, pause.toMillis(), e.getMessage()),
          call);
    } catch (SourceReadException e) {
      if (!e.retryable()) {
        throw e;
      }
      // Retried for --give-up-after: said in one sentence.
      throw new SourceReadException(
          LoadSteps.gaveUp(what, settings.giveUpAfter(), began, e), false, e);
    } catch (TargetUnavailableException e) {
      throw new TargetUnavailableException(
          LoadSteps.gaveUp(what, settings.giveUpAfter(), began, e), e, e.unreachable());
    }
  }

  private static Backoff backoff() {
    return Retry.standardBackoff();
  }

  private SnapshotLoad.Result result(
      S3ExportUrl url,
      TableDescription table,
      TableName target,
      SnapshotCursors cursors,
      SnapshotCursors.Load load,
      ExportManifest manifest,
      List<FileOutcome> outcomes,
      SnapshotProgress progress) {
    long items = outcomes.stream().mapToLong(FileOutcome::items).sum();
    long done = outcomes.stream().filter(o -> o.status() == FileStatus.DONE).count();
    boolean failed = outcomes.stream().anyMatch(o -> o.status() == FileStatus.FAILED);
    String rate = progress.runSummary();
    if (done == outcomes.size()) {
      TargetTable.refresh(config, password, clock, target, "the load", LOG);
      LoadSteps.recordEnd(cursors, load, items, LOG);
      return new SnapshotLoad.Result(
          SnapshotLoad.Status.DONE,
          items,
          String.format(
                  Locale.ROOT,
                  "loaded %s (%s at %s) into %s: %s from %s (the manifest's count: %d), %s; %d"
                      + " dead-lettered",
                  url.location(),
                  table.name(),
                  manifest.exportTime(),
                  target,
                  Count.of(items, "item"),
                  Count.of(outcomes.size(), "file"),
                  manifest.itemCount(),
                  rate,
                  progress.deadLettered())
              + SnapshotLoad.setAside(progress.deadLettered(), target),
          progress.deadLettered());
    }
    StringBuilder summary =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "the load of %s into %s %s after %s, %d of %s done (%s)" + SnapshotLoad.RESUME,
                url.location(),
                target,
                failed ? "FAILED" : "was stopped",
                Count.of(items, "item"),
                done,
                Count.of(outcomes.size(), "file"),
                rate));
    for (FileOutcome o : outcomes) {
      if (o.status() != FileStatus.DONE) {
        summary.append(
            String.format(
                Locale.ROOT,
                "%n  %s: %s%s",
                files.location(o.key()),
                o.status().name().toLowerCase(Locale.ROOT),
                o.failure().map(f -> ": " + f).orElse("")));
      }
    }
    return new SnapshotLoad.Result(
        failed ? SnapshotLoad.Status.FAILED : SnapshotLoad.Status.STOPPED,
        items,
        summary.toString());
  }
}
