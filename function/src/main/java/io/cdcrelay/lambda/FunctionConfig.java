package io.cdcrelay.lambda;

import io.cdcrelay.sink.TargetUrl;
import java.util.List;
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
 * @param target the target database and table
 * @param passwordSecretArn the secret holding the password, if any
 * @param socketTimeoutSeconds how long a database call may take before the batch is retried
 * @param start the records to skip for {@code start=seqno-at/seqno-after}, if configured
 */
public record FunctionConfig(
    TargetUrl target,
    Optional<String> passwordSecretArn,
    int socketTimeoutSeconds,
    Optional<StartFilter> start) {

  /** Environment variables that may hold the target URL, in order of precedence. */
  public static final List<String> URL_VARIABLES =
      List.of("CRATEDB_SQLALCHEMY_URL", "CRATEDB_CLUSTER_URL", "SINK_SQLALCHEMY_URL");

  public static final String TABLE = "CRATEDB_TABLE";
  public static final String SECRET_ARN = "CRATEDB_PASSWORD_SECRET_ARN";
  public static final String SOCKET_TIMEOUT = "CRATEDB_SOCKET_TIMEOUT";
  public static final String START_SHARD_ID = "START_SHARD_ID";
  public static final String START_SEQUENCE_NUMBER = "START_SEQUENCE_NUMBER";
  public static final String START_MODE = "START_MODE";

  public FunctionConfig {
    if (target.tableName().isEmpty()) {
      throw new IllegalArgumentException(
          "no target table: give it in the URL (crate://USER@HOST:4200/SCHEMA/TABLE) or set "
              + TABLE);
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

  /** Reads and validates the settings; the message of a failure says what to set. */
  public static FunctionConfig fromEnvironment(Map<String, String> env) {
    String url = null;
    for (String variable : URL_VARIABLES) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        url = value;
        break;
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
      throw new IllegalArgumentException("CRATEDB_SQLALCHEMY_URL: " + e.getMessage(), e);
    }
    String table = firstNonBlank(env.get(TABLE), env.get("SINK_TABLE"));
    if (table != null) {
      int dot = table.indexOf('.');
      target =
          dot < 0
              ? target.withTable(target.schema(), table)
              : target.withTable(table.substring(0, dot), table.substring(dot + 1));
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
    return new FunctionConfig(target, secret, timeout, startFilter(env));
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

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b != null && !b.isBlank() ? b.trim() : null;
  }
}
