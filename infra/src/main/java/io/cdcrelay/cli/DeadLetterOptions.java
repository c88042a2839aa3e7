package io.cdcrelay.cli;

import io.cdcrelay.deadletter.DeadLetterRetention;
import io.cdcrelay.lambda.FunctionConfig;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.sink.BadTargetException;
import io.cdcrelay.sink.DeadLetterFilter;
import io.cdcrelay.sink.DeadLetterStore;
import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the {@code relay dead-letters} commands share: the target, the filter ({@code --stage},
 * {@code --since}, {@code --table}), and a session that applies the dead-letter retention first
 * (but for {@code list}, which only reads).
 */
final class DeadLetterOptions {

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "As --target")
  String positionalTarget;

  @Mixin ConnectionOptions target;

  @Option(
      names = "--stage",
      split = ",",
      paramLabel = "STAGE",
      description = "Only these stages: decode, route, plan, too-old, write (repeat or a,b)")
  List<String> stages;

  @Option(
      names = "--since",
      paramLabel = "DURATION|TIME",
      description = "Only those that failed within 36h, 7d… or since a time (2026-12-01T10:00:00Z)")
  String since;

  @Option(
      names = "--table",
      paramLabel = "[SCHEMA.]TABLE|-",
      description = "Only those of this target table ('-': of none, the state schema's)")
  String table;

  /** An open target with its dead letters, the filter, and the settings they came from. */
  record Session(
      FunctionConfig config,
      DeadLetterFilter filter,
      JdbcTarget writer,
      DeadLetterStore store,
      Supplier<String> password,
      Clock clock) {}

  /** What a command does in a session; returns its exit code. */
  interface Work {
    int run(Session session);
  }

  /**
   * As {@link #run(Map, PrintWriter, PrintWriter, boolean, Work, NoDatabase)}, an embedded folder
   * without a database said on standard output.
   */
  int run(
      Map<String, String> processEnvironment,
      PrintWriter out,
      PrintWriter err,
      boolean readOnly,
      Work work)
      throws IOException {
    return run(
        processEnvironment,
        out,
        err,
        readOnly,
        work,
        sentence -> {
          out.println(sentence);
          out.flush();
        });
  }

  /** What a command says when its embedded folder holds no database (the sentence given). */
  interface NoDatabase {
    void say(String sentence);
  }

  /**
   * Validates the options, opens the target, removes the dead letters past the retention unless
   * {@code readOnly}, and runs the work: exit 2 for bad input, 1 when the database fails. An
   * embedded folder without a database holds no dead letters (nothing was relayed there yet): that
   * is said through {@code noDatabase}, exit 0, as {@code status} does, and nothing is created.
   *
   * @param readOnly whether the work only reads, as nothing before it then writes either: the
   *     retention is not applied (it is counted by the work, if at all)
   */
  int run(
      Map<String, String> processEnvironment,
      PrintWriter out,
      PrintWriter err,
      boolean readOnly,
      Work work,
      NoDatabase noDatabase)
      throws IOException {
    if (!target.configured(positionalTarget, processEnvironment, err)) {
      return 2;
    }
    if (target.embedded() && !EmbeddedTarget.holdsDatabase(target.embeddedDirectory)) {
      // Bad filters are bad input with a database or without one.
      try {
        filter(Instant.now());
      } catch (IllegalArgumentException e) {
        err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
        return 2;
      }
      // No dead letters to find, and starting the server would create a database.
      noDatabase.say(EmbeddedTarget.nothingRelayedYet(target.embeddedDirectory, "dead-letters"));
      return 0;
    }
    Clock clock = Clock.systemUTC();
    EmbeddedTarget embedded =
        target.embedded() ? EmbeddedTarget.start(target.embeddedDirectory) : null;
    try {
      FunctionConfig config;
      DeadLetterFilter filter;
      try {
        // The embedded database's dead letters are of the tables a load wrote, not of "demo".
        target.demoTableWhenEmbedded = false;
        config =
            FunctionConfig.fromEnvironment(
                target.environment(processEnvironment, embedded == null ? null : embedded.url()));
        filter = scoped(filter(clock.instant()), config.settings().routes());
      } catch (IllegalArgumentException e) {
        err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
        return 2;
      }
      Supplier<String> password = config.passwordSource(clock);
      try (JdbcTarget writer = config.openTarget(password, clock);
          DeadLetterStore store = config.openDeadLetters(writer, password)) {
        // Only the deployment's own retention, given explicitly: the default could be shorter
        // than the function's, and the letters it would remove are the only copies left.
        int removed = 0;
        if (!readOnly && retention(processEnvironment, config).isPresent()) {
          Map<TableName, Integer> expired =
              new DeadLetterRetention(config.deadLetterRetention(), clock).apply(store);
          removed = expired.values().stream().mapToInt(Integer::intValue).sum();
        }
        if (removed > 0) {
          err.println(
              removed
                  + " dead letters older than the retention ("
                  + FunctionConfig.DEAD_LETTER_RETENTION
                  + "="
                  + processEnvironment.get(FunctionConfig.DEAD_LETTER_RETENTION).trim()
                  + ") removed");
        }
        return work.run(new Session(config, filter, writer, store, password, clock));
      } catch (TargetUnavailableException e) {
        err.println("The target database failed: " + Redaction.urlsIn(e.getMessage()));
        return 1;
      } catch (BadTargetException e) {
        err.println("Bad configuration: " + Redaction.urlsIn(e.getMessage()));
        return 2;
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * The deployment's dead-letter retention, when {@code CRATEDB_DEAD_LETTER_RETENTION} gives it;
   * empty otherwise, as the default could be shorter than the function's.
   */
  static Optional<Duration> retention(
      Map<String, String> processEnvironment, FunctionConfig config) {
    String retention = processEnvironment.get(FunctionConfig.DEAD_LETTER_RETENTION);
    return retention == null || retention.isBlank()
        ? Optional.empty()
        : Optional.of(config.deadLetterRetention());
  }

  /**
   * The filter within the one table a target URL names: replayed, the letters of other tables would
   * be written into it, and listed or discarded they are not the URL's. A {@code --table} of
   * another table is refused.
   */
  static DeadLetterFilter scoped(DeadLetterFilter filter, TableRoutes routes) {
    String only = routes.singleTable();
    if (only == null) {
      return filter;
    }
    String named = routes.schema() == null ? only : routes.schema() + "." + only;
    Optional<String> wanted = filter.table();
    // Without a schema, --table means the target's schema, the URL's; with one, the URL's own
    // (any schema when the URL names none: the default schema is not known here).
    if (wanted.isPresent()
        && !wanted.get().equals(DeadLetterFilter.NO_TABLE)
        && !wanted.get().equals(named)
        && !wanted.get().equals(only)
        && !(routes.schema() == null && wanted.get().endsWith("." + only))) {
      throw new IllegalArgumentException(
          "--table "
              + wanted.get()
              + " is not the table the target URL names ("
              + named
              + "), into which a replay would write its dead letters: give a target URL naming"
              + " that table, or its schema only");
    }
    return filter.within(named);
  }

  /** The filter the options describe, {@code --since} durations counted back from {@code now}. */
  DeadLetterFilter filter(Instant now) {
    Optional<Instant> from = Optional.empty();
    if (since != null) {
      from = Optional.of(parseSince(since, now));
    }
    Optional<String> tableFilter = Optional.ofNullable(table);
    if (table != null && !table.equals(DeadLetterFilter.NO_TABLE)) {
      int dot = table.indexOf('.');
      try {
        new TableName(dot < 0 ? "probe" : table.substring(0, dot), table.substring(dot + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--table " + table + ": " + e.getMessage(), e);
      }
    }
    return new DeadLetterFilter(stages == null ? Set.of() : Set.copyOf(stages), from, tableFilter);
  }

  private static Instant parseSince(String text, Instant now) {
    // An ISO-8601 duration (PT36H) has a T too, but begins with P.
    if (text.contains("T") && !text.trim().toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--since " + text + " is not a time such as 2026-12-01T10:00:00Z");
      }
    }
    try {
      Duration back = FunctionConfig.parseDuration("--since", text);
      if (back.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return now.minus(back);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--since "
              + text
              + " is neither a duration such as 36h or 7d nor a time such as"
              + " 2026-12-01T10:00:00Z");
    }
  }
}
