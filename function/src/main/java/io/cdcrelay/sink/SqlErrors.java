package io.cdcrelay.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tells infrastructure failures (retry the batch) from failures of the rows themselves. */
final class SqlErrors {

  // SQLSTATE classes: 08 connection, 53 insufficient resources, 57 operator intervention
  // (shutdown),
  // 58 system error, 40 transaction rollback.
  // https://www.postgresql.org/docs/current/errcodes-appendix.html
  private static final List<String> RETRYABLE_STATES = List.of("08", "53", "57", "58", "40");

  // SQLSTATEs of a configuration no retry can fix: 28 authorization (wrong user or password),
  // 08004 the server rejected the connection (pgjdbc: a password is required but none was given,
  // or an authentication method it cannot do), 3D000 unknown database, 3F000 unknown schema,
  // 42602 invalid name, 42501 missing privilege.
  private static final List<String> CONFIGURATION_STATES =
      List.of("28", "08004", "3D000", "3F000", "42602", "42501");

  // What pgjdbc says of a URL it cannot parse (a port "5432x", say): no retry makes it parse.
  private static final List<String> CONNECTION_URL_PHRASES =
      List.of("unable to parse url", "no suitable driver");

  private static final int MAX_MESSAGE = 1000;

  private SqlErrors() {}

  /**
   * Whether CrateDB refused to add a column because the table has it already, as 6.4.3 says it:
   * {@code ERROR: The table doc.t already has a column named data['c']} (SQLSTATE XX000).
   */
  static boolean isColumnThere(SQLException error) {
    return String.valueOf(error.getMessage()).contains(" already has a column named ");
  }

  /** Whether {@code error}, anywhere in its chain, says the database was unavailable. */
  static boolean isRetryable(Throwable error) {
    if (configurationProblem(error).isPresent()) {
      return false;
    }
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t : chain(error, seen)) {
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && state.length() >= 2
            && RETRYABLE_STATES.contains(state.substring(0, 2))) {
          return true;
        }
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      for (String marker : CrateDbSql.TRANSIENT_PHRASES) {
        if (message.contains(marker)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code error}, anywhere in its chain, is a failure to reach the database: no
   * connection, or the connection lost (SQLSTATE class 08, a connection or I/O exception), as
   * opposed to an error the database answered with.
   */
  static boolean isConnectionFailure(Throwable error) {
    for (Throwable t : chain(error, new IdentityHashMap<>())) {
      if (t instanceof IOException
          || t instanceof SQLRecoverableException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /** What to do about a CrateDB cluster at its shard limit. */
  static final String SHARD_LIMIT_HINT =
      " (the cluster is at its shard limit: drop tables it no longer needs, raise"
          + " cluster.max_shards_per_node, or give the target tables the relay creates fewer"
          + " shards: CRATEDB_TABLE_OPTIONS or --table-options 'CLUSTERED INTO 2 SHARDS')";

  /**
   * Why {@code error} is a configuration that no retry can fix (credentials, a database or name the
   * server refuses, a cluster out of room for new tables), if it is one.
   */
  static java.util.Optional<String> configurationProblem(Throwable error) {
    for (Throwable t : chain(error, new IdentityHashMap<>())) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        for (String prefix : CONFIGURATION_STATES) {
          if (state.startsWith(prefix)) {
            return java.util.Optional.of(firstLine(t.getMessage()));
          }
        }
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      for (String phrase : CrateDbSql.CONFIGURATION_PHRASES) {
        if (message.contains(phrase)) {
          return java.util.Optional.of(
              firstLine(t.getMessage())
                  + (phrase.equals(CrateDbSql.SHARD_LIMIT) ? SHARD_LIMIT_HINT : ""));
        }
      }
      for (String phrase : CONNECTION_URL_PHRASES) {
        if (message.contains(phrase)) {
          return java.util.Optional.of(firstLine(t.getMessage()));
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    String line = Redaction.urlsIn(newline < 0 ? message : message.substring(0, newline));
    return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
  }

  /** Every message of the chain, joined: the batch error and the first failing row's cause. */
  static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t : chain(error, new IdentityHashMap<>())) {
      String message = t.getMessage();
      if (message != null && text.indexOf(message) < 0) {
        if (text.length() > 0) {
          text.append(" | ");
        }
        text.append(message);
      }
    }
    if (text.length() == 0) {
      return error.getClass().getSimpleName();
    }
    // The driver quotes the JDBC URL in some messages, with its sslpassword= or password=.
    String described = Redaction.urlsIn(text.toString());
    return described.length() <= MAX_MESSAGE
        ? described
        : described.substring(0, MAX_MESSAGE) + "…";
  }

  private static List<Throwable> chain(Throwable error, Map<Throwable, Boolean> seen) {
    java.util.ArrayList<Throwable> all = new java.util.ArrayList<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
    todo.add(error);
    while (!todo.isEmpty() && all.size() < 50) {
      Throwable t = todo.poll();
      if (t == null || seen.put(t, Boolean.TRUE) != null) {
        continue;
      }
      all.add(t);
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        todo.add(sql.getNextException());
      }
    }
    return all;
  }
}
