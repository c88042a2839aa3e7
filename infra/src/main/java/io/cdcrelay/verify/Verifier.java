package io.cdcrelay.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcrelay.change.AttributeValue;
import io.cdcrelay.change.ChangeVersion;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.Retry;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.relay.BatchLog;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.snapshot.BatchNotApplied;
import io.cdcrelay.snapshot.CapacityBudget;
import io.cdcrelay.snapshot.ScanPage;
import io.cdcrelay.snapshot.SnapshotChanges;
import io.cdcrelay.snapshot.SnapshotCursors;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.snapshot.SourceReadException;
import io.cdcrelay.snapshot.TableDescription;
import io.cdcrelay.snapshot.TableSource;
import io.cdcrelay.snapshot.TargetTable;
import io.cdcrelay.text.Count;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a DynamoDB table with its target table, key by key: the target read in one pass into a
 * digest per key ({@link TargetIndex}: 64 bits of each, by a 64-bit hash of the key; the keys of
 * rows no item matched found by a second pass), then the source read by a parallel Scan and each
 * item's digest compared; what differs is read again from both sides, {@value #RECHECK_KEYS} keys
 * at a time (a consistent {@code BatchGetItem} and a keyed lookup of their rows), a few times with
 * pauses, so that items changing while verify runs are not reported. Knows the delete and TTL
 * modes: rows flagged deleted ({@code soft}) count as absent, rows of expired items kept by the TTL
 * policy as expected extras. With repair, each difference is rewritten through the relay core from
 * a consistent read, dated by the read ({@link ChangeVersion#ofRead}), or its row removed.
 */
public final class Verifier {

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
  private static final int REPAIR_BATCH = 100;

  /** The keys re-checked together: one BatchGetItem's worth. */
  private static final int RECHECK_KEYS = 100;

  private final VerifySettings settings;
  private final FunctionConfig config;
  private final Supplier<String> password;
  private final TableSource source;
  private final Supplier<Relay> relays;
  private final StopSignal stop;
  private final Clock clock;

  public Verifier(
      VerifySettings settings,
      FunctionConfig config,
      Supplier<String> password,
      TableSource source,
      Supplier<Relay> relays,
      StopSignal stop,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.password = password;
    this.source = source;
    this.relays = relays;
    this.stop = stop;
    this.clock = clock;
  }

  /** Compares, re-checks, and repairs if asked to. */
  public VerifyReport run() throws InterruptedException {
    TableDescription table = describe();
    // Rows kept after their item expired are told from extras by the TTL attribute alone: without
    // it, each would be reported extra, and a repair would delete what the policy keeps.
    if (config.settings().ttl() == TtlPolicy.KEEP && table.ttlUnreadable().isPresent()) {
      throw new VerifyRefused(
          "with --ttl-deletes keep, verify tells the rows of expired items from extras by the"
              + " table's TTL attribute, and DescribeTimeToLive of "
              + table.name()
              + " failed ("
              + table.ttlUnreadable().get()
              + "): grant dynamodb:DescribeTimeToLive, or verify with --ttl-deletes same to see"
              + " those rows as extra");
    }
    TableName target;
    Optional<String> bound;
    String stateSchema;
    try (JdbcTarget writer = config.openTarget(password, clock)) {
      target = TargetTable.route(config.settings(), writer, table.name());
      bound = writer.boundSourceIfAny(target);
      stateSchema = writer.state().schema();
    }
    KeySchema keySchema = table.keySchema();
    try (TargetRows rows =
        new TargetRows(config.target(), password, config.socketTimeoutSeconds())) {
      // What a wrong target would show only after the whole Scan, checked before anything is read.
      Optional<String> problem = rows.layoutProblem(target, table.name(), table.keys());
      if (problem.isPresent()) {
        throw new VerifyRefused(problem.get());
      }
      // Its rows are another table's items, and a repair would be set aside (route), not written.
      if (bound.isPresent() && !bound.get().equals(table.name())) {
        throw new VerifyRefused(TargetTable.boundElsewhere(target, bound.get(), table.name()));
      }
      TargetIndex index = new TargetIndex();
      // Each fetch holds as many rows as a load's write holds items.
      long fetchBytes = SnapshotSettings.writeBytes(Runtime.getRuntime().maxMemory());
      long[] liveRows = new long[1];
      // Rows of a key no item can have: extra, and not for the repair, which writes by item key.
      List<String> strays = new ArrayList<>();
      rows.readAll(
          target,
          keySchema,
          fetchBytes,
          row -> {
            stopIfAsked("reading " + target, 0);
            if (!row.deleted() && row.strayKey() != null) {
              liveRows[0]++;
              strays.add(row.strayKey());
            } else if (!row.deleted()) {
              liveRows[0]++;
              boolean expected =
                  Verdict.expectedExtra(
                      config.settings().ttl(), table.ttlAttribute(), clock.instant(), row);
              JsonNode orderFree = PlainItems.withSortedValueArrays(row.item());
              index.put(
                  TargetIndex.keyHash(row.key()),
                  TargetIndex.entry(PlainItems.digest(row.item()), expected),
                  orderFree == row.item()
                      ? 0
                      : TargetIndex.entry(PlainItems.digest(orderFree), expected));
            }
          });
      long live = liveRows[0];
      LOG.info("read {} live rows of {}", live, target);

      Map<String, Map<String, AttributeValue>> candidates = new ConcurrentHashMap<>();
      AtomicLong scanned = new AtomicLong();
      AtomicLong equal = new AtomicLong();
      // Beyond the recheck limit, differences are counted by kind: missing, extra, different.
      AtomicLong[] unchecked = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
      scan(table, index, candidates, unchecked, scanned, equal);
      // Rows the stopped scan never reached would be read again one by one and found equal.
      stopIfAsked("scanning " + table.name(), scanned.get());
      long[] left = new long[2];
      index.forEach((key, entry) -> left[TargetIndex.expected(entry) ? 0 : 1]++);
      long expectedExtras = left[0];
      if (left[1] > 0) {
        // The index keeps no key text: the rows no item matched are found by a second pass.
        LOG.info("{} rows match no item; reading {} again for their keys", left[1], target);
        rows.readAll(
            target,
            keySchema,
            fetchBytes,
            row -> {
              stopIfAsked("reading " + target + " again", scanned.get());
              long entry =
                  row.deleted() || row.strayKey() != null
                      ? 0
                      : index.get(TargetIndex.keyHash(row.key()));
              if (entry != 0
                  && !TargetIndex.expected(entry)
                  && !candidate(candidates, row.key(), keysOf(table, row.key()))) {
                unchecked[1].incrementAndGet();
              }
            });
      }
      LOG.info(
          "scanned {} items: {} equal at once, {} to read again",
          scanned,
          equal,
          candidates.size());

      Map<String, Verdict> verdicts =
          recheck(table, target, keySchema, rows, candidates, scanned.get());
      long rechecked = verdicts.values().stream().filter(v -> v == Verdict.EQUAL).count();
      // Differences whose item and row were both gone on re-check (deleted meanwhile): in the
      // counts of items or rows, and in no kind but this one.
      long vanished = verdicts.values().stream().filter(v -> v == Verdict.ABSENT).count();
      long repaired = 0;
      long notRepaired = 0;
      if (settings.repair()) {
        Map<String, Map<String, AttributeValue>> differences = new TreeMap<>();
        verdicts.forEach(
            (key, verdict) -> {
              if (verdict.isDifference()) {
                differences.put(key, candidates.get(key));
              }
            });
        if (!differences.isEmpty()) {
          repair(table, differences, scanned.get());
          // As a load does: a query right after the repair sees what its report says.
          TargetTable.refresh(config, password, clock, target, "the repair", LOG);
          Map<String, Verdict> after =
              judge(
                  table,
                  target,
                  keySchema,
                  rows,
                  differences,
                  "reading the repaired keys again",
                  scanned.get());
          repaired = after.values().stream().filter(v -> !v.isDifference()).count();
          notRepaired = differences.size() - repaired;
          verdicts.putAll(after);
        }
      }
      List<String> missing = new ArrayList<>();
      List<String> extra = new ArrayList<>();
      List<String> different = new ArrayList<>();
      long expectedAfter = expectedExtras;
      if (!strays.isEmpty()) {
        LOG.warn(
            "{} rows of {} have a key the relay never writes (first: {}):"
                + " no item has it, so they are extra; --repair leaves them, delete them by their"
                + " pk",
            strays.size(),
            target,
            strays.get(0));
      }
      extra.addAll(new java.util.TreeSet<>(strays));
      for (Map.Entry<String, Verdict> v : new TreeMap<>(verdicts).entrySet()) {
        switch (v.getValue()) {
          case MISSING -> missing.add(v.getKey());
          case EXTRA -> extra.add(v.getKey());
          case DIFFERENT -> different.add(v.getKey());
          case EXPECTED_EXTRA -> expectedAfter++;
          case EQUAL -> equal.incrementAndGet();
          case ABSENT -> {}
        }
      }
      return new VerifyReport(
          table.name(),
          target.toString(),
          scanned.get(),
          live,
          equal.get(),
          rechecked,
          vanished,
          missing,
          extra,
          different,
          expectedAfter,
          repaired,
          notRepaired + (settings.repair() ? strays.size() : 0),
          strays.size(),
          settings.show(),
          new VerifyReport.Unchecked(unchecked[0].get(), unchecked[1].get(), unchecked[2].get()),
          settings.recheckLimit(),
          unfinishedLoads(stateSchema, target));
    }
  }

  /**
   * The loads into {@code target} that the state schema records as begun and not complete, as a
   * report names them: {@code of T into S.T (3 of 8 segments done, 19,100 items, last written at
   * …)}. None when they cannot be read (a user who may not read the state schema): a note, not a
   * finding.
   */
  private List<String> unfinishedLoads(String stateSchema, TableName target) {
    List<String> loads = new ArrayList<>();
    try {
      for (SnapshotCursors.Summary load :
          SnapshotCursors.loads(
              config.target(), password, stateSchema, config.socketTimeoutSeconds())) {
        if (!load.done() && load.target().equals(target.toString())) {
          loads.add(
              "of "
                  + load.source()
                  + " into "
                  + load.target()
                  + " ("
                  + load.segmentsDone()
                  + " of "
                  + Count.of(load.totalSegments(), "segment")
                  + " done, "
                  + Count.of(load.items(), "item")
                  + ", last written at "
                  + load.updatedAt()
                  + ")");
        }
      }
    } catch (TargetUnavailableException e) {
      LOG.debug(
          "the loads of the state schema {} could not be read: {}", stateSchema, e.getMessage());
    }
    return loads;
  }

  /**
   * The DynamoDB table as {@code DescribeTable} says, read first: an endpoint that cannot be
   * reached is named, as the URL gives it (without its credentials).
   */
  private TableDescription describe() {
    try {
      return source.describe();
    } catch (SourceReadException e) {
      if (!(e.getCause() instanceof software.amazon.awssdk.core.exception.SdkClientException)
          || io.cdcrelay.source.AwsErrors.noCredentials(e)) {
        throw e;
      }
      throw new SourceReadException(
          "cannot reach DynamoDB "
              + settings.source().where()
              + ": "
              + e.getMessage()
              + " (check the host and port of the dynamodb:// URL); nothing was scanned",
          false,
          e);
    }
  }

  /**
   * Ends the verify, reporting nothing, once it is asked to stop: a report of a part would call the
   * rows it never reached equal, or differences it did not read again real.
   */
  private void stopIfAsked(String doing, long scanned) {
    if (stop.isStopped()) {
      throw new VerifyStopped(
          "verify was stopped while "
              + doing
              + (scanned > 0 ? ", after scanning " + scanned + " items" : "")
              + ": nothing is reported; run it again");
    }
  }

  /**
   * Keeps a difference to read again, unless {@code --recheck-limit} are kept already (then it is
   * only counted); whether it was kept.
   */
  private boolean candidate(
      Map<String, Map<String, AttributeValue>> candidates,
      String key,
      Map<String, AttributeValue> keys) {
    if (candidates.size() >= settings.recheckLimit() && !candidates.containsKey(key)) {
      return false;
    }
    candidates.put(key, keys);
    return true;
  }

  /** The items of {@code keys} that exist, read consistently, by their key text. */
  private Map<String, Map<String, AttributeValue>> itemsByKey(
      TableDescription table, List<Map<String, AttributeValue>> keys) {
    Map<String, Map<String, AttributeValue>> items = new HashMap<>();
    for (Map<String, AttributeValue> item : retrying(() -> source.getItems(keys))) {
      items.put(PlainItems.keyText(keys(table, item)), item);
    }
    return items;
  }

  /** The parallel Scan: each item is equal, or a candidate difference. */
  private void scan(
      TableDescription table,
      TargetIndex index,
      Map<String, Map<String, AttributeValue>> candidates,
      AtomicLong[] unchecked,
      AtomicLong scanned,
      AtomicLong equal)
      throws InterruptedException {
    int segments = settings.source().segments();
    CapacityBudget budget = CapacityBudget.of(settings.source().rcu());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            segments,
            r -> {
              Thread t = new Thread(r, "verify-segment");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < segments; s++) {
        int segment = s;
        running.add(
            pool.submit(
                () -> {
                  Map<String, AttributeValue> from = Map.of();
                  while (!stop.isStopped()) {
                    int limit = budget.limit(settings.source().batchSize(), segments);
                    double estimate = budget.estimate(limit);
                    if (!budget.acquire(estimate, stop)) {
                      return null;
                    }
                    Map<String, AttributeValue> start = from;
                    ScanPage page =
                        retrying(
                            () ->
                                source.scan(
                                    segment,
                                    segments,
                                    start,
                                    limit,
                                    settings.source().consistentRead(),
                                    budget.limited()));
                    budget.spend(estimate, page.consumedCapacity(), page.items().size());
                    for (Map<String, AttributeValue> item : page.items()) {
                      scanned.incrementAndGet();
                      Map<String, AttributeValue> keys = keys(table, item);
                      String key = PlainItems.keyText(keys);
                      TargetIndex.Taken row = index.take(TargetIndex.keyHash(key));
                      if (row != null && sameItem(row, item)) {
                        equal.incrementAndGet();
                      } else if (!candidate(candidates, key, keys)) {
                        unchecked[row == null ? 0 : 2].incrementAndGet();
                      }
                    }
                    if (page.isLast()) {
                      return null;
                    }
                    from = page.lastKey();
                  }
                  return null;
                }));
      }
      for (Future<?> future : running) {
        try {
          future.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Whether the row's digests show it holds the item: the same plain form, or one that differs at
   * most in the order of set elements (the item holding no list of plain values, whose order
   * counts), as the reference tool's rows do. Saves reading each such item again, which counted
   * every one beyond {@code --recheck-limit} as different.
   */
  private static boolean sameItem(TargetIndex.Taken row, Map<String, AttributeValue> item) {
    JsonNode plain = PlainItems.of(item);
    if (TargetIndex.sameItem(row.entry(), PlainItems.digest(plain))) {
      return true;
    }
    if (!PlainItems.onlySetsAreValueArrays(item)) {
      return false;
    }
    JsonNode orderFree = PlainItems.withSortedValueArrays(plain);
    return (orderFree != plain || row.orderFree() != row.entry())
        && TargetIndex.sameItem(row.orderFree(), PlainItems.digest(orderFree));
  }

  /**
   * Reads each candidate again from both sides, up to {@code rechecks} times with pauses of 1 s, 2
   * s, …, until it is equal; returns the last verdict of each.
   */
  private Map<String, Verdict> recheck(
      TableDescription table,
      TableName target,
      KeySchema keySchema,
      TargetRows rows,
      Map<String, Map<String, AttributeValue>> candidates,
      long scanned) {
    Map<String, Verdict> verdicts = new TreeMap<>();
    Map<String, Map<String, AttributeValue>> pending = new TreeMap<>(candidates);
    Duration pause = Duration.ofSeconds(1);
    for (int round = 1; round <= settings.rechecks() && !pending.isEmpty(); round++) {
      if (round > 1) {
        LOG.info(
            "{} differences left; reading them again in {} s", pending.size(), pause.toSeconds());
        stop.sleep(pause);
        pause = pause.multipliedBy(2);
      }
      Map<String, Verdict> now =
          judge(table, target, keySchema, rows, pending, "reading differences again", scanned);
      verdicts.putAll(now);
      Map<String, Map<String, AttributeValue>> still = new TreeMap<>();
      for (Map.Entry<String, Verdict> v : now.entrySet()) {
        if (v.getValue().isDifference()) {
          still.put(v.getKey(), pending.get(v.getKey()));
        }
      }
      pending = still;
    }
    return verdicts;
  }

  /**
   * The verdict on each key (its item's key attributes, by key text), read from both sides a chunk
   * at a time: a BatchGetItem of up to {@value #RECHECK_KEYS} keys and a lookup of them, not a
   * GetItem and a query per key (10,003 missing keys took 28 s a round that way).
   */
  private Map<String, Verdict> judge(
      TableDescription table,
      TableName target,
      KeySchema keySchema,
      TargetRows rows,
      Map<String, Map<String, AttributeValue>> keysByText,
      String doing,
      long scanned) {
    Map<String, Verdict> verdicts = new TreeMap<>();
    List<Map.Entry<String, Map<String, AttributeValue>>> all =
        new ArrayList<>(keysByText.entrySet());
    for (int from = 0; from < all.size(); from += RECHECK_KEYS) {
      stopIfAsked(doing + " (" + all.size() + " keys)", scanned);
      List<Map.Entry<String, Map<String, AttributeValue>>> chunk =
          all.subList(from, Math.min(all.size(), from + RECHECK_KEYS));
      List<Map<String, AttributeValue>> keys = new ArrayList<>(chunk.size());
      List<JsonNode> stored = new ArrayList<>(chunk.size());
      for (Map.Entry<String, Map<String, AttributeValue>> c : chunk) {
        keys.add(c.getValue());
        stored.add(PlainItems.of(c.getValue()));
      }
      Map<String, Map<String, AttributeValue>> items = itemsByKey(table, keys);
      Map<String, TargetRows.Row> found = rows.readMany(target, keySchema, stored);
      for (Map.Entry<String, Map<String, AttributeValue>> c : chunk) {
        verdicts.put(
            c.getKey(),
            verdict(
                table,
                Optional.ofNullable(items.get(c.getKey())),
                Optional.ofNullable(found.get(c.getKey()))));
      }
    }
    return verdicts;
  }

  /** The verdict on a key from its item and its row, as read (a row flagged deleted is none). */
  private Verdict verdict(
      TableDescription table,
      Optional<Map<String, AttributeValue>> item,
      Optional<TargetRows.Row> stored) {
    return Verdict.of(config.settings().ttl(), table.ttlAttribute(), clock.instant(), item, stored);
  }

  /** Rewrites each difference from a consistent read, in batches through the relay core. */
  private void repair(
      TableDescription table, Map<String, Map<String, AttributeValue>> differences, long scanned)
      throws InterruptedException {
    List<Map<String, AttributeValue>> keys = new ArrayList<>(differences.values());
    try (Relay relay = relays.get()) {
      for (int i = 0; i < keys.size(); i += REPAIR_BATCH) {
        stopIfAsked("repairing (" + i + " of " + keys.size() + " differences rewritten)", scanned);
        // Dated before the first read of the batch: below every change the stream still delivers.
        SnapshotChanges changes =
            new SnapshotChanges(
                table.name(),
                table.keyNames(),
                ChangeVersion.ofRead(clock.instant(), settings.clockSkew()));
        List<Map<String, AttributeValue>> part =
            keys.subList(i, Math.min(keys.size(), i + REPAIR_BATCH));
        // One BatchGetItem for the batch's keys; a key without an item is a row to remove.
        Map<String, Map<String, AttributeValue>> items = itemsByKey(table, part);
        List<Decoded> batch = new ArrayList<>(part.size());
        for (Map<String, AttributeValue> key : part) {
          Map<String, AttributeValue> item = items.get(PlainItems.keyText(key));
          batch.add(item != null ? changes.upsert(item) : changes.remove(key));
        }
        apply(relay, batch);
      }
    }
  }

  private void apply(Relay relay, List<Decoded> batch) throws InterruptedException {
    AtomicReference<String> why = new AtomicReference<>();
    try {
      Optional<BatchResult> applied =
          Retry.untilStopped(
              stop,
              Retry.standardBackoff(),
              Retry.after(settings.giveUpAfter()),
              e -> e instanceof BatchNotApplied,
              (e, pause) -> why.set(e.getMessage()),
              () -> {
                BatchResult result = relay.applyDecoded(batch);
                LOG.info("repair: {}", BatchLog.text(result));
                if (!result.succeeded()) {
                  throw new BatchNotApplied(result);
                }
                return result;
              });
      if (applied.isEmpty() && stop.isStopped()) {
        stopIfAsked("repairing", 0);
      }
      if (applied.isEmpty()) {
        throw new io.cdcrelay.sink.TargetUnavailableException(
            "repairing failed: " + why.get(), null);
      }
    } catch (BatchNotApplied e) {
      throw new io.cdcrelay.sink.TargetUnavailableException(
          "repairing failed: " + e.getMessage(), null);
    }
  }

  private <T> T retrying(Supplier<T> read) {
    AtomicReference<SourceReadException> last = new AtomicReference<>();
    return Retry.untilStopped(
            stop,
            Retry.standardBackoff(),
            Retry.after(settings.giveUpAfter()),
            e -> e instanceof SourceReadException failed && failed.retryable(),
            (e, pause) -> {
              last.set((SourceReadException) e);
              LOG.warn("{}; retrying in {} ms", e.getMessage(), pause.toMillis());
            },
            read)
        .orElseThrow(
            () -> {
              if (last.get() == null || stop.isStopped()) {
                return new VerifyStopped(
                    "verify was stopped while reading the DynamoDB table: nothing is reported;"
                        + " run it again");
              }
              return last.get();
            });
  }

  private static Map<String, AttributeValue> keys(
      TableDescription table, Map<String, AttributeValue> item) {
    Map<String, AttributeValue> keys = new LinkedHashMap<>();
    for (String name : table.keyNames()) {
      AttributeValue value = item.get(name);
      if (value != null) {
        keys.put(name, value);
      }
    }
    return keys;
  }

  /** The key attributes of a row's key text, typed by the table's key schema. */
  static Map<String, AttributeValue> keysOf(TableDescription table, String keyText) {
    JsonNode pk;
    try {
      pk =
          io.cdcrelay.decode.DynamoDbJson.parse(
              keyText.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a key: " + keyText, e);
    }
    Map<String, AttributeValue> keys = new LinkedHashMap<>();
    for (KeySchema.KeyColumn column : table.keys()) {
      JsonNode value = pk.get(column.name());
      if (value == null) {
        continue;
      }
      keys.put(
          column.name(),
          switch (column.type()) {
            case S -> new AttributeValue.S(value.asText());
            case N -> new AttributeValue.N(new BigDecimal(value.decimalValue().toPlainString()));
            case B -> new AttributeValue.B(value.asText());
          });
    }
    return keys;
  }
}
