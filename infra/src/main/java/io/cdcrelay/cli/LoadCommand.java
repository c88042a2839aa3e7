package io.cdcrelay.cli;

import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.dynamodbstreams.DynamoDbStreamReader;
import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.file.FileRelay;
import io.cdcrelay.file.FileSource;
import io.cdcrelay.kinesis.KinesisClients;
import io.cdcrelay.kinesis.KinesisStream;
import io.cdcrelay.kinesis.ShardReadException;
import io.cdcrelay.kinesis.StreamRelay;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.BatchApplier;
import io.cdcrelay.local.DeadLetterSweeper;
import io.cdcrelay.local.JdbcCheckpoints;
import io.cdcrelay.local.OutageLimit;
import io.cdcrelay.local.RelayProgress;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.provision.AwsClients;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.StateSql;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TableOptions;
import io.cdcrelay.snapshot.ExportLoad;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.source.BadSourceUrlException;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.source.S3ExportUrl;
import io.cdcrelay.source.SourceType;
import io.cdcrelay.source.SourceUrl;
import io.cdcrelay.source.StartPosition;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code relay load SRC [TARGET]} and {@code relay load table SRC}: the local relay, the reference
 * tool's one-stop command. SRC is a {@code kinesis+dynamodb+cdc://} URL (polled continuously, or
 * drained with {@code once=true}) or an NDJSON file; exit code 0 when done or stopped by SIGINT or
 * SIGTERM, 1 when the relay failed, 2 on bad input; a full load's as {@link TableLoadRun} says.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    footer = LoadCommand.FOOTER,
    description =
        "Relays a Kinesis stream of DynamoDB changes, a table's DynamoDB stream or an NDJSON"
            + " dump of changes, or loads a table's existing items (dynamodb://) or its export to"
            + " S3 (s3://), into the target table: 'load SRC [TARGET]' or 'load table SRC'.",
    subcommands = {LoadCommand.TableCommand.class})
