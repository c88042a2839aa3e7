package io.cdcrelay.cli;

import io.cdcrelay.env.ProcessEnvironment;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.local.StopSignal;
import io.cdcrelay.relay.Relay;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.snapshot.DynamoDbTableSource;
import io.cdcrelay.snapshot.SnapshotSettings;
import io.cdcrelay.snapshot.SourceReadException;
import io.cdcrelay.source.BadSourceUrlException;
import io.cdcrelay.source.DynamoDbTableUrl;
import io.cdcrelay.verify.Verifier;
import io.cdcrelay.verify.VerifyRefused;
import io.cdcrelay.verify.VerifyReport;
import io.cdcrelay.verify.VerifySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay verify SRC [TARGET]}: compares a DynamoDB table with its target table key by key;
 * exit code 0 when they are equal (after {@code --repair}: when every difference was fixed), 1 when
 * they differ or verify failed (a database or DynamoDB endpoint it cannot reach too), 2 on bad
 * input (a target table that does not exist, is not of the relay's layout or is keyed otherwise
 * than the DynamoDB table: refused before the Scan; {@code --target embedded} with no database in
 * {@code --embedded-dir}), 130 when stopped by a signal before the end (then it reports nothing).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Compares a DynamoDB table (dynamodb://…) with its target table, key by key, and prints"
            + " counts of equal, missing, extra and different items; --repair rewrites each"
            + " difference from a consistent read.",
    footer =
        "%nSource URL options: region, segments (parallel Scan), batch-size, rcu,"
            + " consistent-read.%n--target embedded: the database relay load … --target embedded"
            + " left in --embedded-dir, table demo unless --table names another, as the load"
            + " routes.%nExit codes: 0 equal, 1 different or failed, 2 bad input (a"
            + " target table missing or keyed otherwise: refused before the Scan), 130 stopped"
            + " (SIGINT/SIGTERM) before the end: nothing is reported.")
final class VerifyCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "SRC",
      description = "dynamodb://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/TABLE?OPTIONS")
  String source;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TARGET",
      description = "Target database URL (as --target)")
  String targetUrl;

  @Mixin TargetOptions target;

  @Option(
      names = "--repair",
      description =
          "Rewrite each difference from a consistent read (BatchGetItem, 100 keys a request)")
  boolean repair;

  @Option(
      names = "--show",
      paramLabel = "N",
      defaultValue = "10",
      description = "How many keys of each kind of difference to list (default ${DEFAULT-VALUE})")
  int show;

  @Option(
      names = "--rechecks",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "How often a difference is read again, 1 s, 2 s, … apart, before it is reported"
              + " (default ${DEFAULT-VALUE})")
  int rechecks;

  @Option(
      names = "--recheck-limit",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "The most differences read again, listed and repaired; beyond them differences are"
              + " counted as the scan found them (default ${DEFAULT-VALUE})")
  int recheckLimit;

  private final Map<String, String> processEnvironment;
  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  VerifyCommand() {
    this(ProcessEnvironment.get());
  }

  VerifyCommand(Map<String, String> processEnvironment) {
    this.processEnvironment = processEnvironment;
  }

  @Override
  public Integer call() throws Exception {
    VerifySettings settings;
    try {
      DynamoDbTableUrl url = DynamoDbTableUrl.parse(source);
      if (targetUrl != null) {
        if (target.target != null && !target.target.equals(targetUrl)) {
          err.println("Two different targets given: use either TARGET or --target.");
          return 2;
        }
        target.target = targetUrl;
      }
      if (target.embedded() && !EmbeddedTarget.holdsDatabase(target.embeddedDirectory)) {
        // Nothing to compare with, and starting the server would create a database.
        err.println(
            "No embedded database in "
                + target.embeddedDirectory.toAbsolutePath().normalize()
                + ": relay load dynamodb://…/TABLE --target embedded creates it there (run verify"
                + " from the same folder, or pass the load's --embedded-dir).");
        return 2;
      }
      if (!target.isConfigured(processEnvironment)) {
        err.println(
            "No target database: pass it as TARGET or --target URL, or set"
                + " CRATEDB_SQLALCHEMY_URL.");
        return 2;
      }
      SnapshotSettings load = SnapshotSettings.of(url, false, null, null, processEnvironment);
      settings =
          new VerifySettings(
              url,
              repair,
              show,
              rechecks,
              load.clockSkew(),
              SnapshotSettings.DEFAULT_GIVE_UP_AFTER,
              recheckLimit);
    } catch (BadSourceUrlException e) {
      err.println("Bad source URL: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    }
    EmbeddedTarget embedded = null;
    if (target.embedded()) {
      try {
        embedded = EmbeddedTarget.start(target.embeddedDirectory);
      } catch (IOException e) {
        err.println(
            e instanceof EmbeddedTarget.NotStartedException
                ? e.getMessage()
                : "The embedded database in "
                    + target.embeddedDirectory.toAbsolutePath().normalize()
                    + " did not start: "
                    + e.getMessage());
        return 1;
      }
    }
    try {
      return verify(settings, embedded == null ? null : embedded.url());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * Verifies against the target the options name, the embedded database's at {@code embeddedUrl}
   * when it runs: into table {@code demo} unless a table is named, as {@code relay load} routes.
   */
  private int verify(VerifySettings settings, String embeddedUrl) throws Exception {
    FunctionConfig config;
    try {
      config = FunctionConfig.fromEnvironment(target.environment(processEnvironment, embeddedUrl));
    } catch (IllegalArgumentException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    }
    Clock clock = Clock.systemUTC();
    Supplier<String> password = config.passwordSource(clock);
    Relay.Shared shared = Relay.sharedState();
    Supplier<Relay> relays =
        () -> new Relay(config.openTarget(password, clock), config.settings(), clock, shared);
    StopSignal stop = new StopSignal();
    try (AutoCloseable signals = stop.onSignals();
        DynamoDbTableSource table = DynamoDbTableSource.from(settings.source())) {
      VerifyReport report =
          new Verifier(settings, config, password, table, relays, stop, clock).run();
      out.println(report.text());
      return report.isEqual() ? 0 : 1;
    } catch (BadTargetException e) {
      err.println("Bad configuration: " + e.getMessage());
      return 2;
    } catch (VerifyRefused e) {
      err.println("Not verified: " + e.getMessage() + ".");
      return 2;
    } catch (io.cdcrelay.verify.VerifyStopped e) {
      err.println(e.getMessage());
      return TableLoadRun.STOPPED;
    } catch (SourceReadException e) {
      err.println(e.getMessage());
      return 1;
    } catch (TargetUnavailableException e) {
      err.println("The target database failed: " + e.getMessage());
      return 1;
    }
  }
}
