package io.cdcrelay.lambda;

import io.cdcrelay.relay.RelaySettings;
import io.cdcrelay.route.DeleteMode;
import io.cdcrelay.route.TableRoutes;
import io.cdcrelay.route.TtlPolicy;
import io.cdcrelay.sink.TableName;
import io.cdcrelay.sink.TargetUrl;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Lambda function's settings, read from its environment and validated at start.
 *
 * <p>The target URL comes from {@code CRATEDB_SQLALCHEMY_URL} (the reference tool's variable),
 * {@code CRATEDB_CLUSTER_URL} (its newer releases) or {@code SINK_SQLALCHEMY_URL} (its Lambda
 * function); {@code CRATEDB_TABLE} or {@code SINK_TABLE} name the table when the URL does not;
 * {@code CRATEDB_PASSWORD_SECRET_ARN} names a Secrets Manager secret holding the password.
 *
 * @param target the target database, and its table if it names one
 * @param settings routing, delete mode, TTL policy, state schema and tombstone retention
 * @param passwordSecretArn the secret holding the password, if any
 * @param socketTimeoutSeconds how long a database call may take before the batch is retried
 * @param start the records to skip for {@code start=seqno-at/seqno-after}, if configured
 * @param deadLetterRetention how long a dead letter is kept after it (last) failed
 * @param partsInFlight how many parts of a large batch are applied at once
 * @param tableOptions CrateDB clauses for each target table the relay creates ({@code CLUSTERED
 *     INTO 12 SHARDS}), if any
 */
public record FunctionConfig(
    TargetUrl target,
    RelaySettings settings,
    Optional<String> passwordSecretArn,
    int socketTimeoutSeconds,
    Optional<StartFilter> start,
    Duration deadLetterRetention,
    int partsInFlight,
    Optional<String> tableOptions) {

  /** Environment variables that may hold the target URL, in order of precedence. */
  public static final List<String> URL_VARIABLES =
      List.of("CRATEDB_SQLALCHEMY_URL", "CRATEDB_CLUSTER_URL", "SINK_SQLALCHEMY_URL");

  /**
   * The key under which the CLI passes a target URL given on its command line (TARGET, {@code
   * --target}): a message about it names what the user typed, not a variable they never set. No
   * environment variable has this name (it has spaces), so none is ever taken for it.
   */
  public static final String COMMAND_LINE_URL = "TARGET (command line)";

  public static final String TABLE = "CRATEDB_TABLE";

  /** Environment variables that may name the target table, in order of precedence. */
  public static final List<String> TABLE_VARIABLES = List.of(TABLE, "SINK_TABLE");

  public static final String TABLES = "CRATEDB_TABLES";
  public static final String TABLE_MAP = "CRATEDB_TABLE_MAP";
  public static final String SOURCE_TABLE = "CRATEDB_SOURCE_TABLE";
  public static final String DELETES = "CRATEDB_DELETES";
  public static final String TTL_DELETES = "CRATEDB_TTL_DELETES";
  public static final String STATE_SCHEMA = "CRATEDB_STATE_SCHEMA";
  public static final String TOMBSTONE_RETENTION = "CRATEDB_TOMBSTONE_RETENTION";
  public static final String ACCEPT_TOO_OLD = "CRATEDB_ACCEPT_TOO_OLD";
  public static final String SECRET_ARN = "CRATEDB_PASSWORD_SECRET_ARN";
  public static final String SOCKET_TIMEOUT = "CRATEDB_SOCKET_TIMEOUT";
  public static final String START_SHARD_ID = "START_SHARD_ID";
  public static final String START_SEQUENCE_NUMBER = "START_SEQUENCE_NUMBER";
  public static final String START_MODE = "START_MODE";
  public static final String DEAD_LETTER_RETENTION = "CRATEDB_DEAD_LETTER_RETENTION";
  public static final String PARTS_IN_FLIGHT = "CRATEDB_PARTS_IN_FLIGHT";

  /** Records per part of a large batch, about (a batch up to this size is applied whole). */
  public static final int PART = 1000;

  /** How many parts of a large batch are applied at once unless {@link #PARTS_IN_FLIGHT} says. */
  public static final int DEFAULT_PARTS_IN_FLIGHT = 2;

  public FunctionConfig {
    if (partsInFlight < 1 || partsInFlight > 4) {
      throw new IllegalArgumentException(
          PARTS_IN_FLIGHT + "=" + partsInFlight + " is out of range: 1 to 4");
    }
    if (deadLetterRetention.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException(
          DEAD_LETTER_RETENTION + "=" + deadLetterRetention + " is shorter than one hour");
    }
    if (socketTimeoutSeconds < 1 || socketTimeoutSeconds > 900) {
      throw new IllegalArgumentException(
          SOCKET_TIMEOUT + "=" + socketTimeoutSeconds + " is out of range: 1 to 900 seconds");
    }
    passwordSecretArn.ifPresent(
        arn -> {
          if (!arn.startsWith("arn:") || !arn.contains(":secretsmanager:")) {
            throw new IllegalArgumentException(
                SECRET_ARN
                    + "="
                    + arn
                    + " is not a Secrets Manager secret ARN"
                    + " (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)");
          }
        });
  }

  /**
   * Where the database password comes from: the Secrets Manager secret, fetched on first use and
   * cached; else {@code null}, meaning the URL's. Share one among all connections of a process.
   */
  public java.util.function.Supplier<String> passwordSource(java.time.Clock clock) {
    return passwordSecretArn
        .<java.util.function.Supplier<String>>map(arn -> new SecretsManagerPassword(arn, clock))
        .orElse(() -> null);
  }

  /** A writer to the configured target, with its state in the configured state schema. */
  public io.cdcrelay.sink.JdbcTarget openTarget(
      java.util.function.Supplier<String> password, java.time.Clock clock) {
    return new io.cdcrelay.sink.JdbcTarget(
        target, password, clock, socketTimeoutSeconds, settings.stateSchema(), tableOptions);
  }

  /** A reader of the dead letters of the target {@code writer} writes to. */
  public io.cdcrelay.sink.DeadLetterStore openDeadLetters(
      io.cdcrelay.sink.JdbcTarget writer, java.util.function.Supplier<String> password) {
    return new io.cdcrelay.sink.DeadLetterStore(writer, target, password, socketTimeoutSeconds);
  }

  /**
   * Whether two URL variables name one target: the same text, or two spellings the relay reads
   * alike (the reference tool's {@code http://…:4200} and {@code crate://…:4200}, a default port
   * spelt out). A URL that does not parse is compared as text, so its own error is what is told.
   */
  public static boolean sameTarget(String a, String b) {
    if (a.trim().equals(b.trim())) {
      return true;
    }
    try {
      return TargetUrl.parse(a).equals(TargetUrl.parse(b));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Reads and validates the settings; the message of a failure says what to set. */
  public static FunctionConfig fromEnvironment(Map<String, String> env) {
    String url = null;
    String urlVariable = null;
    List<String> keys = new java.util.ArrayList<>(URL_VARIABLES);
    keys.add(0, COMMAND_LINE_URL);
    for (String variable : keys) {
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        continue;
      }
      if (url == null) {
        url = value;
        urlVariable = variable;
      } else if (!sameTarget(url, value)) {
        // A stale one left from an older release must not pick the database: neither is printed.
        throw new IllegalArgumentException(
            urlVariable
                + " and "
                + variable
                + " are both set, to different URLs: unset the one that is not the target");
      }
    }
    if (url == null) {
      throw new IllegalArgumentException(
          "no target database: set CRATEDB_SQLALCHEMY_URL, e.g."
              + " crate://crate:PASSWORD@HOST:4200/doc/TABLE?ssl=true");
    }
    TargetUrl target;
    try {
      target = TargetUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(urlVariable + ": " + e.getMessage(), e);
    }
    String table = namedTable(env);
    if (table != null && target.table() != null) {
      // The reference tool writes where its URL says; the variable only names a table for a URL
      // naming none. Both, differing, would otherwise send the rows elsewhere without a word.
      String named = table.trim();
      int dot = named.indexOf('.');
      boolean same =
          dot < 0
              ? TableName.unquote(named).equals(target.table())
              : TableName.unquote(named.substring(dot + 1)).equals(target.table())
                  && TableName.unquote(named.substring(0, dot)).equals(target.schema());
      if (!same) {
        throw new IllegalArgumentException(
            TABLE
                + "="
                + named
                + " names another table than the target URL's "
                + (target.schema() == null ? "" : target.schema() + ".")
                + target.table()
                + ": unset it, or give a URL naming the schema only");
      }
      table = null;
    }
    if (table != null) {
      int dot = table.indexOf('.');
      target =
          dot < 0
              ? target.withTable(target.schema(), TableName.unquote(table))
              : target.withTable(
                  TableName.unquote(table.substring(0, dot)),
                  TableName.unquote(table.substring(dot + 1)));
    }
    Optional<String> secret = Optional.ofNullable(firstNonBlank(env.get(SECRET_ARN), null));
    int timeout = 60;
    String timeoutText = env.get(SOCKET_TIMEOUT);
    if (timeoutText != null && !timeoutText.isBlank()) {
      try {
        timeout = Integer.parseInt(timeoutText.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SOCKET_TIMEOUT + "=" + timeoutText + " is not a number of seconds (1 to 900)");
      }
    }
    int parts = DEFAULT_PARTS_IN_FLIGHT;
    String partsText = firstNonBlank(env.get(PARTS_IN_FLIGHT), null);
    if (partsText != null) {
      try {
        parts = Integer.parseInt(partsText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            PARTS_IN_FLIGHT + "=" + partsText + " is not a whole number (1 to 4)");
      }
    }
    String retentionText = firstNonBlank(env.get(DEAD_LETTER_RETENTION), null);
    Duration deadLetterRetention =
        retentionText == null
            ? io.cdcrelay.deadletter.DeadLetterRetention.DEFAULT
            : atLeastAnHour(DEAD_LETTER_RETENTION, retentionText);
    return new FunctionConfig(
        target,
        settings(target, env),
        secret,
        timeout,
        startFilter(env),
        deadLetterRetention,
        parts,
        io.cdcrelay.sink.TableOptions.parse(
            io.cdcrelay.sink.TableOptions.VARIABLE,
            env.get(io.cdcrelay.sink.TableOptions.VARIABLE)));
  }

  /**
   * A retention of at least an hour; one shorter is refused naming the value as it was set ({@code
   * 30m}), not as Java prints a duration ({@code PT30M}).
   */
  private static Duration atLeastAnHour(String variable, String text) {
    Duration duration = parseDuration(variable, text);
    if (duration.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException(
          variable + "=" + text.trim() + " is shorter than one hour");
    }
    return duration;
  }

  private static RelaySettings settings(TargetUrl target, Map<String, String> env) {
    String stateSchema = firstNonBlank(env.get(STATE_SCHEMA), null);
    if (stateSchema != null) {
      try {
        new TableName(stateSchema, "probe");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(STATE_SCHEMA + ": " + e.getMessage(), e);
      }
    }
    if (target.table() != null) {
      validateTable(target.schema(), target.table());
    }
    Map<String, TableRoutes.QualifiedName> map =
        TableRoutes.parseMap(TABLE_MAP, firstNonBlank(env.get(TABLE_MAP), null));
    map.values().forEach(name -> validateTable(name.schema(), name.table()));
    TableRoutes routes =
        new TableRoutes(
            target.schema(),
            target.table(),
            Optional.ofNullable(firstNonBlank(env.get(SOURCE_TABLE), null)),
            map,
            TableRoutes.parseList(env.get(TABLES)));
    DeleteMode deletes = DeleteMode.parse(DELETES, firstNonBlank(env.get(DELETES), "hard"));
    TtlPolicy ttl = TtlPolicy.parse(TTL_DELETES, firstNonBlank(env.get(TTL_DELETES), "same"));
    String retentionText = firstNonBlank(env.get(TOMBSTONE_RETENTION), null);
    Duration retention =
        retentionText == null
            ? RelaySettings.DEFAULT_TOMBSTONE_RETENTION
            : atLeastAnHour(TOMBSTONE_RETENTION, retentionText);
    String tooOld = firstNonBlank(env.get(ACCEPT_TOO_OLD), null);
    boolean acceptTooOld = false;
    if (tooOld != null) {
      switch (tooOld.toLowerCase(Locale.ROOT)) {
        case "true" -> acceptTooOld = true;
        case "false" -> acceptTooOld = false;
        default ->
            throw new IllegalArgumentException(
                ACCEPT_TOO_OLD + "=" + tooOld + " is not one of true, false");
      }
    }
    return new RelaySettings(routes, deletes, ttl, stateSchema, retention, acceptTooOld);
  }

  private static void validateTable(String schema, String table) {
    try {
      new TableName(schema == null ? "doc" : schema, table);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "target table " + (schema == null ? "" : schema + ".") + table + ": " + e.getMessage(),
          e);
    }
  }

  /** Parses {@code 8d}, {@code 36h}, {@code 90m}, {@code 600s} or an ISO-8601 duration. */
  public static Duration parseDuration(String setting, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.startsWith("p")) {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (value.charAt(value.length() - 1)) {
        case 'd' -> Duration.ofDays(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 's' -> Duration.ofSeconds(amount);
        default -> throw new NumberFormatException(value);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          setting + "=" + text + " is not a duration such as 8d, 36h, 90m or 600s");
    }
  }

  private static Optional<StartFilter> startFilter(Map<String, String> env) {
    String shard = firstNonBlank(env.get(START_SHARD_ID), null);
    String sequenceNumber = firstNonBlank(env.get(START_SEQUENCE_NUMBER), null);
    String mode = firstNonBlank(env.get(START_MODE), null);
    if (shard == null && sequenceNumber == null && mode == null) {
      return Optional.empty();
    }
    if (shard == null || sequenceNumber == null || mode == null) {
      throw new IllegalArgumentException(
          "set all of "
              + START_SHARD_ID
              + ", "
              + START_SEQUENCE_NUMBER
              + " and "
              + START_MODE
              + " (at or after) to start at a sequence number, or none of them");
    }
    boolean inclusive =
        switch (mode) {
          case "at", "seqno-at", "AT_SEQUENCE_NUMBER" -> true;
          case "after", "seqno-after", "AFTER_SEQUENCE_NUMBER" -> false;
          default ->
              throw new IllegalArgumentException(
                  START_MODE + "=" + mode + " is not one of at, after");
        };
    try {
      return Optional.of(new StartFilter(shard, sequenceNumber, inclusive));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(START_SEQUENCE_NUMBER + ": " + e.getMessage(), e);
    }
  }

  /**
   * The target table the first of {@link #TABLE_VARIABLES} names that is not blank, trimmed; null
   * when none does.
   */
  public static String namedTable(Map<String, String> env) {
    return firstNonBlank(env.get(TABLE_VARIABLES.get(0)), env.get(TABLE_VARIABLES.get(1)));
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b != null && !b.isBlank() ? b.trim() : null;
  }
}