final class LoadCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(LoadCommand.class);

  static final String FOOTER =
      "%nStream source URL options: batch-size (100), create (false) and create-shards (1)"
          + " (Kinesis only), region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1), start (earliest|latest|seqno-at|seqno-after), seqno, idle-sleep (0.5),"
          + " buffer-time (0.5), once (false), batches-in-flight (2).%nCheckpoints: \"<state schema>\".\"cdc_relay_shards\""
          + " in the target database.%nA dynamodb://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE"
          + " source loads the table's existing items (options: region, batch-size (100),"
          + " consistent-read (false), segments (1), rcu); its cursors are kept in"
          + " \"<state schema>\".\"cdc_relay_snapshots\".%nAn"
          + " s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ source loads the table from its export to"
          + " S3 (options: region, endpoint, table, key, batch-size (500), parallel (4)).%nWith"
          + " --snapshot, a stream source is relayed while its table is loaded beside it, by a Scan"
          + " (a dynamodb:// URL) or from an export to S3 (an s3:// folder, which must be younger"
          + " than the stream's retention less an hour): the handover.%nExit codes: 0 done or"
          + " stopped by SIGINT/SIGTERM (a dynamodb:// or s3:// load stopped early: 130), 1 the"
          + " relay"
          + " failed, 2 bad input, 3 a dynamodb:// or s3:// load done but for items it set aside as"
          + " dead letters.";

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SRC",
      description =
          "kinesis+dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/STREAM?OPTIONS,"
              + " dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS (the table's"
              + " DynamoDB stream), an NDJSON file or file:// URL, dynamodb://…/TABLE (a full"
              + " load of the table), or s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ (a full load"
              + " from the table's export to S3)")
  String source;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TARGET",
      description = "Target database URL (as --target)")
  String targetUrl;

  @Mixin LoadOptions options;

  private final Map<String, String> processEnvironment;

  LoadCommand() {
    this(ProcessEnvironment.get());
  }

  LoadCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    return new LocalRun(options, processEnvironment).run(source, targetUrl);
  }

  /**
   * For a source that names no existing file and has neither a scheme nor a directory, what it
   * probably was: a mistyped subcommand ({@code load tabel …}) or a URL without its scheme.
   */
  static String notAFile(String source) {
    String word = source.trim();
    if (word.contains("/") || word.contains(":") || Files.exists(Path.of(word))) {
      return "";
    }
    return " '"
        + word
        + "' is neither a URL (kinesis+dynamodb+cdc://, dynamodb+cdc://, dynamodb://, s3://) nor an"
        + " existing file"
        + (io.cdcrelay.text.NearestName.distance(word.toLowerCase(Locale.ROOT), "table") <= 2
            ? "; did you mean 'load table SRC'?"
            : ".");
  }

  /** The schemes a load takes beside the streams', for a source whose scheme none is. */
  private static final List<String> LOAD_SCHEMES =
      List.of("kinesis+dynamodb+cdc", "dynamodb+cdc", "dynamodb", "s3", "file");

  /**
   * For a source of a scheme the load does not take: the loads of a table and of a file it could
   * have meant, and the scheme it was probably meant to be ({@code dynamodbb} → {@code dynamodb}).
   */
  static String otherSources(String source) {
    int colon = source.indexOf("://");
    if (colon < 0 || LOAD_SCHEMES.contains(source.substring(0, colon).toLowerCase(Locale.ROOT))) {
      return "";
    }
    String scheme = source.substring(0, colon).toLowerCase(Locale.ROOT);
    String closest = null;
    int best = 3;
    for (String known : LOAD_SCHEMES) {
      int distance = io.cdcrelay.text.NearestName.distance(scheme, known);
      if (distance < best) {
        best = distance;
        closest = known;
      }
    }
    return "; a load also takes dynamodb://HOST/TABLE (a table's items),"
        + " s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ (its export) and a file"
        + (closest == null ? "" : "; did you mean " + closest + "://?");
  }

  /** {@code load table SRC}: the reference tool's original spelling. */
  @Command(
      name = "table",
      mixinStandardHelpOptions = true,
      footer = FOOTER,
      description =
          "The reference tool's spelling of 'load SRC': relays a Kinesis stream of DynamoDB"
              + " changes, a table's DynamoDB stream or an NDJSON dump of changes, or loads a"
              + " table's existing items (dynamodb://) or its export to S3 (s3://), into the"
              + " target table; with --snapshot, a stream while its table is loaded beside it.")
  static final class TableCommand implements Callable<Integer> {

    @Parameters(
        index = "0",
        paramLabel = "SRC",
        description =
            "kinesis+dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/STREAM?OPTIONS,"
                + " dynamodb+cdc://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS, an NDJSON"
                + " file or file:// URL, dynamodb://…/TABLE (a full load), or"
                + " s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ (a full load from an export)")
    String source;

    // Not in the reference tool's 'load table', which takes the target from its environment or
    // --cluster-url only; taken here too, so that mixing the two spellings just works.
    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "TARGET",
        description = "Target database URL (as --target; as in 'load SRC TARGET')")
    String targetUrl;

    @Mixin LoadOptions options;

    private final Map<String, String> processEnvironment;

    TableCommand() {
      this(ProcessEnvironment.get());
    }

    TableCommand(Map<String, String> processEnvironment) {
      this.processEnvironment = processEnvironment;
    }

    @Override
    public Integer call() throws Exception {
      return new LocalRun(options, processEnvironment).run(source, targetUrl);
    }
  }

  /** The options of both spellings. */
  static final class LoadOptions {
    @Mixin TargetOptions target;

    @Option(
        names = {"--cluster-url", "--cratedb-sqlalchemy-url"},
        paramLabel = "URL",
        description = "The reference tool's names of --target")
    String clusterUrl;

    @Mixin TableLoadOptions tableLoad;

    @Mixin ReferenceOptions reference;
  }

  /** One run of the local relay: validate everything, then relay. */
  static final class LocalRun {
    private final LoadOptions options;
    private final Map<String, String> processEnvironment;
    private final PrintStream err = System.err;

    LocalRun(LoadOptions options, Map<String, String> processEnvironment) {
      this.options = options;
      this.processEnvironment = processEnvironment;
    }

    int run(String source, String positionalTarget) throws Exception {
      // Everything is validated before anything is created or consumed.
      if (source == null || source.isBlank()) {
        err.println(
            "No source: give a stream (kinesis+dynamodb+cdc://HOST/STREAM,"
                + " dynamodb+cdc://HOST/TABLE), a table to load (dynamodb://HOST/TABLE, an export's"
                + " s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/) or an NDJSON file, as in"
                + " 'load table kinesis+dynamodb+cdc://aws/STREAM?region=eu-central-1'.");
        return 2;
      }
      SourceUrl stream = null;
      FileSource file = null;
      DynamoDbTableUrl table = null;
      S3ExportUrl export = null;
      try {
        if (DynamoDbTableUrl.isTableUrl(source)) {
          table = DynamoDbTableUrl.parse(source);
        } else if (S3ExportUrl.isExportUrl(source)) {
          export = S3ExportUrl.parse(source);
        } else if (FileSource.isFile(source)) {
          file = FileSource.parse(source);
        } else {
          // The reference tool's way to replay a dump: a stream URL whose path is a file.
          file =
              source.trim().startsWith(SourceUrl.SCHEME + "://")
                  ? FileSource.ofStreamUrl(source).orElse(null)
                  : null;
          if (file == null) {
            stream = SourceUrl.parse(source);
          }
        }
      } catch (BadSourceUrlException e) {
        err.println("Bad source URL: " + e.getMessage() + otherSources(source));
        return 2;
      }
      // A URL mistyped (quotes kept, one '/' after its scheme) is read as a file's path: its
      // keys are not printed.
      String shown = file == null ? "" : Redaction.mistypedUrl(file.path().toString());
      if (file != null && !Files.isReadable(file.path())) {
        err.println("Cannot read the source file " + shown + "." + notAFile(source));
        return 2;
      }
      if (file != null && Files.isDirectory(file.path())) {
        err.println("The source " + shown + " is a directory: name one file in it.");
        return 2;
      }
      List<String> tableLoadOnly = options.tableLoad.tableLoadOnly(stream != null || file != null);
      if (table == null
          && export == null
          && options.tableLoad.snapshot == null
          && !tableLoadOnly.isEmpty()) {
        err.println(
            String.join(", ", tableLoadOnly)
                + (tableLoadOnly.size() == 1 ? " goes" : " go")
                + " with a load of a table (a dynamodb:// or s3:// source, or --snapshot beside a"
                + " stream), not with this source."
                + (tableLoadOnly.contains("--give-up-after")
                    ? " --give-up-after goes with a kinesis+dynamodb+cdc:// or dynamodb+cdc://"
                        + " source too."
                    : ""));
        return 2;
      }
      if (options.tableLoad.tableOptions != null) {
        try {
          TableOptions.parse("--table-options", options.tableLoad.tableOptions);
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
        if (options.target.embedded()) {
          err.println(
              "Bad configuration: "
                  + TableOptions.onPostgreSql(options.tableLoad.tableOptions.trim())
                  + " (--target embedded)");
          return 2;
        }
      }
      // The reference tool refuses a TARGET_URL beside another --cluster-url; so does the relay,
      // for --target too: none of them may silently win over another.
      String[][] given = {
        {"TARGET", positionalTarget},
        {"--cluster-url", options.clusterUrl},
        {"--target", options.target.target}
      };
      String[] first = null;
      for (String[] one : given) {
        if (one[1] == null || one[1].isBlank()) {
          continue;
        }
        if (first == null) {
          first = one;
        } else if (!FunctionConfig.sameTarget(first[1], one[1])) {
          err.println(
              "Two different targets given, "
                  + first[0]
                  + " and "
                  + one[0]
                  + ": use either TARGET, --cluster-url or --target.");
          return 2;
        }
      }
      if (first != null) {
        options.target.target = first[1];
      }
      Optional<String> refused =
          options.reference.refusal(
              options.target.isConfigured(processEnvironment), processEnvironment);
      if (refused.isPresent()) {
        err.println(refused.get());
        return 2;
      }
      if (!options.target.isConfigured(processEnvironment)) {
        err.println(
            "No target database: set CRATEDB_SQLALCHEMY_URL (crate://USER@HOST:4200/SCHEMA/TABLE),"
                + " pass it as TARGET or --target URL, or try it locally with --target embedded.");
        return 2;
      }
      try {
        options.target.table = options.reference.table(options.target.table);
      } catch (IllegalArgumentException e) {
        err.println("Bad configuration: " + e.getMessage());
        return 2;
      }
      try {
        options.reference.check(
            FunctionConfig.fromEnvironment(environment(null)).settings().routes());
      } catch (IllegalArgumentException e) {
        // The embedded database's URL is known once it runs: checked then.
        if (!options.target.embedded()) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
      }
      // A stream relay gives up on a failing target only when asked to, or when run as a job.
      Optional<Duration> streamGiveUp = Optional.empty();
      if (stream != null || file != null) {
        try {
          // A file is read to its end: a job, as a stream relay with once=true.
          streamGiveUp = options.tableLoad.streamGiveUpAfter(stream == null || stream.once());
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
      }
      SnapshotSettings snapshot = null;
      if (table != null) {
        try {
          snapshot = options.tableLoad.settings(table, processEnvironment);
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
      }
      ExportLoad.Settings exportLoad = null;
      if (export != null) {
        try {
          exportLoad = options.tableLoad.settings(export, processEnvironment);
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
      }
      // --snapshot: a Scan of the table, or an export of it to S3.
      SnapshotSettings scanHandover = null;
      ExportLoad.Settings exportHandover = null;
      if (options.tableLoad.snapshot != null) {
        if (stream == null) {
          err.println(
              "--snapshot goes with a kinesis+dynamodb+cdc:// or dynamodb+cdc:// source: the"
                  + " table is loaded while its stream is relayed.");
          return 2;
        }
        if (stream.start() == StartPosition.LATEST) {
          err.println(
              "--snapshot needs the stream read from before the snapshot begins: start=latest"
                  + " would skip the changes made before the relay reaches the stream's end; use"
                  + " start=earliest.");
          return 2;
        }
        // A sequence number may lie past the snapshot's start: what it skips, no one would know.
        if (stream.start().needsSequenceNumber()) {
          err.println(
              "--snapshot needs the stream read from before the snapshot begins: start="
                  + stream.start().option()
                  + " may point past the snapshot's start and skip the changes made before it;"
                  + " use start=earliest (the default), which the relay's checkpoints take over"
                  + " from where it has them.");
          return 2;
        }
        try {
          if (S3ExportUrl.isExportUrl(options.tableLoad.snapshot)) {
            exportHandover =
                options.tableLoad.settings(
                    S3ExportUrl.parse(options.tableLoad.snapshot), processEnvironment);
          } else {
            scanHandover =
                options.tableLoad.settings(
                    DynamoDbTableUrl.parse(options.tableLoad.snapshot), processEnvironment);
          }
        } catch (BadSourceUrlException e) {
          err.println(
              "Bad --snapshot URL: "
                  + e.getMessage()
                  + (DynamoDbTableUrl.isTableUrl(options.tableLoad.snapshot)
                          || S3ExportUrl.isExportUrl(options.tableLoad.snapshot)
                      ? ""
                      : " (--snapshot takes dynamodb://…/TABLE or an s3://…/AWSDynamoDB/EXPORT_ID/"
                          + " folder)"));
          return 2;
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
      }
      EmbeddedTarget embedded =
          options.target.embedded() ? EmbeddedTarget.start(options.target.embeddedDirectory) : null;
      StopSignal stop = new StopSignal();
      try (AutoCloseable signals = stop.onSignals()) {
        FunctionConfig config =
            FunctionConfig.fromEnvironment(environment(embedded == null ? null : embedded.url()));
        try {
          options.reference.check(config.settings().routes());
        } catch (IllegalArgumentException e) {
          err.println("Bad configuration: " + e.getMessage());
          return 2;
        }
        Clock clock = Clock.systemUTC();
        // One password source for all shard workers: a secret is fetched once and cached.
        Supplier<String> password = config.passwordSource(clock);
        Relay.Shared shared = Relay.sharedState();
        Supplier<Relay> relays =
            () -> new Relay(config.openTarget(password, clock), config.settings(), clock, shared);
        // A full load gives up on an unreachable database as on a failing write; a relay of a
        // stream as it gives up on one later (with once=true or --give-up-after), else waits.
        Optional<Duration> giveUpAfter =
            snapshot != null
                ? Optional.of(snapshot.giveUpAfter())
                : exportLoad != null ? Optional.of(exportLoad.giveUpAfter()) : streamGiveUp;
        OutageLimit firstConnection = OutageLimit.of(giveUpAfter, stop);
        String stateSchema = probe(config, password, clock, firstConnection);
        if (firstConnection.gaveUp().isPresent()) {
          err.println(firstConnection.gaveUp().get().message());
          return 1;
        }
        if (stateSchema == null) {
          // Stopped while waiting for the database: a load stopped early, nothing loaded; a stream
          // relay's stop is its normal end.
          if (snapshot != null || exportLoad != null) {
            err.println("Stopped while waiting for the target database: nothing was loaded.");
            return TableLoadRun.STOPPED;
          }
          return 0;
        }
        if (exportLoad != null) {
          return new ExportLoadRun(exportLoad, config, password, stateSchema, relays, stop, clock)
              .run(err);
        }
        if (snapshot != null) {
          return new TableLoadRun(snapshot, config, password, stateSchema, relays, stop, clock)
              .run(err);
        }
        // System.console() is there when standard output is a terminal: the live line goes there.
        try (RelayProgress progress =
                new RelayProgress(System.console() != null ? System.out : null);
            DeadLetterSweeper sweeper = DeadLetterSweeper.start(config, password, clock)) {
          progress.start();
          int code =
              relay(
                  file,
                  stream,
                  scanHandover,
                  exportHandover,
                  new Relaying(
                      config, stateSchema, password, relays, progress, stop, clock, streamGiveUp));
          if (code == 0 && !stop.isStopped()) {
            progress.completed();
          }
          return code;
        }
      } catch (BadTargetException e) {
        err.println("Bad configuration: " + e.getMessage());
        return 2;
      } finally {
        if (embedded != null) {
          embedded.close();
        }
      }
    }

    /**
     * What relaying a source needs once the target is known: the configuration, the state schema,
     * one password source and relay factory for every worker, the progress, the stop signal, the
     * clock, and how long a failing target is retried ({@code --give-up-after}; empty: for ever).
     */
    private record Relaying(
        FunctionConfig config,
        String stateSchema,
        Supplier<String> password,
        Supplier<Relay> relays,
        RelayProgress progress,
        StopSignal stop,
        Clock clock,
        Optional<Duration> giveUpAfter) {}

    /** Relays the source the run was given: a file, a stream, or a stream with a handover. */
    private int relay(
        FileSource file,
        SourceUrl stream,
        SnapshotSettings scanHandover,
        ExportLoad.Settings exportHandover,
        Relaying run)
        throws Exception {
      if (file != null) {
        OutageLimit outages = OutageLimit.of(run.giveUpAfter(), run.stop());
        try (Relay relay = run.relays().get()) {
          BatchApplier applier =
              new BatchApplier(
                  relay,
                  run.progress(),
                  run.stop(),
                  new DynamoDbChangeDecoder()::decode,
                  // Its batches in the status table, as a stream's: relay status shows the file.
                  io.cdcrelay.file.NdjsonRecords.fileShard(file.path()),
                  outages);
          new FileRelay(file, applier, run.stop()).run();
        } catch (FileRelay.UnreadableException e) {
          err.println(e.getMessage());
          return 1;
        }
        if (outages.gaveUp().isPresent()) {
          err.println(outages.gaveUp().get().message());
          return 1;
        }
        return 0;
      }
      if (scanHandover != null || exportHandover != null) {
        HandoverRun handover =
            new HandoverRun(
                run.config(),
                run.password(),
                run.stateSchema(),
                run.relays(),
                run.stop(),
                run.clock());
        try (AwsClients aws = new AwsClients(stream)) {
          return handover.run(
              err,
              stream,
              StreamFacts.of(stream, aws::kinesis, aws::dynamoDb),
              () ->
                  scanHandover != null
                      ? handover.scan(scanHandover)
                      : handover.export(exportHandover),
              checked -> relayStream(stream, run, checked));
        }
      }
      return relayStream(stream, run, () -> {});
    }

    /** Relays the stream; {@code checked} runs once nothing can refuse it any more. */
    private int relayStream(SourceUrl source, Relaying run, Runnable checked)
        throws InterruptedException {
      FunctionConfig config = run.config();
      String stateSchema = run.stateSchema();
      Clock clock = run.clock();
      if (!source.supersededOptions().isEmpty()) {
        LOG.info(
            "options {} are superseded: this relay checkpoints every shard in {} after each"
                + " applied batch",
            String.join(", ", source.supersededOptions().keySet()),
            new TableName(stateSchema, StateSql.SHARDS));
      }
      LOG.info("relaying {} into {}", source, config.settings().routes());
      List<String> legacySchemas =
          config.target().schema() == null ? List.of() : List.of(config.target().schema());
      try (AwsClients aws = new AwsClients(source);
          KinesisClient kinesisClient =
              source.type() == SourceType.KINESIS_DATA_STREAM
                  ? KinesisClients.from(source)
                  : null) {
        // A DynamoDB stream reader takes the table's stream of the moment: after a replaced one,
        // its successor.
        StreamRelay.relayEach(
            () ->
                source.type() == SourceType.DYNAMODB_STREAM
                    ? new DynamoDbStreamReader(
                        aws.dynamoDb(), aws.dynamoDbStreams(), source.stream())
                    : new KinesisStream(kinesisClient, source.stream()),
            reader -> {
              try (JdbcCheckpoints checkpoints =
                  new JdbcCheckpoints(
                      config.target(),
                      run.password(),
                      stateSchema,
                      legacySchemas,
                      reader::arn,
                      source.stream(),
                      clock,
                      config.socketTimeoutSeconds())) {
                new StreamRelay(
                        source,
                        reader,
                        run.relays(),
                        checkpoints,
                        config.settings().routes().destination(),
                        run.progress(),
                        run.stop(),
                        OutageLimit.of(run.giveUpAfter(), run.stop()))
                    .whenChecked(checked)
                    .run();
              }
            });
        return 0;
      } catch (StreamRelay.GaveUpException e) {
        err.println(e.getMessage());
        return 1;
      } catch (KinesisStream.StreamMissingException
          | DynamoDbStreamReader.StreamUnusableException
          | StreamRelay.UnknownSequenceNumberException
          | StreamRelay.OtherTargetException
          | io.cdcrelay.local.RelayLease.HeldException e) {
        err.println(
            e.getMessage()
                + (e instanceof KinesisStream.StreamMissingException
                        || e instanceof DynamoDbStreamReader.StreamUnusableException
                    ? " (" + source.whereLookedFor() + ")"
                    : "")
                + ".");
        return 1;
      } catch (ShardReadException | SdkException e) {
        err.println(
            (source.type() == SourceType.DYNAMODB_STREAM ? "DynamoDB " : "Kinesis ")
                + source.where()
                + " failed: "
                + io.cdcrelay.source.AwsErrors.describe(e));
        return 1;
      }
    }

    /**
     * Waits for the target database (with the password the relay will use) and returns the state
     * schema; {@code null} when stopped first, or when {@code outages} gave up on it (it then says
     * why).
     */
    private String probe(
        FunctionConfig config, Supplier<String> password, Clock clock, OutageLimit outages) {
      return outages
          .retry(
              "connecting at start",
              () -> {
                try (JdbcTarget probe = config.openTarget(password, clock)) {
                  return probe.state().schema();
                }
              })
          .orElse(null);
    }

    /**
     * The environment the relay core reads: the target options over the process environment, and
     * {@code --table-options} as {@value TableOptions#VARIABLE}, which shapes every table the relay
     * creates (a stream's too), named as typed if it is no table clauses.
     */
    private Map<String, String> environment(String embeddedUrl) {
      Map<String, String> env = options.target.environment(processEnvironment, embeddedUrl);
      String clauses = options.tableLoad.tableOptions;
      if (clauses != null) {
        TableOptions.parse("--table-options", clauses);
        env.put(TableOptions.VARIABLE, clauses);
      }
      return env;
    }
  }
}
